import nock from 'nock';
import { lastValueFrom, toArray } from 'rxjs';
import { ResourceNotFoundError } from '../../../src/client/errors.js';
import { describe as describeSObject, describe$ } from '../../../src/sources/describe/describe.js';
import { describeGlobal } from '../../../src/sources/describe/describeGlobal.js';
import { Account, ApexClass, API, nockClient, org } from '../support/fixtures.js';
import { useNock } from '../../support/useNock.js';

const ACCOUNT_DESCRIBE = {
  name: 'Account', label: 'Account', labelPlural: 'Accounts', keyPrefix: '001', custom: false, createable: true,
  updateable: true, deletable: true, queryable: true, urls: {},
  fields: [{ name: 'Id', type: 'id' }, { name: 'Name', type: 'string', length: 255 }],
  childRelationships: [{ childSObject: 'Contact', field: 'AccountId', relationshipName: 'Contacts', cascadeDelete: false }],
};

describe('describe$', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('GETs /sobjects/{T}/describe for a model or an API name', async () => {
    const scope = org().get(`${API}/sobjects/Account/describe`).times(2).reply(200, ACCOUNT_DESCRIBE);
    const byModel = await describeSObject(Account, { client: nockClient() });
    const byName = await describeSObject('Account', { client: nockClient() });
    scope.done();
    expect(byModel?.fields.map((f) => f.name)).toEqual(['Id', 'Name']);
    expect(byName?.childRelationships[0]?.relationshipName).toBe('Contacts');
  });

  it('describes Tooling API objects under /tooling', async () => {
    const scope = org().get(`${API}/tooling/sobjects/ApexClass/describe`).reply(200, { ...ACCOUNT_DESCRIBE, name: 'ApexClass' });
    expect((await describeSObject(ApexClass, { client: nockClient() }))?.name).toBe('ApexClass');
    scope.done();
  });

  it('sends If-Modified-Since and completes without a value on 304', async () => {
    org()
      .get(`${API}/sobjects/Account/describe`)
      .matchHeader('if-modified-since', 'Mon, 01 Jan 2024 00:00:00 GMT')
      .reply(304);
    const values = await lastValueFrom(
      describe$('Account', { client: nockClient(), ifModifiedSince: new Date('2024-01-01T00:00:00Z') }).pipe(toArray()),
    );
    expect(values).toEqual([]);
  });

  it('fails with ResourceNotFoundError for an unknown object', async () => {
    org().get(`${API}/sobjects/Nope__c/describe`).reply(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    await expectAsync(describeSObject('Nope__c', { client: nockClient() })).toBeRejectedWithError(ResourceNotFoundError);
  });
});

describe('describeGlobal$', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('GETs /sobjects', async () => {
    org().get(`${API}/sobjects`).reply(200, { encoding: 'UTF-8', maxBatchSize: 200, sobjects: [{ name: 'Account', keyPrefix: '001' }] });
    const global = await describeGlobal({ client: nockClient() });
    expect(global?.maxBatchSize).toBe(200);
    expect(global?.sobjects[0]?.keyPrefix).toBe('001');
  });

  it('GETs /tooling/sobjects with tooling: true', async () => {
    const scope = org().get(`${API}/tooling/sobjects`).reply(200, { encoding: 'UTF-8', maxBatchSize: 200, sobjects: [] });
    await describeGlobal({ client: nockClient(), tooling: true });
    scope.done();
  });
});
