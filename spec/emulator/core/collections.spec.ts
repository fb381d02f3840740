import { Api } from './helpers.js';

describe('emulator sObject Collections', () => {
  let api: Api;
  beforeAll(async () => { api = await Api.start(); });
  afterAll(async () => { await api.emu.stop(); });

  const acct = (name: string, extra: object = {}) => ({ attributes: { type: 'Account' }, Name: name, ...extra });

  it('creates mixed types in input order with per-record errors', async () => {
    const res = await api.call('POST', '/composite/sobjects', { allOrNone: false, records: [
      acct('C1'), { attributes: { type: 'Contact' }, LastName: 'L' }, acct(''), acct('C3')] });
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body.length).toBe(4);
    expect(body[0]).toEqual({ id: jasmine.stringMatching(/^001/), success: true, errors: [] });
    expect(body[1].id).toMatch(/^003/);
    expect(body[2]).toEqual({ success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [Name]', fields: ['Name'] }] });
    expect(body[3].success).toBeTrue();
  });

  it('resolves a parent named by external id, and reports one that matches nothing', async () => {
    const parent = await api.create('Account', { Name: 'Parent by key', External_Id__c: 'REL-1' });
    const res = await api.call('POST', '/composite/sobjects', { records: [
      { attributes: { type: 'Contact' }, LastName: 'Child', Account: { External_Id__c: 'REL-1' } },
      { attributes: { type: 'Contact' }, LastName: 'Orphan', Account: { External_Id__c: 'REL-404' } },
    ] });
    expect(res.status).toBe(200);
    const [ok, missing] = res.json();
    expect(ok.success).toBeTrue();
    expect(api.emu.store.get(ok.id)?.AccountId).toBe(parent);
    expect(missing).toEqual({ success: false, errors: [{ statusCode: 'INVALID_FIELD',
      message: 'Foreign key external ID: REL-404 not found for field External_Id__c in entity Account', fields: ['Account'] }] });
    const single = await api.call('POST', '/sobjects/Contact', { LastName: 'Single', Account: { External_Id__c: 'REL-1' } });
    expect(single.status).toBe(201);
    expect(api.emu.store.get(single.json().id)?.AccountId).toBe(parent);
  });

  it('rolls everything back with allOrNone and marks the valid records', async () => {
    const before = api.emu.store.count('Account');
    const res = await api.call('POST', '/composite/sobjects', { allOrNone: true, records: [acct('ok'), acct('x'.repeat(300))] });
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body[0]).toEqual({ success: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
      message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
      fields: [] }] });
    expect(body[1].errors[0].statusCode).toBe('STRING_TOO_LONG');
    expect(api.emu.store.count('Account')).toBe(before);
  });

  it('refuses ids on create per record, and unknown fields for the whole request', async () => {
    const existing = await api.create('Account', { Name: 'has id' });
    const res = await api.call('POST', '/composite/sobjects', { records: [acct('a', { Id: existing }), acct('b')] });
    expect(res.json()[0].success).toBeFalse();
    expect(res.json()[0].errors[0].fields).toEqual(['Id']);
    expect(res.json()[1].success).toBeTrue();
    const bad = await api.call('POST', '/composite/sobjects', { records: [acct('a'), acct('b', { Bogus: 1 })] });
    expect(bad.status).toBe(400);
    expect(bad.json()[0].errorCode).toBe('INVALID_FIELD');
  });

  it('enforces 200 records and the 10-chunk rule with a 400', async () => {
    const many = await api.call('POST', '/composite/sobjects', { records: Array.from({ length: 201 }, (_, i) => acct(`m${i}`)) });
    expect(many.status).toBe(400);
    expect(many.json()).toEqual([{ message: 'record limit reached. cannot submit more than 200 records into this call', errorCode: 'EXCEEDED_ID_LIMIT' }]);
    const alternating = Array.from({ length: 11 }, (_, i) => i % 2 ? acct(`a${i}`) : { attributes: { type: 'Contact' }, LastName: `c${i}` });
    const chunks = await api.call('POST', '/composite/sobjects', { records: alternating });
    expect(chunks.status).toBe(400);
    expect(chunks.json()[0].message).toMatch(/^Cannot have more than 10 chunks in a single operation/);
    const ten = await api.call('POST', '/composite/sobjects', { records: alternating.slice(0, 10) });
    expect(ten.status).toBe(200);
  });

  it('updates with ids and reports missing or unknown ones', async () => {
    const id = await api.create('Account', { Name: 'before' });
    const res = await api.call('PATCH', '/composite/sobjects', { records: [
      { attributes: { type: 'Account' }, id, Name: 'after' }, acct('no id'),
      { attributes: { type: 'Account' }, id: '001000000000077AAA', Name: 'x' }] });
    const body = res.json();
    expect(body[0]).toEqual({ id, success: true, errors: [] });
    expect(body[1].errors[0].statusCode).toBe('MISSING_ARGUMENT');
    expect(body[2].success).toBeFalse();
    expect(api.emu.store.get(id)?.Name).toBe('after');
  });

  it('upserts by external id with created flags', async () => {
    await api.create('Account', { Name: 'existing', External_Id__c: 'CU-1' });
    const res = await api.call('PATCH', '/composite/sobjects/Account/External_Id__c', { allOrNone: false, records: [
      acct('updated', { External_Id__c: 'CU-1' }), acct('new', { External_Id__c: 'CU-2' }), acct('none')] });
    const body = res.json();
    expect(body[0]).toEqual({ id: jasmine.any(String), success: true, errors: [], created: false });
    expect(body[1]).toEqual({ id: jasmine.any(String), success: true, errors: [], created: true });
    expect(body[2].success).toBeFalse();
    expect(api.emu.store.findBy('Account', 'External_Id__c', 'CU-1')[0].Name).toBe('updated');
  });

  it('deletes by ids, with allOrNone rollback', async () => {
    const a = await api.create('Account', { Name: 'd1' });
    const b = await api.create('Account', { Name: 'd2' });
    const refused = await api.call('DELETE', `/composite/sobjects?ids=${a},001000000000055AAA&allOrNone=true`);
    expect(refused.json()[0].errors[0].statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(api.emu.store.get(a)).toBeDefined();
    const res = await api.call('DELETE', `/composite/sobjects?ids=${a},${b}`);
    expect(res.json()).toEqual([{ id: a, success: true, errors: [] }, { id: b, success: true, errors: [] }]);
    expect(api.emu.store.get(a)).toBeUndefined();
  });

  it('refuses more than 200 ids on delete, deletes mixed types, and reports ENTITY_IS_DELETED the second time', async () => {
    const ids = Array.from({ length: 201 }, (_, i) => `001${String(i).padStart(12, '0')}AAA`);
    const many = await api.call('DELETE', `/composite/sobjects?ids=${ids.join(',')}`);
    expect(many.status).toBe(400);
    expect(many.json()[0].errorCode).toBe('EXCEEDED_ID_LIMIT');
    const a = await api.create('Account', { Name: 'mixed delete' });
    const c = await api.create('Contact', { LastName: 'mixed delete' });
    const res = await api.call('DELETE', `/composite/sobjects?ids=${a},${c}`);
    expect(res.json()).toEqual([{ id: a, success: true, errors: [] }, { id: c, success: true, errors: [] }]);
    const again = await api.call('DELETE', `/composite/sobjects?ids=${a}`);
    expect(again.status).toBe(200);
    expect(again.json()).toEqual([{ id: a, success: false, errors: [jasmine.objectContaining({ statusCode: 'ENTITY_IS_DELETED' })] }]);
  });

  it('rolls updates and upserts back with allOrNone, writing nothing', async () => {
    const id = await api.create('Account', { Name: 'aon update', External_Id__c: 'AON-1' });
    const other = await api.create('Account', { Name: 'aon other' });
    const upd = await api.call('PATCH', '/composite/sobjects', { allOrNone: true, records: [
      { attributes: { type: 'Account' }, id, Name: 'changed' }, { attributes: { type: 'Account' }, id: other, Name: 'x'.repeat(300) }] });
    expect(upd.status).toBe(200);
    expect(upd.json().map((r: { errors: { statusCode: string }[] }) => r.errors[0].statusCode))
      .toEqual(['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'STRING_TOO_LONG']);
    expect(api.emu.store.get(id)?.Name).toBe('aon update');
    const count = api.emu.store.count('Account');
    const ups = await api.call('PATCH', '/composite/sobjects/Account/External_Id__c', { allOrNone: true, records: [
      acct('renamed', { External_Id__c: 'AON-1' }), acct('fresh', { External_Id__c: 'AON-2' }), acct('', { External_Id__c: 'AON-3' })] });
    const body = ups.json();
    expect(body.map((r: { success: boolean }) => r.success)).toEqual([false, false, false]);
    expect(body[0].errors[0].statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(body[2].errors[0].statusCode).toBe('REQUIRED_FIELD_MISSING');
    expect(api.emu.store.get(id)?.Name).toBe('aon update');
    expect(api.emu.store.count('Account')).toBe(count);
  });

  it('retrieves by GET and POST with nulls for unknown ids and a 400 for unknown fields', async () => {
    const id = await api.create('Account', { Name: 'r1', Industry: 'Energy' });
    const contact = await api.create('Contact', { LastName: 'not an account' });
    const get = await api.call('GET', `/composite/sobjects/Account?ids=${id},001000000000066AAA,${contact}&fields=Name,Industry`);
    expect(get.json()).toEqual([{ attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${id}` },
      Name: 'r1', Industry: 'Energy' }, null, null]);
    const post = await api.call('POST', '/composite/sobjects/Account', { ids: [id], fields: ['Id', 'Name'] });
    expect(post.json()[0].Id).toBe(id);
    const bad = await api.call('POST', '/composite/sobjects/Account', { ids: [id], fields: ['Nope'] });
    expect(bad.status).toBe(400);
    expect(bad.json()[0].errorCode).toBe('INVALID_FIELD');
    const tooMany = await api.call('POST', '/composite/sobjects/Account', { ids: Array(2001).fill(id), fields: ['Name'] });
    expect(tooMany.status).toBe(400);
  });
});
