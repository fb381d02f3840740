import { Api, raw } from './helpers.js';

describe('emulator REST basics', () => {
  let api: Api;
  beforeAll(async () => { api = await Api.start({ dailyApiLimit: 1000 }); });
  afterAll(async () => { await api.emu.stop(); });

  it('lists versions without auth, uncounted and without a limit header', async () => {
    const before = api.emu.stats.apiRequests;
    const res = await raw(`${api.emu.url}/services/data/`);
    expect(res.status).toBe(200);
    const versions = res.json() as { version: string; url: string; label: string }[];
    expect(versions[versions.length - 1]).toEqual({ label: "Winter '25", url: '/services/data/v62.0', version: '62.0' });
    expect(versions[0].version).toBe('50.0');
    expect(res.headers['sforce-limit-info']).toBeUndefined();
    expect(api.emu.stats.apiRequests).toBe(before);
  });

  it('serves the version root resource map and 404s an unknown version', async () => {
    const res = await api.call('GET', '/');
    expect(res.json().sobjects).toBe('/services/data/v62.0/sobjects');
    expect(res.json().jobs).toBe('/services/data/v62.0/jobs');
    const old = await raw(`${api.emu.url}/services/data/v20.0/limits`, { headers: { Authorization: `Bearer ${api.token}` } });
    expect(old.status).toBe(404);
    expect(old.json()).toEqual([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
  });

  it('counts API requests in /limits and Sforce-Limit-Info', async () => {
    const a = await api.call('GET', '/limits');
    const used = Number(/api-usage=(\d+)\/1000/.exec(String(a.headers['sforce-limit-info']))![1]);
    expect(a.json().DailyApiRequests).toEqual({ Max: 1000, Remaining: 1000 - used });
    const b = await api.call('GET', '/limits');
    expect(b.headers['sforce-limit-info']).toBe(`api-usage=${used + 1}/1000`);
    expect(b.json().DailyApiRequests.Remaining).toBe(1000 - used - 1);
    expect(b.json().DailyBulkV2QueryJobs).toEqual(jasmine.objectContaining({ Max: jasmine.any(Number) }));
  });

  it('refuses requests without a valid session', async () => {
    const res = await raw(api.url('/limits'), { headers: { Authorization: 'Bearer 00Dxx!bogus' } });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });

  describe('describe', () => {
    it('describeGlobal lists objects with keyPrefix and urls', async () => {
      const res = await api.call('GET', '/sobjects');
      const body = res.json();
      expect(body.encoding).toBe('UTF-8');
      expect(body.maxBatchSize).toBe(200);
      const account = body.sobjects.find((s: { name: string }) => s.name === 'Account');
      expect(account).toEqual(jasmine.objectContaining({ keyPrefix: '001', label: 'Account', labelPlural: 'Accounts',
        custom: false, createable: true, queryable: true }));
      expect(account.urls.describe).toBe('/services/data/v62.0/sobjects/Account/describe');
      expect(body.sobjects.some((s: { name: string }) => s.name === 'ApexClass')).toBeFalse();
    });

    it('describes fields, relationships and picklists as Salesforce does', async () => {
      const res = await api.call('GET', '/sobjects/Contact/describe');
      expect(res.status).toBe(200);
      const d = res.json();
      const accountId = d.fields.find((f: { name: string }) => f.name === 'AccountId');
      expect(accountId).toEqual(jasmine.objectContaining({ type: 'reference', referenceTo: ['Account'],
        relationshipName: 'Account', soapType: 'tns:ID', nillable: true }));
      const lastName = d.fields.find((f: { name: string }) => f.name === 'LastName');
      expect(lastName).toEqual(jasmine.objectContaining({ length: 80, nillable: false, createable: true }));
      const account = (await api.call('GET', '/sobjects/Account/describe')).json();
      expect(account.childRelationships).toContain(jasmine.objectContaining({ childSObject: 'Contact',
        field: 'AccountId', relationshipName: 'Contacts' }));
      const ext = account.fields.find((f: { name: string }) => f.name === 'External_Id__c');
      expect(ext).toEqual(jasmine.objectContaining({ externalId: true, unique: true, length: 255, custom: true }));
      const stage = (await api.call('GET', '/sobjects/Opportunity/describe')).json().fields
        .find((f: { name: string }) => f.name === 'StageName');
      expect(stage.restrictedPicklist).toBeTrue();
      expect(stage.picklistValues.map((p: { value: string }) => p.value)).toContain('Closed Won');
      const task = (await api.call('GET', '/sobjects/Task/describe')).json().fields;
      expect(task.find((f: { name: string }) => f.name === 'WhoId').referenceTo).toEqual(['Contact', 'Lead']);
    });

    it('answers 304 to If-Modified-Since after the schema date', async () => {
      const first = await api.call('GET', '/sobjects/Account/describe');
      const since = String(first.headers['last-modified']);
      const again = await api.call('GET', '/sobjects/Account/describe', undefined, { 'If-Modified-Since': since });
      expect(again.status).toBe(304);
      expect((await api.call('GET', '/sobjects/Nope__c/describe')).status).toBe(404);
    });

    it('serves tooling objects under /tooling only', async () => {
      expect((await api.call('GET', '/tooling/sobjects/ApexClass/describe')).status).toBe(200);
      expect((await api.call('GET', '/sobjects/ApexClass/describe')).status).toBe(404);
    });
  });

  it('answers 403 REQUEST_LIMIT_EXCEEDED once the daily limit is used up', async () => {
    const small = await Api.start({ dailyApiLimit: 2 });
    try {
      expect((await small.call('GET', '/limits')).status).toBe(200);
      expect((await small.call('GET', '/limits')).status).toBe(200);
      const res = await small.call('GET', '/limits');
      expect(res.status).toBe(403);
      expect(res.json()).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
      small.emu.faults.set({ dailyApiLimit: 10 });
      expect((await small.call('GET', '/limits')).status).toBe(200);
    } finally {
      await small.emu.stop();
    }
  });
});
