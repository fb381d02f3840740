import nock from 'nock';
import { saveUpdate } from '../../src/sources/records/saveUpdate.js';
import { saveInsert } from '../../src/sources/records/saveInsert.js';
import { saveUpsert } from '../../src/sources/records/saveUpsert.js';
import { insertList } from '../../src/operators/insertList.js';
import { updateList } from '../../src/operators/updateList.js';
import { Account, ACCOUNT_ID, API, nockClient, org, wireAccount } from './support/fixtures.js';
import { useNock } from '../support/useNock.js';

/** An edit made while a save is in flight was not sent by it, so the next `onlyChanges` update must send it. */
describe('edits made while a save is in flight', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('are not marked synced by an update', async () => {
    const record = Account.fromWire(wireAccount());
    record.Name = 'Acme 2';
    const bodies: unknown[] = [];
    org().patch(`${API}/sobjects/Account/${ACCOUNT_ID}`, (b) => (bodies.push(b), true)).times(2).delay(20).reply(204);
    const first = saveUpdate(Account, record, { client: nockClient(), onlyChanges: true });
    record.Industry = 'Banking'; // after the PATCH body was built
    await first;
    await saveUpdate(Account, record, { client: nockClient(), onlyChanges: true });
    expect(bodies).toEqual([{ Name: 'Acme 2' }, { Industry: 'Banking' }]);
  });

  it('are not marked synced by an insert', async () => {
    const record: Partial<ReturnType<typeof Account.fromWire>> = { Name: 'Acme' };
    const bodies: unknown[] = [];
    org().post(`${API}/sobjects/Account`).delay(20).reply(201, { id: ACCOUNT_ID, success: true, errors: [] });
    org().patch(`${API}/sobjects/Account/${ACCOUNT_ID}`, (b) => (bodies.push(b), true)).reply(204);
    const first = saveInsert(Account, record, { client: nockClient() });
    record.Industry = 'Energy';
    await first;
    await saveUpdate(Account, record, { client: nockClient(), onlyChanges: true });
    expect(bodies).toEqual([{ Industry: 'Energy' }]);
  });

  it('are not marked synced by an upsert', async () => {
    const record: Partial<ReturnType<typeof Account.fromWire>> = { External_Id__c: 'A-1', Name: 'Acme' };
    const bodies: unknown[] = [];
    org().patch(`${API}/sobjects/Account/External_Id__c/A-1`).delay(20).reply(201, { id: ACCOUNT_ID, success: true, created: true });
    org().patch(`${API}/sobjects/Account/${ACCOUNT_ID}`, (b) => (bodies.push(b), true)).reply(204);
    const first = saveUpsert(Account, record, 'External_Id__c', { client: nockClient() });
    record.Industry = 'Energy';
    await first;
    await saveUpdate(Account, record, { client: nockClient(), onlyChanges: true });
    expect(bodies).toEqual([{ Industry: 'Energy' }]);
  });
});

describe('edits made while a list save is in flight', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('are not marked synced by updateList', async () => {
    const record = Account.fromWire(wireAccount());
    record.Name = 'Acme 2';
    const bodies: unknown[] = [];
    org().patch(`${API}/composite/sobjects`).delay(20).reply(200, [{ id: ACCOUNT_ID, success: true, errors: [] }]);
    org().patch(`${API}/sobjects/Account/${ACCOUNT_ID}`, (b) => (bodies.push(b), true)).reply(204);
    const first = updateList(Account, [record], { client: nockClient(), onlyChanges: true });
    record.Industry = 'Banking';
    await first;
    await saveUpdate(Account, record, { client: nockClient(), onlyChanges: true });
    expect(bodies).toEqual([{ Industry: 'Banking' }]);
  });

  it('are not marked synced by insertList, which still writes the new Id', async () => {
    const record: Partial<ReturnType<typeof Account.fromWire>> = { Name: 'Acme' };
    const bodies: unknown[] = [];
    org().post(`${API}/composite/sobjects`).delay(20).reply(200, [{ id: ACCOUNT_ID, success: true, errors: [] }]);
    org().patch(`${API}/sobjects/Account/${ACCOUNT_ID}`, (b) => (bodies.push(b), true)).reply(204);
    const first = insertList(Account, [record], { client: nockClient() });
    record.Industry = 'Banking';
    await first;
    expect(record.Id).toBe(ACCOUNT_ID);
    await saveUpdate(Account, record, { client: nockClient(), onlyChanges: true });
    expect(bodies).toEqual([{ Industry: 'Banking' }]);
  });
});
