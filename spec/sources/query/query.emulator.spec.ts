import { lastValueFrom, take, toArray } from 'rxjs';
import { eachValueFrom } from 'rxjs-for-await';
import type { SalesforceClient } from '../../../src/client/client.js';
import type { Emulator } from '../../../src/emulator/index.js';
import { count } from '../../../src/sources/query/count.js';
import { describeGlobal } from '../../../src/sources/describe/describeGlobal.js';
import { query, query$ } from '../../../src/sources/query/query.js';
import { queryAll } from '../../../src/sources/query/queryAll.js';
import { defineSObject, sf } from '../../../src/model/index.js';
import { count as countOf, max, select } from '../../../src/soql/index.js';
import { Account } from '../support/fixtures.js';
import { startOrg } from '../../support/org.js';

const INDUSTRIES = ['Energy', 'Banking', 'Technology'] as const;
const AccountWithOwner = defineSObject('Account', { Id: sf.id(), Name: sf.string(), OwnerId: sf.reference('User').optional() });

describe('query$ against the emulator', () => {
  let emulator: Emulator;
  let client: SalesforceClient;
  /** API requests the block makes. */
  const requestsOf = async (work: () => Promise<unknown>): Promise<number> => {
    const before = emulator.stats.apiRequests;
    await work();
    return emulator.stats.apiRequests - before;
  };

  beforeAll(async () => {
    ({ emulator, client } = await startOrg());
    for (let i = 0; i < 5000; i++) {
      emulator.store.insert('Account', { Name: `Paged ${String(i).padStart(4, '0')}`, Industry: INDUSTRIES[i % 3], AnnualRevenue: i });
    }
    await describeGlobal({ client }); // log in and discover the version before counting requests
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('pages through 5,000 records: every one once, 3 requests at the default 2,000 a page', async () => {
    let records: Record<string, unknown>[] = [];
    const requests = await requestsOf(async () => {
      records = await query("SELECT Id, Name FROM Account WHERE Name LIKE 'Paged %' ORDER BY Name", { client });
    });
    expect(records.length).toBe(5000);
    expect(new Set(records.map((r) => r.Id)).size).toBe(5000);
    expect(records[4999]!.Name).toBe('Paged 4999');
    expect(requests).toBe(3);
  });

  it('costs one request for take(10)', async () => {
    const requests = await requestsOf(() => lastValueFrom(query$('SELECT Id FROM Account', { client }).pipe(take(10), toArray())));
    expect(requests).toBe(1);
  });

  it('costs two requests for take(2500) at batchSize 2000', async () => {
    let got: unknown[] = [];
    const requests = await requestsOf(async () => {
      got = await lastValueFrom(query$('SELECT Id FROM Account', { client, batchSize: 2000 }).pipe(take(2500), toArray()));
    });
    expect(got.length).toBe(2500);
    expect(requests).toBe(2);
  });

  it('honours a smaller batchSize', async () => {
    const requests = await requestsOf(() => query("SELECT Id FROM Account WHERE Name LIKE 'Paged %'", { client, batchSize: 1000 }));
    expect(requests).toBe(5);
  });

  it('revives typed records from select(Model)', async () => {
    const [record] = await query(select(Account).where({ Name: 'Paged 0042' }), { client });
    expect(record!.AnnualRevenue).toBe(42);
    expect(record!.Industry).toBe('Energy');
    expect(record!.CreatedDate).toBeInstanceOf(Date);
    expect('attributes' in record!).toBeFalse();
  });

  it('types the rows of fields() and keeps parent records plain', async () => {
    const rows = await query(select(AccountWithOwner).fields('Name', 'Owner.Name').where({ Name: 'Paged 0001' }), { client });
    const name: string = rows[0]!.Name;
    expect(name).toBe('Paged 0001');
    expect(rows[0]!.Owner).toEqual({ Name: jasmine.any(String) });
  });

  it('counts a builder through its count() form and aggregates through aggregate()', async () => {
    const paged = select(Account).where({ Name: { startsWith: 'Paged ' } });
    expect(await count(paged, { client })).toBe(5000);
    const rows = await query(paged.groupBy('Industry').aggregate({ n: countOf('Id'), top: max('AnnualRevenue') }).orderBy('Industry'), {
      client,
    });
    expect(rows.map((r) => [r.Industry, r.n, r.top])).toEqual([
      ['Banking', 1667, 4999],
      ['Energy', 1667, 4998],
      ['Technology', 1666, 4997],
    ]);
    expect(rows.every((r) => !('attributes' in r))).toBeTrue();
  });

  it('counts with SELECT COUNT()', async () => {
    expect(await count("SELECT COUNT() FROM Account WHERE Name LIKE 'Paged %'", { client })).toBe(5000);
    expect(await count("SELECT COUNT() FROM Account WHERE Industry = 'Energy' AND Name LIKE 'Paged %'", { client })).toBe(1667);
  });

  it('returns aggregate rows as plain objects with aliases and exprN', async () => {
    const rows = await query<Record<string, unknown>>(
      "SELECT Industry, COUNT(Id) n, MAX(AnnualRevenue) FROM Account WHERE Name LIKE 'Paged %' GROUP BY Industry ORDER BY Industry",
      { client },
    );
    expect(rows.map((r) => [r.Industry, r.n, r.expr0])).toEqual([
      ['Banking', 1667, 4999],
      ['Energy', 1667, 4998],
      ['Technology', 1666, 4997],
    ]);
  });

  it('sees deleted rows only through queryAll', async () => {
    const inserted = emulator.store.insert('Account', { Name: 'Recycled' });
    const id = inserted.id!;
    emulator.store.delete(id);
    expect(await query("SELECT Id FROM Account WHERE Name = 'Recycled'", { client })).toEqual([]);
    const all = await queryAll<{ Id: string; IsDeleted: boolean }>("SELECT Id, IsDeleted FROM Account WHERE Name = 'Recycled'", { client });
    expect(all.map((r) => [r.Id, r.IsDeleted])).toEqual([[id, true]]);
  });

  it('completes child subqueries past their first page with followSubqueries', async () => {
    const parent = emulator.store.insert('Account', { Name: 'Many Contacts' }).id!;
    for (let i = 0; i < 450; i++) emulator.store.insert('Contact', { LastName: `Child ${i}`, AccountId: parent });
    const soql = "SELECT Id, (SELECT Id FROM Contacts) FROM Account WHERE Name = 'Many Contacts'";
    type Row = { Contacts: { done: boolean; totalSize: number; records: unknown[] } };
    const [partial] = await query<Row>(soql, { client });
    expect(partial!.Contacts.done).toBeFalse();
    expect(partial!.Contacts.records.length).toBeLessThan(450);
    const [full] = await query<Row>(soql, { client, followSubqueries: true });
    expect(full!.Contacts.done).toBeTrue();
    expect(full!.Contacts.records.length).toBe(450);
    expect(new Set(full!.Contacts.records.map((r) => (r as { Id: string }).Id)).size).toBe(450);
  });

  it('reads with for await through eachValueFrom', async () => {
    let n = 0;
    for await (const record of eachValueFrom(query$<{ Name: string }>("SELECT Name FROM Account WHERE Name LIKE 'Paged 1%'", { client }))) {
      expect(record.Name.startsWith('Paged 1')).toBeTrue();
      n++;
    }
    expect(n).toBe(1000);
  });
});
