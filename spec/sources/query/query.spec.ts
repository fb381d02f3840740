import nock from 'nock';
import { lastValueFrom, take, toArray } from 'rxjs';
import { eachValueFrom } from 'rxjs-for-await';
import { changedFields } from '../../../src/model/index.js';
import { query, query$ } from '../../../src/sources/query/query.js';
import { queryAll } from '../../../src/sources/query/queryAll.js';
import { Account, ACCOUNT_ID, API, nockClient, org, wireAccount } from '../support/fixtures.js';
import { accountRows, page } from '../support/pages.js';
import { useNock } from '../../support/useNock.js';

const SOQL = 'SELECT Id, Name FROM Account';
const NEXT = `${API}/query/01gD0000000001AAA-2000`;
const NEXT2 = `${API}/query/01gD0000000001AAA-4000`;

describe('query$', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('emits every record of every page, in order, as Salesforce sent them', async () => {
    const scope = org()
      .get(`${API}/query`).query({ q: SOQL }).reply(200, page(accountRows(2000), 4500, NEXT))
      .get(NEXT).reply(200, page(accountRows(2000, 2000), 4500, NEXT2))
      .get(NEXT2).reply(200, page(accountRows(500, 4000), 4500));
    const records = await query(SOQL, { client: nockClient() });
    scope.done();
    expect(records.length).toBe(4500);
    expect(records.map((r) => r.Name)).toEqual(accountRows(4500).map((r) => r.Name));
    expect(records[0]!.attributes).toEqual({ type: 'Account', url: jasmine.any(String) }); // raw rows keep attributes
  });

  it('costs exactly one request when the consumer takes 10', async () => {
    const first = org().get(`${API}/query`).query(true).reply(200, page(accountRows(2000), 4500, NEXT));
    const second = org().get(NEXT).reply(200, page(accountRows(2000, 2000), 4500, NEXT2));
    const ten = await lastValueFrom(query$(SOQL, { client: nockClient() }).pipe(take(10), toArray()));
    await new Promise((r) => setTimeout(r, 20)); // room for a read-ahead to show up, if there were one
    expect(ten.length).toBe(10);
    expect(first.isDone()).toBeTrue();
    expect(second.isDone()).toBeFalse();
  });

  it('asks for the next page only when the consumer wants past the first: take(2500) at batchSize 2000 is 2 requests', async () => {
    const scope = org()
      .matchHeader('sforce-query-options', 'batchSize=2000')
      .get(`${API}/query`).query(true).reply(200, page(accountRows(2000), 6000, NEXT))
      .get(NEXT).reply(200, page(accountRows(2000, 2000), 6000, NEXT2));
    const third = org().get(NEXT2).reply(200, page(accountRows(2000, 4000), 6000));
    const got = await lastValueFrom(query$(SOQL, { client: nockClient(), batchSize: 2000 }).pipe(take(2500), toArray()));
    expect(got.length).toBe(2500);
    scope.done();
    expect(third.isDone()).toBeFalse();
  });

  it('goes to /queryAll with all: true and through queryAll', async () => {
    const scope = org()
      .get(`${API}/queryAll`).query({ q: SOQL }).times(2).reply(200, page(accountRows(1), 1));
    await query(SOQL, { client: nockClient(), all: true });
    await queryAll(SOQL, { client: nockClient() });
    scope.done();
  });

  it('goes to /tooling/query with tooling: true', async () => {
    const scope = org().get(`${API}/tooling/query`).query({ q: 'SELECT Id FROM ApexClass' }).reply(200, page([], 0));
    expect(await query('SELECT Id FROM ApexClass', { client: nockClient(), tooling: true })).toEqual([]);
    scope.done();
  });

  it('refuses a batchSize outside 200..2000 before any request', async () => {
    await expectAsync(query(SOQL, { client: nockClient(), batchSize: 50 })).toBeRejectedWithError(RangeError);
  });

  it('revives the records of a builder with a model: typed values, no attributes, snapshotted', async () => {
    const builder = { model: Account, toSoql: () => 'SELECT Id, Name, CreatedDate, Owner.Name FROM Account' };
    org()
      .get(`${API}/query`).query(true)
      .reply(200, page([wireAccount({ Owner: { attributes: { type: 'User', url: '/x' }, Name: 'Ann' } })], 1));
    const [account] = await query(builder, { client: nockClient() });
    expect(account!.CreatedDate).toEqual(new Date('2024-05-20T20:49:32.000Z'));
    expect('attributes' in account!).toBeFalse();
    expect((account as unknown as { Owner: unknown }).Owner).toEqual({ Name: 'Ann' });
    expect(changedFields(Account, account!)).toEqual([]);
  });

  it('returns aggregate rows (expr0, aliases) as plain objects', async () => {
    const builder = { model: Account, toSoql: () => 'SELECT Industry, COUNT(Id) n, MAX(AnnualRevenue) FROM Account GROUP BY Industry' };
    org()
      .get(`${API}/query`).query(true)
      .reply(200, page([
        { attributes: { type: 'AggregateResult' }, Industry: 'Energy', n: 3, expr0: 900 },
        { attributes: { type: 'AggregateResult' }, Industry: 'Banking', n: 1, expr0: 50 },
      ], 2));
    const rows = await query(builder, { client: nockClient() });
    expect(rows as unknown[]).toEqual([
      { Industry: 'Energy', n: 3, expr0: 900 },
      { Industry: 'Banking', n: 1, expr0: 50 },
    ]);
  });

  it('fetches the remaining pages of child subqueries with followSubqueries', async () => {
    const childNext = `${API}/query/01gD0000000002AAA-200`;
    const contacts = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ attributes: { type: 'Contact' }, LastName: `C${from + i}` }));
    org()
      .get(`${API}/query`).query(true)
      .reply(200, page([{ ...wireAccount(), Contacts: { totalSize: 250, done: false, nextRecordsUrl: childNext, records: contacts(0, 200) } }], 1))
      .get(childNext).reply(200, page(contacts(200, 50), 250));
    const [account] = await query<Record<string, { done: boolean; records: unknown[] }>>(
      'SELECT Id, (SELECT LastName FROM Contacts) FROM Account',
      { client: nockClient(), followSubqueries: true },
    );
    expect(account!.Contacts!.done).toBeTrue();
    expect(account!.Contacts!.records.length).toBe(250);
  });

  it('leaves child subqueries as Salesforce sent them by default', async () => {
    const childNext = `${API}/query/01gD0000000002AAA-200`;
    org()
      .get(`${API}/query`).query(true)
      .reply(200, page([{ Id: ACCOUNT_ID, Contacts: { totalSize: 250, done: false, nextRecordsUrl: childNext, records: [] } }], 1));
    const [account] = await query<Record<string, { done: boolean }>>('SELECT Id, (SELECT Id FROM Contacts) FROM Account', {
      client: nockClient(),
    });
    expect(account!.Contacts!.done).toBeFalse();
  });

  it('can be read with for await through eachValueFrom', async () => {
    org()
      .get(`${API}/query`).query(true).reply(200, page(accountRows(3), 5, NEXT))
      .get(NEXT).reply(200, page(accountRows(2, 3), 5));
    const names: unknown[] = [];
    for await (const record of eachValueFrom(query$(SOQL, { client: nockClient() }))) names.push(record.Name);
    expect(names).toEqual(['Account 0', 'Account 1', 'Account 2', 'Account 3', 'Account 4']);
  });
});
