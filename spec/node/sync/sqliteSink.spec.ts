import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SalesforceClient } from '../../../src/client/client.js';
import { sqliteSink } from '../../../src/node/index.js';
import { applyTo, replicate$, type Checkpoint } from '../../../src/sync/index.js';
import { withOrg } from '../../support/org.js';
import { insertAll, orgRows, untilRounds } from './support.js';

const CONTACT_FIELDS = ['LastName', 'FirstName', 'Birthdate', 'DoNotCall', 'Email', 'AccountId', 'SystemModstamp', 'MailingCity'];

describe('SQLite sink (emulator)', () => {
  let client: SalesforceClient;
  let dir: string;

  withOrg({ each: true }, org => ({ client } = org));
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'rxforce-sqlite-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const tableRows = (db: import('better-sqlite3').Database, table: string, fields: string[]) => {
    const out = new Map<string, Record<string, unknown>>();
    for (const r of db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]) {
      const row: Record<string, unknown> = {};
      for (const f of fields) row[f] = r[f];
      out.set(String(r.Id), row);
    }
    return out;
  };

  it('mirrors the org: a row per record, a column per field typed from describe, changes and deletes applied', async () => {
    const [acme] = await insertAll(client, 'Account', [{ Name: 'Acme', AnnualRevenue: 1200000, NumberOfEmployees: 40 }]);
    const ids = await insertAll(client, 'Contact', [
      { LastName: 'Ada', FirstName: 'Lovelace', Birthdate: '1815-12-10', DoNotCall: true, AccountId: acme, MailingCity: 'London' },
      { LastName: 'Grace', Email: 'grace@example.com', DoNotCall: false },
      { LastName: 'Gone' },
    ]);
    const sink = sqliteSink(join(dir, 'mirror.db'));
    const run = () => replicate$('Contact', { client, checkpoint: sink }).pipe(applyTo(sink));
    await untilRounds(run(), 1);
    await client.request({ method: 'PATCH', path: `sobjects/Contact/${ids[1]}`, data: { FirstName: 'Hopper', DoNotCall: true } });
    await client.request({ method: 'DELETE', path: `sobjects/Contact/${ids[2]}` });
    // a restart resumes from the sink's checkpoint with an incremental round
    const events = await untilRounds(run(), 1);
    expect(events.some(e => e.type === 'delete' && e.id === ids[2])).toBeTrue();
    const db = await sink.database();
    const mirror = tableRows(db, 'Contact', CONTACT_FIELDS);
    const org = await orgRows(client, 'Contact', CONTACT_FIELDS);
    expect(mirror.size).toBe(2);
    for (const [id, row] of org) {
      expect(mirror.get(id)).toEqual({ ...row, DoNotCall: row.DoNotCall ? 1 : 0 });
    }
    const types = new Map((db.prepare(`PRAGMA table_info("Contact")`).all() as { name: string; type: string; pk: number }[]).map(c => [c.name, c]));
    expect(types.get('Id')).toEqual(jasmine.objectContaining({ type: 'TEXT', pk: 1 }));
    expect(types.get('DoNotCall')!.type).toBe('INTEGER');
    expect(types.get('Birthdate')!.type).toBe('TEXT');
    expect(types.has('MailingAddress')).toBeFalse();
    const status = await sink.status();
    expect(status).toEqual([jasmine.objectContaining({ object: 'Contact', rows: 2 })]);
    await sink.close();
  });

  it('types numbers as INTEGER or REAL and keeps their values', async () => {
    await insertAll(client, 'Account', [{ Name: 'Acme', AnnualRevenue: 1250000, NumberOfEmployees: 40 }]);
    const sink = sqliteSink(join(dir, 'mirror.db'));
    await untilRounds(replicate$('Account', { client, checkpoint: sink, fields: ['Name', 'AnnualRevenue', 'NumberOfEmployees'] }).pipe(applyTo(sink)), 1);
    const db = await sink.database();
    const cols = new Map((db.prepare(`PRAGMA table_info("Account")`).all() as { name: string; type: string }[]).map(c => [c.name, c.type]));
    expect(cols.get('AnnualRevenue')).toBe('REAL');
    expect(cols.get('NumberOfEmployees')).toBe('INTEGER');
    expect(db.prepare('SELECT Name, AnnualRevenue, NumberOfEmployees FROM Account').get()).toEqual({ Name: 'Acme', AnnualRevenue: 1250000, NumberOfEmployees: 40 });
    await sink.close();
  });

  it('resumes from its own checkpoint after a restart instead of loading again', async () => {
    await insertAll(client, 'Account', [{ Name: 'Acme' }, { Name: 'Globex' }]);
    const path = join(dir, 'mirror.db');
    const first = sqliteSink(path);
    await untilRounds(replicate$('Account', { client, checkpoint: first, fields: ['Name'] }).pipe(applyTo(first)), 1);
    await first.close();
    await insertAll(client, 'Account', [{ Name: 'Initech' }]);
    const second = sqliteSink(path);
    const events = await untilRounds(replicate$('Account', { client, checkpoint: second, fields: ['Name'] }).pipe(applyTo(second)), 1);
    expect(events.some(e => e.type === 'phase' && e.phase === 'initial')).toBeFalse();
    // rows inside the overlap come again (harmless); the new one is among them
    expect(events.flatMap(e => (e.type === 'upsert' ? [e.record.Name] : []))).toContain('Initech');
    expect((await second.status())[0].rows).toBe(3);
    await second.close();
  });

  it('adds a column for a field added to the object (ALTER TABLE … ADD COLUMN)', async () => {
    const sink = sqliteSink(join(dir, 'mirror.db'));
    const fields = [{ name: 'Id', type: 'id' }, { name: 'SystemModstamp', type: 'datetime' }, { name: 'Name', type: 'string' }];
    await sink.apply([
      { type: 'schema', object: 'Account', fields, added: ['Id', 'SystemModstamp', 'Name'], removed: [] },
      { type: 'upsert', object: 'Account', record: { Id: '001000000000001AAA', SystemModstamp: '2024-05-01T00:00:00.000Z', Name: 'Acme' } },
    ]);
    await sink.apply([
      { type: 'schema', object: 'Account', fields: [...fields, { name: 'Rating__c', type: 'double' }], added: ['Rating__c'], removed: [] },
      { type: 'upsert', object: 'Account', record: { Id: '001000000000001AAA', Rating__c: 4.5 } },
    ]);
    const db = await sink.database();
    expect(db.prepare('SELECT Name, Rating__c FROM Account').get()).toEqual({ Name: 'Acme', Rating__c: 4.5 });
    expect((db.prepare(`PRAGMA table_info("Account")`).all() as { name: string; type: string }[]).find(c => c.name === 'Rating__c')!.type).toBe('REAL');
    await sink.close();
  });

  it('keeps deleted rows with IsDeleted = 1 under keepDeleted', async () => {
    const [acme, gone] = await insertAll(client, 'Account', [{ Name: 'Acme' }, { Name: 'Gone' }]);
    const sink = sqliteSink(join(dir, 'mirror.db'), { keepDeleted: true });
    const run = replicate$('Account', { client, checkpoint: sink, pollInterval: 50, fields: ['Name'] }).pipe(applyTo(sink));
    await untilRounds(run, 1);
    await client.request({ method: 'DELETE', path: `sobjects/Account/${gone}` });
    await untilRounds(replicate$('Account', { client, checkpoint: sink, pollInterval: 50, fields: ['Name'] }).pipe(applyTo(sink)), 1);
    const db = await sink.database();
    const rows = db.prepare('SELECT Id, IsDeleted FROM Account ORDER BY Name').all();
    expect(rows).toEqual([{ Id: acme, IsDeleted: 0 }, { Id: gone, IsDeleted: 1 }]);
    await sink.close();
  });

  it('commits rows and their checkpoint together: a batch that fails leaves neither', async () => {
    const sink = sqliteSink(join(dir, 'mirror.db'));
    const fields = [{ name: 'Id', type: 'id' }, { name: 'SystemModstamp', type: 'datetime' }, { name: 'Name', type: 'string' }];
    const checkpoint: Checkpoint = { object: 'Account', field: 'SystemModstamp', watermark: '2024-05-01T00:00:00.000Z', where: null, loadedAt: '2024-05-01T00:00:00.000Z' };
    await sink.apply([{ type: 'schema', object: 'Account', fields, added: [], removed: [] }]);
    await expectAsync(sink.apply([
      { type: 'upsert', object: 'Account', record: { Id: '001000000000001AAA', SystemModstamp: '2024-05-01T00:00:00.000Z', Name: 'Acme' } },
      { type: 'checkpoint', object: 'Account', checkpoint },
      { type: 'upsert', object: 'Account', record: { Id: '001000000000002AAA', 'Bad Name': 'x' } },
    ])).toBeRejectedWithError(/not an API name/);
    expect(await sink.load('Account')).toBeUndefined();
    const db = await sink.database();
    expect(db.prepare('SELECT count(*) AS n FROM Account').get()).toEqual({ n: 0 });
    await sink.close();
  });

  it('drops rows gone from the org when a full resync ends (ghosts), and only then', async () => {
    const sink = sqliteSink(join(dir, 'mirror.db'));
    const fields = [{ name: 'Id', type: 'id' }, { name: 'SystemModstamp', type: 'datetime' }, { name: 'Name', type: 'string' }];
    const at = '2024-05-01T00:00:00.000Z';
    const checkpoint: Checkpoint = { object: 'Account', field: 'SystemModstamp', watermark: at, where: null, loadedAt: at };
    const row = (n: number, name: string) => ({ type: 'upsert' as const, object: 'Account', record: { Id: `00100000000000${n}AAA`.padEnd(18, 'A'), SystemModstamp: at, Name: name } });
    await sink.apply([{ type: 'schema', object: 'Account', fields, added: [], removed: [] }, row(1, 'Acme'), row(2, 'Ghost'), { type: 'checkpoint', object: 'Account', checkpoint }]);
    await sink.apply([{ type: 'phase', object: 'Account', phase: 'resync', reason: 'checkpoint-expired' }, row(1, 'Acme 2')]);
    const db = await sink.database();
    expect((db.prepare('SELECT count(*) AS n FROM Account').get() as { n: number }).n).toBe(2);
    await sink.apply([{ type: 'checkpoint', object: 'Account', checkpoint, fullLoad: true }]);
    expect(db.prepare('SELECT Name FROM Account').all()).toEqual([{ Name: 'Acme 2' }]);
    await sink.close();
  });
});
