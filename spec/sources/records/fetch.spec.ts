import nock from 'nock';
import { lastValueFrom } from 'rxjs';
import { ResourceNotFoundError, ValidationError } from '../../../src/client/errors.js';
import { changedFields } from '../../../src/model/index.js';
import { fetch, fetch$ } from '../../../src/sources/records/fetch.js';
import { Account, ACCOUNT_ID, ACCOUNT_ID_15, API, ApexClass, nockClient, org, wireAccount } from '../support/fixtures.js';
import { useNock } from '../../support/useNock.js';

describe('fetch$', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('GETs the record with every model field and revives it, attributes dropped', async () => {
    const scope = org()
      .get(`${API}/sobjects/Account/${ACCOUNT_ID}`)
      .query({ fields: 'Id,Name,Industry,AnnualRevenue,External_Id__c,CreatedDate' })
      .matchHeader('authorization', 'Bearer 00Dx0000000TEST!token')
      .reply(200, wireAccount());
    const account = await lastValueFrom(fetch$(Account, ACCOUNT_ID, { client: nockClient() }));
    scope.done();
    expect(account.Name).toBe('Acme');
    expect(account.CreatedDate).toEqual(new Date('2024-05-20T20:49:32.000Z'));
    expect('attributes' in account).toBeFalse();
    expect(changedFields(Account, account)).toEqual([]); // snapshotted for onlyChanges saves
  });

  it('accepts a 15-character id and asks for its 18-character form', async () => {
    const scope = org().get(`${API}/sobjects/Account/${ACCOUNT_ID}`).query(true).reply(200, wireAccount());
    const account = await fetch(Account, ACCOUNT_ID_15, { client: nockClient() });
    scope.done();
    expect(account.Id).toBe(ACCOUNT_ID);
  });

  it('is cold: nothing is sent before subscribe', async () => {
    const scope = org().get(`${API}/sobjects/Account/${ACCOUNT_ID}`).query(true).reply(200, wireAccount());
    const fetch1 = fetch$(Account, ACCOUNT_ID, { client: nockClient() });
    await new Promise((r) => setTimeout(r, 20));
    expect(scope.isDone()).toBeFalse();
    await lastValueFrom(fetch1);
    expect(scope.isDone()).toBeTrue();
  });

  it('fails with a ValidationError before any request for a malformed id', async () => {
    // no scope and no net connect: any request would fail with a nock error instead
    const error = await fetch(Account, '001-not-an-id', { client: nockClient() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('Id');
    expect((error as ValidationError).sobject).toBe('Account');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('fails with ResourceNotFoundError on 404 NOT_FOUND', async () => {
    org()
      .get(`${API}/sobjects/Account/${ACCOUNT_ID}`)
      .query(true)
      .reply(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    const error = await fetch(Account, ACCOUNT_ID, { client: nockClient() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as ResourceNotFoundError).errorCode).toBe('NOT_FOUND');
  });

  it('reads Tooling API models under /tooling/sobjects', async () => {
    const id = '01pD0000000AbCdIAK';
    const scope = org()
      .get(`${API}/tooling/sobjects/ApexClass/${id}`)
      .query({ fields: 'Id,Name,Body' })
      .reply(200, { attributes: { type: 'ApexClass' }, Id: id, Name: 'Hello', Body: 'public class Hello {}' });
    const cls = await fetch(ApexClass, id, { client: nockClient() });
    scope.done();
    expect(cls.Body).toBe('public class Hello {}');
  });
});
