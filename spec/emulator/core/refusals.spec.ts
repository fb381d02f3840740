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
});
