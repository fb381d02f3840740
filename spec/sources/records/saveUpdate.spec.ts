import nock from 'nock';
import { ValidationError } from '../../../src/client/errors.js';
import { saveUpdate } from '../../../src/sources/records/saveUpdate.js';
import { Account, ACCOUNT_ID, API, nockClient, org, wireAccount } from '../support/fixtures.js';
import { useNock } from '../../support/useNock.js';

describe('saveUpdate$', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('PATCHes the updateable fields to the record URL, Id in the URL only', async () => {
    let body: unknown;
    const scope = org().patch(`${API}/sobjects/Account/${ACCOUNT_ID}`, (b) => ((body = b), true)).reply(204);
    const result = await saveUpdate(Account, { Id: ACCOUNT_ID, Name: 'Acme', AnnualRevenue: null }, { client: nockClient() });
    scope.done();
    expect(body).toEqual({ Name: 'Acme', AnnualRevenue: null });
    expect(result).toEqual({ id: ACCOUNT_ID, success: true, created: false });
  });

  it('with onlyChanges sends only the fields changed since the record was read', async () => {
    const record = Account.fromWire(wireAccount());
    record.Industry = 'Banking';
    record.AnnualRevenue = 2500;
    let body: unknown;
    const scope = org().patch(`${API}/sobjects/Account/${ACCOUNT_ID}`, (b) => ((body = b), true)).reply(204);
    await saveUpdate(Account, record, { client: nockClient(), onlyChanges: true });
    scope.done();
    expect(body).toEqual({ Industry: 'Banking', AnnualRevenue: 2500 });
  });

  it('with onlyChanges sends no request for an unchanged record and says so', async () => {
    const record = Account.fromWire(wireAccount());
    // no scope and no net connect: a request would fail
    const result = await saveUpdate(Account, record, { client: nockClient(), onlyChanges: true });
    expect(result).toEqual({ id: ACCOUNT_ID, success: true, created: false, unchanged: true });
  });

  it('marks the record synced after a save, so the next onlyChanges save sends only newer edits', async () => {
    const record = Account.fromWire(wireAccount());
    record.Name = 'Acme 2';
    const bodies: unknown[] = [];
    org()
      .patch(`${API}/sobjects/Account/${ACCOUNT_ID}`, (b) => (bodies.push(b), true))
      .times(2)
      .reply(204);
    await saveUpdate(Account, record, { client: nockClient(), onlyChanges: true });
    const second = await saveUpdate(Account, record, { client: nockClient(), onlyChanges: true });
    expect(second.unchanged).toBeTrue();
    record.Industry = 'Technology';
    await saveUpdate(Account, record, { client: nockClient(), onlyChanges: true });
    expect(bodies).toEqual([{ Name: 'Acme 2' }, { Industry: 'Technology' }]);
  });

  it('fails with a ValidationError before any request when Id is missing or malformed', async () => {
    const missing = await saveUpdate(Account, { Name: 'Acme' }, { client: nockClient() }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ValidationError);
    expect((missing as ValidationError).field).toBe('Id');
    const malformed = await saveUpdate(Account, { Id: '001xyz', Name: 'Acme' }, { client: nockClient() }).catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(ValidationError);
  });
});
