import { Api } from './helpers.js';

const V = '/services/data/v62.0';

describe('emulator /composite', () => {
  let api: Api;
  beforeAll(async () => { api = await Api.start({ seed: 3 }); });
  afterAll(async () => { await api.emu.stop(); });

  const composite = (body: unknown) => api.call('POST', '/composite', body);

  it('creates an account and a contact that references it, with Location headers and one API call', async () => {
    const before = api.emu.stats.apiRequests;
    const res = await composite({ allOrNone: true, compositeRequest: [
      { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'newAccount', body: { Name: 'Composite Co' } },
      { method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'newContact',
        body: { LastName: 'Smith', AccountId: '@{newAccount.id}' }, httpHeaders: { 'Sforce-Auto-Assign': 'FALSE' } },
      { method: 'GET', url: `${V}/sobjects/Contact/@{newContact.id}?fields=AccountId,LastName`, referenceId: 'readBack' },
    ] });
    expect(res.status).toBe(200);
    expect(api.emu.stats.apiRequests - before).toBe(1);
    const [acct, contact, read] = res.json().compositeResponse;
    expect(acct.httpStatusCode).toBe(201);
    expect(acct.referenceId).toBe('newAccount');
    expect(acct.httpHeaders.Location).toBe(`${V}/sobjects/Account/${acct.body.id}`);
    expect(contact.httpStatusCode).toBe(201);
    expect(api.emu.store.get(contact.body.id)?.AccountId).toBe(acct.body.id);
    expect(read.httpStatusCode).toBe(200);
    expect(read.body.AccountId).toBe(acct.body.id);
    expect(res.headers['content-length']).toBeDefined(); // the HTTP answer has one; subresponses carry none
    expect(JSON.stringify(res.json())).not.toContain('Content-Length');
  });

  it('resolves nested paths into a query answer and follows nextRecordsUrl by reference', async () => {
    for (let i = 0; i < 3; i++) await api.create('Account', { Name: `Paged ${i}` });
    const res = await composite({ compositeRequest: [
      { method: 'GET', url: `${V}/query?q=${encodeURIComponent("SELECT Id, Name FROM Account WHERE Name LIKE 'Paged%' ORDER BY Name")}`,
        referenceId: 'q', httpHeaders: { 'Sforce-Query-Options': 'batchSize=200' } },
      { method: 'PATCH', url: `${V}/sobjects/Account/@{q.records[0].Id}`, referenceId: 'rename',
        body: { Description: 'first was @{q.records[0].Name}' } },
    ] });
    const [q, rename] = res.json().compositeResponse;
    expect(q.body.totalSize).toBe(3);
    expect(rename.httpStatusCode).toBe(204);
    expect(api.emu.store.get(q.body.records[0].Id)?.Description).toBe('first was Paged 0');

    const many = Array.from({ length: 200 }, (_, i) => ({ attributes: { type: 'Lead' }, LastName: `L${i}`, Company: 'Paging' }));
    await api.call('POST', '/composite/sobjects', { records: many });
    await api.call('POST', '/composite/sobjects', { records: many.slice(0, 50) });
    const paged = await composite({ compositeRequest: [
      { method: 'GET', url: `${V}/query?q=${encodeURIComponent("SELECT Id FROM Lead WHERE Company = 'Paging'")}`, referenceId: 'first',
        httpHeaders: { 'Sforce-Query-Options': 'batchSize=200' } },
      { method: 'GET', url: '@{first.nextRecordsUrl}', referenceId: 'second' },
    ] });
    const [first, second] = paged.json().compositeResponse;
    expect(first.body.records.length).toBe(200);
    expect(second.httpStatusCode).toBe(200);
    expect(second.body.records.length).toBe(50);
    expect(second.body.done).toBeTrue();
  });

  it('answers PROCESSING_HALTED for a reference with no value and still runs independent subrequests', async () => {
    const res = await composite({ allOrNone: false, compositeRequest: [
      { method: 'GET', url: `${V}/query?q=${encodeURIComponent("SELECT Id FROM Account WHERE Name = 'nobody'")}`, referenceId: 'none' },
      { method: 'PATCH', url: `${V}/sobjects/Account/@{none.records[0].Id}`, referenceId: 'badref', body: { Name: 'x' } },
      { method: 'POST', url: `v62.0/sobjects/Account`, referenceId: 'independent', body: { Name: 'Relative form' } },
    ] });
    const [, badref, independent] = res.json().compositeResponse;
    expect(badref.httpStatusCode).toBe(400);
    expect(badref.body).toEqual([{ errorCode: 'PROCESSING_HALTED',
      message: 'Invalid reference specified. No value for none.records[0].Id found in none' }]);
    expect(independent.httpStatusCode).toBe(201);
  });

  it('rolls every change back under allOrNone: the failure keeps its error, the rest answer 400', async () => {
    const count = api.emu.store.count('Account');
    const res = await composite({ allOrNone: true, compositeRequest: [
      { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'a', body: { Name: 'Rolled back' } },
      { method: 'POST', url: `${V}/composite/sobjects`, referenceId: 'coll',
        body: { allOrNone: false, records: [{ attributes: { type: 'Account' }, Name: 'In collection' }] } },
      { method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'badContact', body: { LastName: 'X', Email: 'not an email' } },
      { method: 'GET', url: `${V}/sobjects/Account/@{a.id}`, referenceId: 'never' },
    ] });
    expect(res.status).toBe(200);
    const results = res.json().compositeResponse;
    expect(results.map((r: { httpStatusCode: number }) => r.httpStatusCode)).toEqual([400, 400, 400, 400]);
    expect(results[2].body[0].errorCode).toBe('INVALID_EMAIL_ADDRESS');
    for (const i of [0, 1, 3]) expect(results[i].body[0].errorCode).toBe('PROCESSING_HALTED');
    expect(api.emu.store.count('Account')).toBe(count);
  });

  it('makes collections all-or-none under a composite allOrNone', async () => {
    const count = api.emu.store.count('Account');
    const res = await composite({ allOrNone: true, compositeRequest: [
      { method: 'POST', url: `${V}/composite/sobjects`, referenceId: 'coll', body: { allOrNone: false, records: [
        { attributes: { type: 'Account' }, Name: 'ok' }, { attributes: { type: 'Account' }, Name: '' }] } },
    ] });
    const [coll] = res.json().compositeResponse;
    expect(coll.body.map((r: { success: boolean }) => r.success)).toEqual([false, false]);
    expect(api.emu.store.count('Account')).toBe(count);
  });

  it('refuses malformed requests and the documented limits as a whole (400)', async () => {
    const sub = (i: number) => ({ method: 'GET', url: `${V}/limits`, referenceId: `r${i}` });
    expect((await composite({ compositeRequest: Array.from({ length: 26 }, (_, i) => sub(i)) })).status).toBe(400);
    const queries = Array.from({ length: 6 }, (_, i) => ({ method: 'GET', url: `${V}/query?q=SELECT+Id+FROM+Account`, referenceId: `q${i}` }));
    const tooHeavy = await composite({ compositeRequest: queries });
    expect(tooHeavy.status).toBe(400);
    expect(tooHeavy.json()[0].message).toContain('at most 5');
    const header = await composite({ compositeRequest: [{ ...sub(0), httpHeaders: { 'Content-Type': 'text/plain' } }] });
    expect(header.status).toBe(400);
    expect((await composite({ compositeRequest: [{ ...sub(0), method: 'get' }] })).status).toBe(400);
    expect((await composite({ compositeRequest: [{ ...sub(0), referenceId: 'bad-id' }] })).status).toBe(400);
    expect((await composite({ compositeRequest: [sub(0), sub(0)] })).status).toBe(400);
    expect((await composite({ compositeRequest: [{ ...sub(0), url: '/services/apexrest/x' }] })).status).toBe(400);
    const nested = await composite({ compositeRequest: [{ method: 'POST', url: `${V}/composite`, referenceId: 'n', body: {} }] });
    expect(nested.json().compositeResponse[0].httpStatusCode).toBe(400);
    expect((await api.call('GET', '/composite')).status).toBe(405);
  });

  it('accepts collateSubrequests and refuses a non-boolean one', async () => {
    const ok = await composite({ collateSubrequests: true, compositeRequest: [
      { method: 'GET', url: `${V}/sobjects/Account/describe`, referenceId: 'd' },
      { method: 'GET', url: `${V}/limits`, referenceId: 'l' }] });
    expect(ok.json().compositeResponse[0].httpStatusCode).toBe(200);
    expect(ok.json().compositeResponse[1].httpStatusCode).toBe(400); // /limits is not a Composite resource
    expect((await composite({ collateSubrequests: 'yes', compositeRequest: [{ method: 'GET', url: `${V}/limits`, referenceId: 'l' }] }))
      .status).toBe(400);
  });
});

describe('emulator /composite/batch', () => {
  let api: Api;
  beforeAll(async () => { api = await Api.start({ seed: 4 }); });
  afterAll(async () => { await api.emu.stop(); });

  it('runs independent subrequests in order and commits each on its own', async () => {
    const id = await api.create('Account', { Name: 'Batch me' });
    const res = await api.call('POST', '/composite/batch', { batchRequests: [
      { method: 'PATCH', url: `v62.0/sobjects/account/${id}`, richInput: { Name: 'NewName' } },
      { method: 'GET', url: `v62.0/sobjects/account/${id}?fields=Name`, },
      { method: 'POST', url: 'v62.0/sobjects/Contact', richInput: { FirstName: 'no last name' } },
      { method: 'GET', url: '/services/data/v62.0/limits' },
    ] });
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body.hasErrors).toBeTrue();
    expect(body.results.map((r: { statusCode: number }) => r.statusCode)).toEqual([204, 200, 400, 200]);
    expect(body.results[0].result).toBeNull();
    expect(body.results[1].result.Name).toBe('NewName');
    expect(body.results[2].result[0].errorCode).toBe('REQUIRED_FIELD_MISSING');
    expect(api.emu.store.get(id)?.Name).toBe('NewName');
  });

  it('halts after the first failure with haltOnError: 412 BATCH_PROCESSING_HALTED for the rest', async () => {
    const count = api.emu.store.count('Account');
    const res = await api.call('POST', '/composite/batch', { haltOnError: true, batchRequests: [
      { method: 'POST', url: 'v62.0/sobjects/Account', richInput: { Name: 'kept' } },
      { method: 'POST', url: 'v62.0/sobjects/Account', richInput: { Name: '' } },
      { method: 'POST', url: 'v62.0/sobjects/Account', richInput: { Name: 'never' } },
    ] });
    const body = res.json();
    expect(body.results.map((r: { statusCode: number }) => r.statusCode)).toEqual([201, 400, 412]);
    expect(body.results[2].result[0].errorCode).toBe('BATCH_PROCESSING_HALTED');
    expect(api.emu.store.count('Account')).toBe(count + 1);
  });

  it('refuses a malformed subrequest or more than 25 before running any', async () => {
    const count = api.emu.store.count('Account');
    const bad = await api.call('POST', '/composite/batch', { batchRequests: [
      { method: 'POST', url: 'v62.0/sobjects/Account', richInput: { Name: 'not run' } }, { method: 'FETCH', url: 'v62.0/limits' }] });
    expect(bad.status).toBe(400);
    expect(api.emu.store.count('Account')).toBe(count);
    const many = Array.from({ length: 26 }, () => ({ method: 'GET', url: 'v62.0/limits' }));
    expect((await api.call('POST', '/composite/batch', { batchRequests: many })).status).toBe(400);
    const later = await api.call('POST', '/composite/batch', { batchRequests: [{ method: 'GET', url: 'v62.0/limits' }] });
    expect(later.status).toBe(200);
    const api50 = new Api(api.emu, api.token, '50.0');
    expect((await api50.call('POST', '/composite/batch', { batchRequests: [{ method: 'GET', url: 'v62.0/limits' }] })).status).toBe(400);
  });
});
