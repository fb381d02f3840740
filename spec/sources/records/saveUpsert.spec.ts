import nock from 'nock';
import { MultipleChoicesError, ValidationError } from '../../../src/client/errors.js';
import { saveUpsert } from '../../../src/sources/records/saveUpsert.js';
import { Account, ACCOUNT_ID, API, nockClient, org } from '../support/fixtures.js';
import { useNock } from '../../support/useNock.js';

describe('saveUpsert$', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('PATCHes to /sobjects/{T}/{field}/{value} and reports created on 201', async () => {
    let body: unknown;
    const scope = org()
      .patch(`${API}/sobjects/Account/External_Id__c/A-1`, (b) => ((body = b), true))
      .reply(201, { id: ACCOUNT_ID, errors: [], success: true, created: true });
    const record: { Id?: string; Name: string; External_Id__c: string } = { Name: 'Acme', External_Id__c: 'A-1' };
    const result = await saveUpsert(Account, record, 'External_Id__c', { client: nockClient() });
    scope.done();
    expect(body).toEqual({ Name: 'Acme' }); // the key travels in the URL
    expect(result).toEqual({ id: ACCOUNT_ID, success: true, created: true });
    expect(record.Id).toBe(ACCOUNT_ID);
  });

  it('reports an update on 200 with created false', async () => {
    org()
      .patch(`${API}/sobjects/Account/External_Id__c/A-1`)
      .reply(200, { id: ACCOUNT_ID, errors: [], success: true, created: false });
    const result = await saveUpsert(Account, { Name: 'Acme', External_Id__c: 'A-1' }, 'External_Id__c', { client: nockClient() });
    expect(result).toEqual({ id: ACCOUNT_ID, success: true, created: false });
  });

  it('accepts the 204 of older API versions as an update', async () => {
    org().patch(`${API}/sobjects/Account/External_Id__c/A-1`).reply(204);
    const result = await saveUpsert(Account, { Id: ACCOUNT_ID, Name: 'Acme', External_Id__c: 'A-1' }, 'External_Id__c', {
      client: nockClient(),
    });
    expect(result).toEqual({ id: ACCOUNT_ID, success: true, created: false });
  });

  it('encodes the key value into the URL', async () => {
    const scope = org()
      .patch(`${API}/sobjects/Account/External_Id__c/A%2F1%20x`)
      .reply(201, { id: ACCOUNT_ID, errors: [], success: true, created: true });
    await saveUpsert(Account, { Name: 'Acme', External_Id__c: 'A/1 x' }, 'External_Id__c', { client: nockClient() });
    scope.done();
  });

  it('surfaces 300 (several records match) as a MultipleChoicesError', async () => {
    org()
      .patch(`${API}/sobjects/Account/External_Id__c/A-1`)
      .reply(300, [`${API}/sobjects/Account/001D000000IqhSLIAZ`, `${API}/sobjects/Account/001D000000IqhSMIAZ`]);
    const error = await saveUpsert(Account, { Name: 'Acme', External_Id__c: 'A-1' }, 'External_Id__c', {
      client: nockClient(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MultipleChoicesError);
  });

  it('fails before any request without a key value, on a field that is no external id, or an unknown field', async () => {
    const client = nockClient();
    const noValue = await saveUpsert(Account, { Name: 'Acme' }, 'External_Id__c', { client }).catch((e: unknown) => e);
    expect(noValue).toBeInstanceOf(ValidationError);
    expect((noValue as ValidationError).field).toBe('External_Id__c');
    const notExternal = await saveUpsert(Account, { Name: 'Acme' }, 'Name', { client }).catch((e: unknown) => e);
    expect(notExternal).toBeInstanceOf(ValidationError);
    const unknown = await saveUpsert(Account, { Name: 'Acme' }, 'Nope__c', { client }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ValidationError);
  });
});
