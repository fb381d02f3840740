import nock from 'nock';
import { save, save$ } from '../../../src/sources/records/save.js';
import { lastValueFrom } from 'rxjs';
import { Account, ACCOUNT_ID, API, nockClient, org, wireAccount } from '../support/fixtures.js';
import { useNock } from '../../support/useNock.js';

describe('save$', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('inserts a record without Id', async () => {
    const scope = org().post(`${API}/sobjects/Account`).reply(201, { id: ACCOUNT_ID, errors: [], success: true });
    expect(await save(Account, { Name: 'Acme' }, { client: nockClient() })).toEqual({ id: ACCOUNT_ID, success: true, created: true });
    scope.done();
  });

  it('updates a record with Id, honouring onlyChanges', async () => {
    const record = Account.fromWire(wireAccount());
    record.Name = 'Renamed';
    let body: unknown;
    const scope = org().patch(`${API}/sobjects/Account/${ACCOUNT_ID}`, (b) => ((body = b), true)).reply(204);
    const result = await lastValueFrom(save$(Account, record, { client: nockClient(), onlyChanges: true }));
    scope.done();
    expect(body).toEqual({ Name: 'Renamed' });
    expect(result.created).toBeFalse();
  });

  it('upserts when externalIdField is given, even with an Id', async () => {
    const scope = org()
      .patch(`${API}/sobjects/Account/External_Id__c/A-9`)
      .reply(201, { id: ACCOUNT_ID, errors: [], success: true, created: true });
    const result = await save(Account, { Id: ACCOUNT_ID, Name: 'Acme', External_Id__c: 'A-9' }, {
      client: nockClient(),
      externalIdField: 'External_Id__c',
    });
    scope.done();
    expect(result.created).toBeTrue();
  });
});
