/**
 * Third-party code unchanged: jsforce posts the examples of Salesforce's REST API Developer Guide (Composite,
 * Composite Batch, sObject Tree, Composite Graph) with `conn.request` and searches with `conn.search`.
 */
import type jsforce from 'jsforce';
import type { Emulator } from '../../src/emulator/index.js';
import { startOrg, jsforceConnection } from '../support/org.js';

const V = '/services/data/v62.0';

describe('jsforce against the emulator: composite resources and SOSL', () => {
  let emulator: Emulator;
  let conn: jsforce.Connection;
  beforeAll(async () => {
    ({ emulator } = await startOrg({ seed: 21 }));
    conn = await jsforceConnection(emulator);
  });
  afterAll(async () => { await emulator.stop(); });

  const post = <T>(path: string, body: unknown) => conn.request<T>({ method: 'POST', url: `${V}${path}`, body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' } });

  it('posts the guide\'s Composite example (create an account, read it back, create a contact for it)', async () => {
    const res = await post<{ compositeResponse: { httpStatusCode: number; referenceId: string; body: any }[] }>('/composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'refAccount', body: { Name: 'Sample Account' } },
        { method: 'GET', url: `${V}/sobjects/Account/@{refAccount.id}`, referenceId: 'refAccountInfo' },
        { method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'refContact',
          body: { LastName: 'Sample Contact', AccountId: '@{refAccountInfo.Id}' } },
      ],
    });
    expect(res.compositeResponse.map(r => [r.referenceId, r.httpStatusCode])).toEqual([['refAccount', 201], ['refAccountInfo', 200],
      ['refContact', 201]]);
    expect(res.compositeResponse[1].body.Name).toBe('Sample Account');
    expect(emulator.store.get(res.compositeResponse[2].body.id)?.AccountId).toBe(res.compositeResponse[0].body.id);
  });

  it('posts the guide\'s Composite Batch example (update an account, then read it)', async () => {
    const id = (await conn.sobject('Account').create({ Name: 'Batch Sample' })).id!;
    const res = await post<{ hasErrors: boolean; results: { statusCode: number; result: any }[] }>('/composite/batch', {
      batchRequests: [
        { method: 'PATCH', url: `v62.0/sobjects/account/${id}`, richInput: { Name: 'NewName' } },
        { method: 'GET', url: `v62.0/sobjects/account/${id}?fields=Name,BillingPostalCode` },
      ],
    });
    expect(res.hasErrors).toBeFalse();
    expect(res.results[0]).toEqual({ statusCode: 204, result: null });
    expect(res.results[1].result.Name).toBe('NewName');
  });

  it('posts the guide\'s sObject Tree example (accounts with nested contacts)', async () => {
    const res = await post<{ hasErrors: boolean; results: { referenceId: string; id: string }[] }>('/composite/tree/Account', {
      records: [
        { attributes: { type: 'Account', referenceId: 'ref1' }, name: 'SampleAccount1', phone: '1234567890', website: 'www.salesforce.com',
          numberOfEmployees: '100', industry: 'Banking',
          Contacts: { records: [
            { attributes: { type: 'Contact', referenceId: 'ref2' }, lastname: 'Smith', Title: 'President', email: 'sample@salesforce.com' },
            { attributes: { type: 'Contact', referenceId: 'ref3' }, lastname: 'Evans', title: 'Vice President', email: 'sample@salesforce.com' },
          ] } },
        { attributes: { type: 'Account', referenceId: 'ref4' }, name: 'SampleAccount2', phone: '1234567890', website: 'www.salesforce.com',
          numberOfEmployees: '52000', industry: 'Banking' },
      ],
    });
    expect(res.hasErrors).toBeFalse();
    expect(res.results.map(r => r.referenceId)).toEqual(['ref1', 'ref4', 'ref2', 'ref3']);
    expect(emulator.store.get(res.results[2].id)?.AccountId).toBe(res.results[0].id);
  });

  it('posts the guide\'s Composite Graph example', async () => {
    const res = await post<{ graphs: { graphId: string; isSuccessful: boolean; graphResponse: { compositeResponse: any[] } }[] }>(
      '/composite/graph', { graphs: [
        { graphId: '1', compositeRequest: [
          { url: `${V}/sobjects/Account/`, body: { name: 'Cloudy Consulting' }, method: 'POST', referenceId: 'reference_id_account_1' },
          { url: `${V}/sobjects/Contact/`, body: { FirstName: 'Nellie', LastName: 'Cashman', AccountId: '@{reference_id_account_1.id}' },
            method: 'POST', referenceId: 'reference_id_contact_1' },
          { url: `${V}/sobjects/Opportunity/`, body: { CloseDate: '2024-05-22', StageName: 'Prospecting', Name: 'Opportunity 1',
            AccountId: '@{reference_id_account_1.id}' }, method: 'POST', referenceId: 'reference_id_opportunity_1' },
        ] },
        { graphId: '2', compositeRequest: [
          { url: `${V}/sobjects/Account/`, body: { name: 'Easy Spaces' }, method: 'POST', referenceId: 'reference_id_account_2' },
          { url: `${V}/sobjects/Contact/`, body: { FirstName: 'Charlie', LastName: 'Dawson', AccountId: '@{reference_id_account_2.id}' },
            method: 'POST', referenceId: 'reference_id_contact_2' },
        ] },
      ] });
    expect(res.graphs.map(g => [g.graphId, g.isSuccessful])).toEqual([['1', true], ['2', true]]);
    const opp = res.graphs[0].graphResponse.compositeResponse[2];
    expect(opp.httpStatusCode).toBe(201);
    expect(emulator.store.get(opp.body.id)?.AccountId).toBe(res.graphs[0].graphResponse.compositeResponse[0].body.id);
  });

  it('searches with conn.search', async () => {
    await conn.sobject('Account').create({ Name: 'Searchable Widgets' });
    const res = await conn.search('FIND {Searchable*} IN NAME FIELDS RETURNING Account(Id, Name)');
    expect(res.searchRecords.map(r => r.Name)).toEqual(['Searchable Widgets']);
    expect(res.searchRecords[0].attributes?.type).toBe('Account');
    await expectAsync(conn.search('FIND {Searchable RETURNING Account')).toBeRejectedWith(jasmine.objectContaining({ errorCode: 'MALFORMED_SEARCH' }));
  });
});
