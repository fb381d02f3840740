import pg from 'pg';
import type { SalesforceClient } from '../../../src/client/client.js';
import type { Emulator } from '../../../src/emulator/index.js';
import { postgresSink } from '../../../src/node/index.js';
import { applyTo, replicate$, type Checkpoint, type ReplicationEvent } from '../../../src/sync/index.js';
import { startOrg } from '../../support/org.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../../support/postgres.js';
import { insertAll, orgRows, untilRounds } from './support.js';

const FIELDS = [{ name: 'Id', type: 'id' }, { name: 'SystemModstamp', type: 'datetime' }, { name: 'Name', type: 'string' }];
const AT = '2024-05-01T00:00:00.000Z';
const CHECKPOINT: Checkpoint = { object: 'Account', field: 'SystemModstamp', watermark: AT, where: null, loadedAt: AT };
const id = (n: number) => `001${String(n).padStart(12, '0')}AAA`;
const upsert = (n: number, name: string): ReplicationEvent => ({ type: 'upsert', object: 'Account', record: { Id: id(n), SystemModstamp: AT, Name: name } });
const schema: ReplicationEvent = { type: 'schema', object: 'Account', fields: FIELDS, added: [], removed: [] };

describe('Postgres sink', () => {
  let db: TestDatabase;
  let sql: pg.Client;

  beforeEach(async () => {
    db = await createTestDatabase(postgresUrl());
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });

  afterEach(async () => {
    await sql?.end();
    await db?.drop();
  });

  describe('against the emulator', () => {
    let emulator: Emulator;
    let client: SalesforceClient;

    beforeEach(async () => { ({ emulator, client } = await startOrg()); });
    afterEach(async () => { await emulator.stop(); });

    it('mirrors the org with real column types, changes and deletes applied', async () => {
      const [acme] = await insertAll(client, 'Account', [{ Name: 'Acme', AnnualRevenue: 1250000, NumberOfEmployees: 40 }]);
      const ids = await insertAll(client, 'Contact', [
        { LastName: 'Ada', Birthdate: '1815-12-10', DoNotCall: true, AccountId: acme },
        { LastName: 'Grace', Email: 'grace@example.com' },
        { LastName: 'Gone' },
      ]);
      const sink = postgresSink(db.url);
      const run = () => replicate$('Contact', { client, checkpoint: sink }).pipe(applyTo(sink));
      await untilRounds(run(), 1);
      await client.request({ method: 'PATCH', path: `sobjects/Contact/${ids[1]}`, data: { FirstName: 'Hopper', DoNotCall: true } });
      await client.request({ method: 'DELETE', path: `sobjects/Contact/${ids[2]}` });
      await untilRounds(run(), 1);
      await sink.close();

      const fields = ['LastName', 'FirstName', 'Birthdate', 'DoNotCall', 'Email', 'AccountId', 'SystemModstamp'];
      const org = await orgRows(client, 'Contact', fields);
      const mirror = await sql.query(`SELECT "Id", "LastName", "FirstName", to_char("Birthdate", 'YYYY-MM-DD') AS "Birthdate", "DoNotCall",
        "Email", "AccountId", "SystemModstamp" FROM "Contact"`);
      expect(mirror.rowCount).toBe(2);
      for (const row of mirror.rows as Record<string, unknown>[]) {
        const { Id, SystemModstamp, ...rest } = row;
        expect<Record<string, unknown>>({ ...rest, SystemModstamp: (SystemModstamp as Date).toISOString() }).toEqual(org.get(String(Id))!);
      }
      const types = await sql.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'Contact'`);
      const byName = new Map(types.rows.map(r => [r.column_name as string, r.data_type as string]));
      expect(byName.get('SystemModstamp')).toBe('timestamp with time zone');
      expect(byName.get('Birthdate')).toBe('date');
      expect(byName.get('DoNotCall')).toBe('boolean');
      expect(byName.get('LastName')).toBe('text');
    });

    it('stores numbers as numeric and integer, and reports each object in status()', async () => {
      await insertAll(client, 'Account', [{ Name: 'Acme', AnnualRevenue: 1250000, NumberOfEmployees: 40 }, { Name: 'Globex' }]);
      const sink = postgresSink(db.url);
      await untilRounds(replicate$('Account', { client, checkpoint: sink, fields: ['Name', 'AnnualRevenue', 'NumberOfEmployees'] }).pipe(applyTo(sink)), 1);
      const status = await sink.status();
      await sink.close();
      expect(status).toEqual([jasmine.objectContaining({ object: 'Account', rows: 2, checkpoint: jasmine.objectContaining({ field: 'SystemModstamp' }) })]);
      const types = await sql.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'Account'`);
      const byName = new Map(types.rows.map(r => [r.column_name as string, r.data_type as string]));
      expect(byName.get('AnnualRevenue')).toBe('numeric');
      expect(byName.get('NumberOfEmployees')).toBe('integer');
      const acme = await sql.query(`SELECT "AnnualRevenue"::float8 AS r, "NumberOfEmployees" AS n FROM "Account" WHERE "Name" = 'Acme'`);
      expect(acme.rows[0]).toEqual({ r: 1250000, n: 40 });
    });

    it('keeps deleted rows with IsDeleted = true under keepDeleted', async () => {
      const [acme, gone] = await insertAll(client, 'Account', [{ Name: 'Acme' }, { Name: 'Gone' }]);
      const sink = postgresSink(db.url, { keepDeleted: true });
      const run = () => replicate$('Account', { client, checkpoint: sink, fields: ['Name'] }).pipe(applyTo(sink));
      await untilRounds(run(), 1);
      await client.request({ method: 'DELETE', path: `sobjects/Account/${gone}` });
      await untilRounds(run(), 1);
      await sink.close();
      const rows = await sql.query(`SELECT "Id", "IsDeleted" FROM "Account" ORDER BY "Name"`);
      expect(rows.rows).toEqual([{ Id: acme, IsDeleted: false }, { Id: gone, IsDeleted: true }]);
    });
  });

  it('upserts many rows in batched statements, the last state of a repeated Id winning', async () => {
    const sink = postgresSink(db.url, { rowsPerStatement: 3 });
    await sink.apply([schema, ...Array.from({ length: 10 }, (_, i) => upsert(i, `row ${i}`)), upsert(4, 'row 4 again'), upsert(11, 'row 11')]);
    await sink.close();
    const rows = await sql.query(`SELECT "Name" FROM "Account" ORDER BY "Id"`);
    expect(rows.rows.map(r => r.Name as string)).toEqual(['row 0', 'row 1', 'row 2', 'row 3', 'row 4 again', 'row 5', 'row 6', 'row 7', 'row 8', 'row 9', 'row 11']);
  });

  it('adds a column for a field added to the object', async () => {
    const sink = postgresSink(db.url);
    await sink.apply([schema, upsert(1, 'Acme')]);
    await sink.apply([
      { type: 'schema', object: 'Account', fields: [...FIELDS, { name: 'Score__c', type: 'double' }, { name: 'Geo__c', type: 'location' }], added: ['Score__c', 'Geo__c'], removed: [] },
      { type: 'upsert', object: 'Account', record: { Id: id(1), Score__c: 4.5, Geo__c: { latitude: 1.5, longitude: 2 } } },
    ]);
    await sink.close();
    const rows = await sql.query(`SELECT "Name", "Score__c"::float8 AS s, "Geo__c" FROM "Account"`);
    expect(rows.rows).toEqual([{ Name: 'Acme', s: 4.5, Geo__c: { latitude: 1.5, longitude: 2 } }]);
    const types = await sql.query(`SELECT data_type FROM information_schema.columns WHERE table_name = 'Account' AND column_name = 'Geo__c'`);
    expect(types.rows[0].data_type).toBe('jsonb');
  });

  it('commits rows and their checkpoint together: a batch that fails leaves neither', async () => {
    const sink = postgresSink(db.url);
    await sink.apply([schema]);
    await expectAsync(sink.apply([
      upsert(1, 'Acme'),
      { type: 'checkpoint', object: 'Account', checkpoint: CHECKPOINT },
      { type: 'upsert', object: 'Account', record: { Id: id(2), 'Bad Name': 'x' } },
    ])).toBeRejectedWithError(/not an API name/);
    expect(await sink.load('Account')).toBeUndefined();
    await sink.apply([upsert(3, 'Initech'), { type: 'checkpoint', object: 'Account', checkpoint: CHECKPOINT }]);
    expect(await sink.load('Account')).toEqual(CHECKPOINT);
    await sink.close();
    const rows = await sql.query(`SELECT "Name" FROM "Account"`);
    expect(rows.rows).toEqual([{ Name: 'Initech' }]);
  });

  it('drops rows gone from the org when a full resync ends, and only then', async () => {
    const sink = postgresSink(db.url);
    await sink.apply([schema, upsert(1, 'Acme'), upsert(2, 'Ghost'), { type: 'checkpoint', object: 'Account', checkpoint: CHECKPOINT }]);
    await sink.apply([{ type: 'phase', object: 'Account', phase: 'resync', reason: 'checkpoint-expired' }, upsert(1, 'Acme 2')]);
    expect((await sql.query('SELECT count(*)::int AS n FROM "Account"')).rows[0].n).toBe(2);
    await sink.apply([{ type: 'checkpoint', object: 'Account', checkpoint: CHECKPOINT, fullLoad: true }]);
    await sink.close();
    expect((await sql.query('SELECT "Name" FROM "Account"')).rows).toEqual([{ Name: 'Acme 2' }]);
  });
});
