import { Api } from './helpers.js';

const V = '/services/data/v62.0';

describe('emulator /composite/tree', () => {
  let api: Api;
  beforeAll(async () => { api = await Api.start({ seed: 5 }); });
  afterAll(async () => { await api.emu.stop(); });

  it('creates nested records level by level and links children to their parents', async () => {
    const res = await api.call('POST', '/composite/tree/Account', { records: [
      { attributes: { type: 'Account', referenceId: 'ref1' }, Name: 'SampleAccount',
        Contacts: { records: [{ attributes: { type: 'Contact', referenceId: 'ref2' }, LastName: 'Smith' }] } },
      { attributes: { type: 'Account', referenceId: 'ref4' }, Name: 'SampleAccount2' },
    ] });
    expect(res.status).toBe(201);
    const body = res.json();
    expect(body.hasErrors).toBeFalse();
    expect(body.results.map((r: { referenceId: string }) => r.referenceId)).toEqual(['ref1', 'ref4', 'ref2']);
    const contact = api.emu.store.get(body.results[2].id);
    expect(contact?.AccountId).toBe(body.results[0].id);
  });

  it('fails the whole request with only the offending record listed, and writes nothing', async () => {
    const count = api.emu.store.count('Account');
    const res = await api.call('POST', '/composite/tree/Account', { records: [
      { attributes: { type: 'Account', referenceId: 'ok1' }, Name: 'Never written',
        Contacts: { records: [{ attributes: { type: 'Contact', referenceId: 'bad2' }, LastName: 'X', Email: '123' }] } },
    ] });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ hasErrors: true, results: [{ referenceId: 'bad2', errors: [jasmine.objectContaining({
      statusCode: 'INVALID_EMAIL_ADDRESS', fields: ['Email'] })] }] });
    expect(api.emu.store.count('Account')).toBe(count);
  });

  it('refuses more than 200 records, duplicate reference ids, a wrong root type and a missing referenceId', async () => {
    const records = Array.from({ length: 201 }, (_, i) => ({ attributes: { type: 'Account', referenceId: `r${i}` }, Name: `A${i}` }));
    const tooMany = await api.call('POST', '/composite/tree/Account', { records });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json()[0].message).toContain('at most 200');
    const dup = await api.call('POST', '/composite/tree/Account', { records: [
      { attributes: { type: 'Account', referenceId: 'same' }, Name: 'a' }, { attributes: { type: 'Account', referenceId: 'same' }, Name: 'b' }] });
    expect(dup.status).toBe(400);
    expect(dup.json().results.length).toBe(2);
    expect((await api.call('POST', '/composite/tree/Contact', { records: [
      { attributes: { type: 'Account', referenceId: 'x1' }, Name: 'a' }] })).status).toBe(400);
    expect((await api.call('POST', '/composite/tree/Account', { records: [{ attributes: { type: 'Account' }, Name: 'a' }] })).status)
      .toBe(400);
    expect((await api.call('POST', '/composite/tree/Account', { records: [
      { attributes: { type: 'Account', referenceId: '_x' }, Name: 'a' }] })).status).toBe(400);
  });
});

describe('emulator /composite/graph', () => {
  let api: Api;
  beforeAll(async () => { api = await Api.start({ seed: 6 }); });
  afterAll(async () => { await api.emu.stop(); });

  it('runs each graph all or nothing: a failing node rolls back only its graph', async () => {
    const count = api.emu.store.count('Account');
    const res = await api.call('POST', '/composite/graph', { graphs: [
      { graphId: '1', compositeRequest: [
        { url: `${V}/sobjects/Account/`, body: { name: 'Cloudy Consulting' }, method: 'POST', referenceId: 'reference_id_account_1' },
        { url: `${V}/sobjects/Contact/`, body: { LastName: 'Cashman', AccountId: '@{reference_id_account_1.id}' }, method: 'POST',
          referenceId: 'reference_id_contact_1' }] },
      { graphId: '2', compositeRequest: [
        { url: `${V}/sobjects/Account/`, body: { Name: 'Doomed' }, method: 'POST', referenceId: 'acct' },
        { url: `${V}/sobjects/Contact/`, body: { AccountId: '@{acct.id}' }, method: 'POST', referenceId: 'noLastName' }] },
    ] });
    expect(res.status).toBe(200);
    const [g1, g2] = res.json().graphs;
    expect(g1.isSuccessful).toBeTrue();
    expect(g1.graphResponse.compositeResponse[1].httpStatusCode).toBe(201);
    expect(g2.isSuccessful).toBeFalse();
    expect(g2.graphResponse.compositeResponse[0].body[0].errorCode).toBe('PROCESSING_HALTED');
    expect(g2.graphResponse.compositeResponse[1].body[0].errorCode).toBe('REQUIRED_FIELD_MISSING');
    expect(api.emu.store.count('Account')).toBe(count + 1);
  });

  it('refuses nodes outside the sObject resources and over-limit payloads', async () => {
    const bad = await api.call('POST', '/composite/graph', { graphs: [{ graphId: 'q', compositeRequest: [
      { url: `${V}/query?q=SELECT+Id+FROM+Account`, method: 'GET', referenceId: 'q' }] }] });
    expect(bad.json().graphs[0].isSuccessful).toBeFalse();
    expect(bad.json().graphs[0].graphResponse.compositeResponse[0].httpStatusCode).toBe(400);
    const nodes = Array.from({ length: 501 }, (_, i) => ({ url: `${V}/sobjects/Account`, method: 'POST', referenceId: `n${i}`,
      body: { Name: `n${i}` } }));
    expect((await api.call('POST', '/composite/graph', { graphs: [{ graphId: 'big', compositeRequest: nodes }] })).status).toBe(400);
    const graphs = Array.from({ length: 76 }, (_, i) => ({ graphId: `g${i}`, compositeRequest: [nodes[0]] }));
    expect((await api.call('POST', '/composite/graph', { graphs })).status).toBe(400);
    const chain = Array.from({ length: 16 }, (_, i) => ({ url: `${V}/sobjects/Account`, method: 'POST', referenceId: `c${i}`,
      body: { Name: i ? `@{c${i - 1}.id}` : 'root' } }));
    expect((await api.call('POST', '/composite/graph', { graphs: [{ graphId: 'deep', compositeRequest: chain }] })).status).toBe(400);
  });

  it('halts the remaining graphs once more than 14 have failed', async () => {
    const failing = (i: number) => ({ graphId: `f${i}`, compositeRequest: [
      { url: `${V}/sobjects/Account`, method: 'POST', referenceId: 'a', body: { Name: '' } }] });
    const res = await api.call('POST', '/composite/graph', { graphs: [...Array.from({ length: 15 }, (_, i) => failing(i)),
      { graphId: 'late', compositeRequest: [{ url: `${V}/sobjects/Account`, method: 'POST', referenceId: 'a', body: { Name: 'late' } }] }] });
    const graphs = res.json().graphs;
    expect(graphs[14].graphResponse.compositeResponse[0].body[0].errorCode).toBe('REQUIRED_FIELD_MISSING'); // the 15th failure
    expect(graphs[15].graphResponse.compositeResponse[0].body[0].errorCode).toBe('PROCESSING_HALTED');
    expect(graphs[15].isSuccessful).toBeFalse();
    expect(api.emu.store.findBy('Account', 'Name', 'late').length).toBe(0);
  });
});
