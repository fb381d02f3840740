import jsforce from 'jsforce';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { jsforceConnection } from '../support/org.js';

describe('SOQL with jsforce against the emulator', () => {
  let emu: Emulator;
  let conn: jsforce.Connection;
  const COUNT = 4500;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0 });
    conn = await jsforceConnection(emu);
    for (let i = 0; i < COUNT; i++) {
      const acc = emu.store.internalInsert('Account', { Name: `JsQ ${String(i).padStart(4, '0')}`, NumberOfEmployees: i });
      if (i < 3) emu.store.internalInsert('Contact', { LastName: `JsQ Kid ${i}`, Name: `JsQ Kid ${i}`, AccountId: acc.Id });
    }
  });
  afterAll(async () => { await emu.stop(); });

  it('fetches every page with autoFetch', async () => {
    const records: Array<{ Name: string }> = [];
    const res = await conn.query<{ Name: string }>(`SELECT Name FROM Account WHERE Name LIKE 'JsQ %' ORDER BY Name`)
      .on('record', (r: { Name: string }) => records.push(r))
      .run({ autoFetch: true, maxFetch: 100_000 });
    expect(res.totalSize).toBe(COUNT);
    expect(records.length).toBe(COUNT);
    expect(records[0]!.Name).toBe('JsQ 0000');
    expect(records[COUNT - 1]!.Name).toBe(`JsQ ${COUNT - 1}`);
  });

  it('follows the locator with queryMore', async () => {
    const first = await conn.query(`SELECT Id FROM Account WHERE Name LIKE 'JsQ %'`);
    expect(first.done).toBeFalse();
    expect(first.records.length).toBe(2000);
    const second = await conn.queryMore(first.nextRecordsUrl!);
    expect(second.records.length).toBe(2000);
    const third = await conn.queryMore(second.nextRecordsUrl!);
    expect(third.done).toBeTrue();
    expect(third.records.length).toBe(COUNT - 4000);
    const seen = new Set([...first.records, ...second.records, ...third.records].map(r => r.Id));
    expect(seen.size).toBe(COUNT);
  });

  it('reads parents, subqueries, aggregates and Salesforce errors', async () => {
    const kids = await conn.query<{ LastName: string; Account: { Name: string } }>(
      `SELECT LastName, Account.Name FROM Contact WHERE LastName LIKE 'JsQ Kid%' ORDER BY LastName`);
    expect(kids.records.map(r => [r.LastName, r.Account.Name])).toEqual([
      ['JsQ Kid 0', 'JsQ 0000'], ['JsQ Kid 1', 'JsQ 0001'], ['JsQ Kid 2', 'JsQ 0002']]);
    const sub = await conn.query<{ Contacts: { totalSize: number } | null }>(
      `SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Name IN ('JsQ 0001', 'JsQ 0009') ORDER BY Name`);
    expect(sub.records.map(r => r.Contacts?.totalSize ?? null)).toEqual([1, null]);
    const agg = await conn.query<{ n: number }>(`SELECT COUNT(Id) n FROM Account WHERE Name LIKE 'JsQ %'`);
    expect(agg.records[0]!.n).toBe(COUNT);
    const count = await conn.query(`SELECT COUNT() FROM Account WHERE NumberOfEmployees < 10 AND Name LIKE 'JsQ %'`);
    expect(count.totalSize).toBe(10);
    await expectAsync(conn.query('SELECT Id, FullName FROM Account'))
      .toBeRejectedWith(jasmine.objectContaining({ errorCode: 'INVALID_FIELD' }));
  });
});
