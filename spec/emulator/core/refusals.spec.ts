import { Api, longestProbeWhile } from './helpers.js';

/** What the emulator refuses, as Salesforce refuses it. */
describe('emulator refusals', () => {
  let api: Api;
  beforeAll(async () => { api = await Api.start(); });
  afterAll(async () => { await api.emu.stop(); });

  describe('numbers beyond a field\'s precision', () => {
    it('refuses AnnualRevenue 1e300 (currency 18,0) with NUMBER_OUTSIDE_VALID_RANGE, and takes the largest that fits', async () => {
      const res = await api.call('POST', '/sobjects/Account', { Name: 'huge', AnnualRevenue: 1e300 });
      expect(res.status).toBe(400);
      expect(res.json()[0].errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
      expect(res.json()[0].fields).toEqual(['AnnualRevenue']);
      expect((await api.call('POST', '/sobjects/Account', { Name: 'big', AnnualRevenue: 1e19 })).status).toBe(400);
      expect((await api.call('POST', '/sobjects/Account', { Name: 'fits', AnnualRevenue: 1e17 })).status).toBe(201);
      expect((await api.call('POST', '/sobjects/Account', { Name: 'negative', AnnualRevenue: -1e300 })).status).toBe(400);
    });

    it('refuses it in a collections request per record', async () => {
      const res = await api.call('POST', '/composite/sobjects', { allOrNone: false, records: [
        { attributes: { type: 'Account' }, Name: 'ok', AnnualRevenue: 5 },
        { attributes: { type: 'Account' }, Name: 'too big', AnnualRevenue: 1e300 },
      ] });
      expect(res.status).toBe(200);
      const [ok, bad] = res.json();
      expect(ok.success).toBeTrue();
      expect(bad.success).toBeFalse();
      expect(bad.errors[0].statusCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
    });
  });

  describe('JSON nested too deep', () => {
    it('answers 400 JSON_PARSER_ERROR for a record nested 100,000 deep, without stalling other requests', async () => {
      const body = `{"Name":"deep","Description":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
      const { res, probeMs } = await longestProbeWhile(api, () => api.call('POST', '/sobjects/Account', body,
        { 'Content-Type': 'application/json' }));
      expect(res.status).toBe(400);
      expect(res.json()[0].errorCode).toBe('JSON_PARSER_ERROR');
      expect(res.json()[0].message).toMatch(/nesting depth/);
      expect(probeMs).toBeLessThan(2000);
      const collections = await api.call('POST', '/composite/sobjects', `{"records":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
        { 'Content-Type': 'application/json' });
      expect(collections.status).toBe(400);
      expect(collections.json()[0].errorCode).toBe('JSON_PARSER_ERROR');
    });

    it('still reads brackets inside strings as text', async () => {
      const res = await api.call('POST', '/sobjects/Account', { Name: 'brackets', Description: '['.repeat(5000) });
      expect(res.status).toBe(201);
    });
  });

  describe('duplicate keys within one collections request', () => {
    it('fails every record of an upsert that repeats an external id, and writes none of them', async () => {
      const res = await api.call('PATCH', '/composite/sobjects/Account/External_Id__c', { allOrNone: false, records: [
        { attributes: { type: 'Account' }, External_Id__c: 'DUP-1', Name: 'first' },
        { attributes: { type: 'Account' }, External_Id__c: 'solo-1', Name: 'solo' },
        { attributes: { type: 'Account' }, External_Id__c: 'dup-1', Name: 'second' },
      ] });
      expect(res.status).toBe(200);
      const [a, solo, b] = res.json();
      for (const r of [a, b]) {
        expect(r.success).toBeFalse();
        expect(r.errors[0].statusCode).toBe('DUPLICATE_VALUE');
        expect(r.errors[0].message).toMatch(/^Duplicate external id specified: (DUP|dup)-1$/);
        expect(r.errors[0].fields).toEqual(['External_Id__c']);
      }
      expect(solo.success).toBeTrue();
      expect(api.emu.store.findBy('Account', 'External_Id__c', 'dup-1')).toEqual([]);
    });

    it('fails every record of an update that repeats an Id, 15- or 18-character, and changes nothing', async () => {
      const id = await api.create('Account', { Name: 'before' });
      const res = await api.call('PATCH', '/composite/sobjects', { allOrNone: false, records: [
        { attributes: { type: 'Account' }, id, Name: 'one' },
        { attributes: { type: 'Account' }, id: id.slice(0, 15), Name: 'two' },
      ] });
      const results = res.json();
      expect(results.map((r: { success: boolean }) => r.success)).toEqual([false, false]);
      expect(results[0].errors[0].statusCode).toBe('DUPLICATE_VALUE');
      expect(api.emu.store.get(id)?.Name).toBe('before');
    });
  });

  describe('SOQL operators on the wrong kind of field', () => {
    const query = (soql: string) => api.call('GET', `/query?q=${encodeURIComponent(soql)}`);

    it('refuses SUM and AVG of a text field, in SELECT and HAVING; numbers still add up', async () => {
      for (const soql of ['SELECT SUM(Name) FROM Account', 'SELECT AVG(Name) total FROM Account',
        'SELECT Industry FROM Account GROUP BY Industry HAVING SUM(Name) > 1']) {
        const res = await query(soql);
        expect(res.status).withContext(soql).toBe(400);
        expect(res.json()[0].errorCode).toBe('INVALID_FIELD');
        expect(res.json()[0].message).toMatch(/field Name does not support aggregate operator (SUM|AVG)/);
      }
      expect((await query('SELECT SUM(AnnualRevenue), MAX(Name) FROM Account')).status).toBe(200);
    });

    it('refuses INCLUDES and EXCLUDES on a field that is not a multi-select picklist', async () => {
      for (const soql of ["SELECT Id FROM Account WHERE Industry INCLUDES ('Energy')",
        "SELECT Id FROM Account WHERE Name EXCLUDES ('x')"]) {
        const res = await query(soql);
        expect(res.status).withContext(soql).toBe(400);
        expect(res.json()[0].errorCode).toBe('INVALID_FIELD');
        expect(res.json()[0].message).toContain('includes or excludes operator only valid on multipicklist field');
      }
    });
  });
});
