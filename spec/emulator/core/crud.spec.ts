import { Api } from './helpers.js';

describe('emulator sObject CRUD', () => {
  let api: Api;
  beforeAll(async () => { api = await Api.start(); });
  afterAll(async () => { await api.emu.stop(); });

  it('creates (201), reads with attributes and ?fields=, updates (204) and deletes (204)', async () => {
    const res = await api.call('POST', '/sobjects/Account', { Name: 'Acme', Industry: 'Energy', AnnualRevenue: 1000 });
    expect(res.status).toBe(201);
    const { id } = res.json();
    expect(res.json()).toEqual({ id, success: true, errors: [] });
    expect(id).toMatch(/^001[A-Za-z0-9]{15}$/);
    const read = await api.call('GET', `/sobjects/Account/${id}?fields=Name,Industry`);
    expect(read.json()).toEqual({ attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${id}` },
      Name: 'Acme', Industry: 'Energy' });
    const full = (await api.call('GET', `/sobjects/Account/${id.slice(0, 15)}`)).json();
    expect(full.CreatedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(full.OwnerId).toBe(api.emu.org.users[0].userId);
    expect((await api.call('PATCH', `/sobjects/Account/${id}`, { Name: 'Acme 2' })).status).toBe(204);
    expect((await api.call('GET', `/sobjects/Account/${id}?fields=Name`)).json().Name).toBe('Acme 2');
    expect((await api.call('DELETE', `/sobjects/Account/${id}`)).status).toBe(204);
    const gone = await api.call('GET', `/sobjects/Account/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.json()[0].errorCode).toBe('ENTITY_IS_DELETED');
    expect(api.emu.store.get(id, { includeDeleted: true })?.IsDeleted).toBeTrue();
  });

  it('404s unknown records and objects with NOT_FOUND', async () => {
    const res = await api.call('GET', '/sobjects/Account/001000000000000AAA');
    expect(res.status).toBe(404);
    expect(res.json()).toEqual([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
    expect((await api.call('GET', '/sobjects/Nope/001000000000000AAA')).status).toBe(404);
  });

  describe('validation errors', () => {
    const expectError = async (type: string, body: unknown, code: string, fields?: string[], message?: RegExp) => {
      const res = await api.call('POST', `/sobjects/${type}`, body);
      expect(res.status).withContext(res.text).toBe(400);
      const [e] = res.json();
      expect(e.errorCode).toBe(code);
      if (fields) expect(e.fields).toEqual(fields);
      if (message) expect(e.message).toMatch(message);
    };

    it('REQUIRED_FIELD_MISSING names the fields', () =>
      expectError('Opportunity', { Name: 'x' }, 'REQUIRED_FIELD_MISSING', ['StageName', 'CloseDate'],
        /^Required fields are missing: \[StageName, CloseDate\]$/));
    it('STRING_TOO_LONG gives the max length', () =>
      expectError('Account', { Name: 'x'.repeat(256) }, 'STRING_TOO_LONG', ['Name'], /max length=255/));
    it('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', () =>
      expectError('Opportunity', { Name: 'x', StageName: 'Dreaming', CloseDate: '2024-01-01' },
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', ['StageName'], /bad value for restricted picklist field: Dreaming/));
    it('unrestricted picklists accept other values', async () => {
      expect((await api.call('POST', '/sobjects/Account', { Name: 'x', Industry: 'Space' })).status).toBe(201);
    });
    it('INVALID_TYPE_ON_FIELD_IN_RECORD for wrong value types', () =>
      expectError('Account', { Name: 'x', NumberOfEmployees: 'many' }, 'INVALID_TYPE_ON_FIELD_IN_RECORD',
        ['NumberOfEmployees']));
    it('JSON_PARSER_ERROR for a broken body', async () => {
      const res = await api.call('POST', '/sobjects/Account', '{"Name":', { 'Content-Type': 'application/json' });
      expect(res.status).toBe(400);
      expect(res.json()[0].errorCode).toBe('JSON_PARSER_ERROR');
    });
    it('INVALID_FIELD for unknown fields', () =>
      expectError('Account', { Name: 'x', Bogus__c: 1 }, 'INVALID_FIELD', undefined,
        /^No such column 'Bogus__c' on sobject of type Account$/));
    it('INVALID_FIELD_FOR_INSERT_UPDATE for read-only fields', () =>
      expectError('Account', { Name: 'x', CreatedDate: '2020-01-01T00:00:00Z' }, 'INVALID_FIELD_FOR_INSERT_UPDATE',
        ['CreatedDate']));
    it('MALFORMED_ID for a bad reference', () =>
      expectError('Contact', { LastName: 'x', AccountId: 'garbage' }, 'MALFORMED_ID', ['AccountId']));
    it('FIELD_INTEGRITY_EXCEPTION for an id of the wrong object', async () => {
      const contact = await api.create('Contact', { LastName: 'c' });
      await expectError('Contact', { LastName: 'x', AccountId: contact }, 'FIELD_INTEGRITY_EXCEPTION', ['AccountId']);
    });
    it('INVALID_CROSS_REFERENCE_KEY for a missing record, ENTITY_IS_DELETED for a deleted one', async () => {
      await expectError('Contact', { LastName: 'x', AccountId: '001000000000009AAA' }, 'INVALID_CROSS_REFERENCE_KEY');
      const acct = await api.create('Account', { Name: 'doomed' });
      await api.call('DELETE', `/sobjects/Account/${acct}`);
      await expectError('Contact', { LastName: 'x', AccountId: acct }, 'ENTITY_IS_DELETED');
    });
    it('DUPLICATE_VALUE on a unique external id', async () => {
      await api.create('Account', { Name: 'a', External_Id__c: 'DUP-1' });
      await expectError('Account', { Name: 'b', External_Id__c: 'dup-1' }, 'DUPLICATE_VALUE', undefined,
        /^duplicate value found: External_Id__c duplicates value on record with id: 001/);
    });
    it('normalises datetimes to UTC with milliseconds', async () => {
      const id = await api.create('Case', { Subject: 's' });
      const c = await api.create('Contact', { LastName: 'd', Birthdate: '1990-02-03' });
      expect((await api.call('GET', `/sobjects/Contact/${c}?fields=Birthdate,Name`)).json())
        .toEqual(jasmine.objectContaining({ Birthdate: '1990-02-03', Name: 'd' }));
      expect((await api.call('GET', `/sobjects/Case/${id}?fields=CaseNumber,Status`)).json().Status).toBe('New');
      const opp = await api.create('Opportunity', { Name: 'o', StageName: 'Closed Won', CloseDate: '2024-05-01' });
      expect((await api.call('GET', `/sobjects/Opportunity/${opp}?fields=IsWon,IsClosed`)).json())
        .toEqual(jasmine.objectContaining({ IsWon: true, IsClosed: true }));
      const t = await api.create('Task', { Subject: 't' });
      expect(api.emu.store.get(t)?.CreatedDate).toMatch(/\.\d{3}\+0000$/);
    });
  });

  describe('upsert by external id', () => {
    it('creates (201), updates (200 created:false), refuses with updateOnly, and reports multiple matches (300)', async () => {
      const first = await api.call('PATCH', '/sobjects/Account/External_Id__c/UP-1', { Name: 'Up' });
      expect(first.status).toBe(201);
      expect(first.json()).toEqual({ id: jasmine.any(String), success: true, errors: [], created: true });
      const second = await api.call('PATCH', '/sobjects/Account/External_Id__c/UP-1', { Name: 'Up 2' });
      expect(second.status).toBe(200);
      expect(second.json()).toEqual({ id: first.json().id, success: true, errors: [], created: false });
      const only = await api.call('PATCH', '/sobjects/Account/External_Id__c/UP-404?updateOnly=true', { Name: 'x' });
      expect(only.status).toBe(404);
      expect((await api.call('GET', '/sobjects/Account/External_Id__c/UP-1')).json().Name).toBe('Up 2');
      await api.create('Contact', { LastName: 'Twin', Email: 'twin@x.io' });
      await api.create('Contact', { LastName: 'Twin', Email: 'twin@x.io' });
      const multi = await api.call('PATCH', '/sobjects/Contact/Email/twin@x.io', { FirstName: 'T' });
      expect(multi.status).toBe(300);
      expect(multi.json().length).toBe(2);
      const badField = await api.call('PATCH', '/sobjects/Account/Nope__c/1', { Name: 'x' });
      expect(badField.status).toBe(404);
    });
  });

  describe('conditional requests', () => {
    it('answers 304 to If-Modified-Since / If-None-Match and 412 to If-Unmodified-Since / If-Match', async () => {
      const id = await api.create('Account', { Name: 'cond' });
      const read = await api.call('GET', `/sobjects/Account/${id}`);
      const lastModified = String(read.headers['last-modified']);
      const etag = String(read.headers.etag);
      expect((await api.call('GET', `/sobjects/Account/${id}`, undefined, { 'If-Modified-Since': lastModified })).status)
        .toBe(304);
      expect((await api.call('GET', `/sobjects/Account/${id}`, undefined, { 'If-None-Match': etag })).status).toBe(304);
      const past = new Date(Date.parse(lastModified) - 60_000).toUTCString();
      const refused = await api.call('PATCH', `/sobjects/Account/${id}`, { Name: 'x' }, { 'If-Unmodified-Since': past });
      expect(refused.status).toBe(412);
      expect((await api.call('PATCH', `/sobjects/Account/${id}`, { Name: 'y' }, { 'If-Match': '"stale"' })).status)
        .toBe(412);
      expect((await api.call('PATCH', `/sobjects/Account/${id}`, { Name: 'z' }, { 'If-Match': etag })).status).toBe(204);
    });
  });

  describe('blobs', () => {
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7 + 13) % 256));

    function multipart(entityName: string, fields: object, blobName: string, data: Buffer): { body: Buffer; type: string } {
      const b = 'boundary_rxforce_42';
      const body = Buffer.concat([
        Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${entityName}"\r\nContent-Type: application/json\r\n\r\n` +
          `${JSON.stringify(fields)}\r\n--${b}\r\nContent-Disposition: form-data; name="${blobName}"; filename="f.bin"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n'),
        data, Buffer.from(`\r\n--${b}--\r\n`)]);
      return { body, type: `multipart/form-data; boundary=${b}` };
    }

    it('round-trips ContentVersion bytes exactly through multipart create and VersionData', async () => {
      const m = multipart('entity_content', { Title: 'bin', PathOnClient: 'f.bin' }, 'VersionData', bytes);
      const res = await api.call('POST', '/sobjects/ContentVersion', m.body, { 'Content-Type': m.type });
      expect(res.status).withContext(res.text).toBe(201);
      const id = res.json().id;
      const blob = await api.call('GET', `/sobjects/ContentVersion/${id}/VersionData`);
      expect(blob.status).toBe(200);
      expect(blob.body.equals(bytes)).toBeTrue();
      const rec = (await api.call('GET', `/sobjects/ContentVersion/${id}`)).json();
      expect(rec.VersionData).toBe(`/services/data/v62.0/sobjects/ContentVersion/${id}/VersionData`);
      expect(rec.ContentSize).toBe(3000);
      expect(rec.ContentDocumentId).toMatch(/^069/);
    });

    it('accepts entity_document for Document and base64 JSON for Attachment', async () => {
      const folder = api.emu.org.users[0].userId;
      const m = multipart('entity_document', { Name: 'doc', FolderId: folder }, 'Body', bytes);
      const doc = await api.call('POST', '/sobjects/Document', m.body, { 'Content-Type': m.type });
      expect(doc.status).withContext(doc.text).toBe(201);
      expect((await api.call('GET', `/sobjects/Document/${doc.json().id}/Body`)).body.equals(bytes)).toBeTrue();
      const parent = await api.create('Account', { Name: 'with attachment' });
      const att = await api.create('Attachment', { ParentId: parent, Name: 'a.txt', Body: Buffer.from('hello').toString('base64') });
      expect((await api.call('GET', `/sobjects/Attachment/${att}/Body`)).text).toBe('hello');
    });
  });

  it('lists updated and deleted ids in a window covering whole minutes', async () => {
    let clock = Date.UTC(2024, 4, 1, 10, 0, 30);
    const timed = await Api.start({ now: () => clock });
    try {
      const start = new Date(clock - 60_000).toISOString();
      const id = await timed.create('Lead', { LastName: 'L', Company: 'C' });
      const window = () => `?start=${start}&end=${new Date(clock).toISOString()}`;
      expect((await timed.call('GET', `/sobjects/Lead/updated/${window()}`)).json())
        .toEqual({ ids: [], latestDateCovered: '2024-05-01T10:00:00.000+0000' });
      clock += 60_000;
      expect((await timed.call('GET', `/sobjects/Lead/updated/${window()}`)).json().ids).toEqual([id]);
      await timed.call('DELETE', `/sobjects/Lead/${id}`);
      clock += 60_000;
      const deleted = (await timed.call('GET', `/sobjects/Lead/deleted/${window()}`)).json();
      expect(deleted.deletedRecords).toEqual([{ id, deletedDate: '2024-05-01T10:01:30.000+0000' }]);
      expect(deleted.earliestDateAvailable).toBe('2024-05-01T10:00:30.000+0000');
    } finally {
      await timed.emu.stop();
    }
  });
});
