import type BetterSqlite3 from 'better-sqlite3';
import type { Checkpoint, MirrorStatus, ReplicationEvent, ReplicationSink, SyncField } from '../../sync/index.js';
import { loadPeer } from './peer.js';
import { CHECKPOINT_TABLE, columnValue, fieldsWithIsDeleted, isLoadStart, LoadTracker, quote, sameNames, SEEN_TABLE } from './mirrorState.js';

export interface SqliteSinkOptions {
  /** Keep deleted rows with IsDeleted = 1 instead of removing them. */
  keepDeleted?: boolean;
}

/** The SQLite column type of a Salesforce field type. */
export function sqliteType(field: SyncField): string {
  switch (field.type) {
    case 'boolean': case 'int': case 'long': return 'INTEGER';
    case 'double': case 'currency': case 'percent': return 'REAL';
    default: return 'TEXT';
  }
}

function sqliteValue(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return columnValue(value);
}

type Database = BetterSqlite3.Database;

interface UpsertPlan {
  table: string;
  names: readonly string[];
  run(values: unknown[]): void;
  revive: BetterSqlite3.Statement | undefined;
  /** A value list to fill and run, reused record after record. */
  values: unknown[];
}


/**
 * A SQLite mirror (better-sqlite3, an optional peer: `npm install better-sqlite3`): a table per object named after
 * its API name, a column per field typed from describe (booleans as 0/1, numbers as INTEGER or REAL, dates, datetimes
 * and text as TEXT, compound values as JSON), primary key Id. Each batch is one transaction, checkpoint included. A
 * field added later becomes a new column (`ALTER TABLE … ADD COLUMN`); a removed field's column stays, no longer
 * written. Opened on first use, in WAL mode.
 *
 * @example
 * import { replicate$, applyTo } from 'rxforce';
 * import { sqliteSink } from 'rxforce/node';
 * const sink = sqliteSink('mirror.db');
 * replicate$('Account', { client, checkpoint: sink }).pipe(applyTo(sink)).subscribe();
 */
export function sqliteSink(path: string, options: SqliteSinkOptions = {}): ReplicationSink & { database(): Promise<Database> } {
  if (typeof path !== 'string' || path === '') throw new TypeError('sqliteSink needs a database file path (or ":memory:")');
  const keepDeleted = options.keepDeleted ?? false;
  let db: Database | undefined;
  let opening: Promise<Database> | undefined;
  const columns = new Map<string, Set<string>>();
  const statements = new Map<string, BetterSqlite3.Statement>();
  const loads = new LoadTracker();

  const open = (): Promise<Database> => {
    if (db) return Promise.resolve(db);
    opening ??= loadPeer<typeof BetterSqlite3>('better-sqlite3', 'The SQLite sink').then(Sqlite => {
      const d = new Sqlite(path);
      d.pragma('journal_mode = WAL');
      d.pragma('synchronous = NORMAL');
      d.exec(`CREATE TABLE IF NOT EXISTS ${CHECKPOINT_TABLE} (object TEXT PRIMARY KEY, checkpoint TEXT, updated_at TEXT)`);
      d.exec(`CREATE TABLE IF NOT EXISTS ${SEEN_TABLE} (object TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (object, id)) WITHOUT ROWID`);
      db = d;
      return d;
    }).finally(() => { opening = undefined; });
    return opening;
  };

  const prepared = (d: Database, sql: string): BetterSqlite3.Statement => {
    let s = statements.get(sql);
    if (!s) { s = d.prepare(sql); statements.set(sql, s); }
    return s;
  };

  const tableColumns = (d: Database, table: string): Set<string> => {
    let cols = columns.get(table);
    if (!cols) {
      const info = d.prepare(`PRAGMA table_info(${quote(table)})`).all() as { name: string }[];
      cols = new Set(info.map(c => c.name));
      columns.set(table, cols);
    }
    return cols;
  };

  const ensureTable = (d: Database, table: string, fields: readonly SyncField[]): void => {
    const cols = tableColumns(d, table);
    const all = fieldsWithIsDeleted(fields, keepDeleted);
    if (cols.size === 0) {
      const defs = all.map(f => `${quote(f.name)} ${sqliteType(f)}${f.name === 'Id' ? ' PRIMARY KEY' : ''}`);
      d.exec(`CREATE TABLE ${quote(table)} (${defs.join(', ')})`);
      for (const f of all) cols.add(f.name);
    } else {
      for (const f of all) {
        if (cols.has(f.name)) continue;
        d.exec(`ALTER TABLE ${quote(table)} ADD COLUMN ${quote(f.name)} ${sqliteType(f)}`);
        cols.add(f.name);
      }
    }
    prepared(d, `INSERT INTO ${CHECKPOINT_TABLE} (object, checkpoint, updated_at) VALUES (?, NULL, ?) ON CONFLICT (object) DO NOTHING`)
      .run(table, new Date().toISOString());
  };

  /** Per table and column list: the upsert statement (built once; a bulk load repeats one column list a million times). */
  const upserts = new Map<string, UpsertPlan>();
  /** The plan of the last upsert, tried first: a load's records all have the same table and keys. */
  let last: UpsertPlan | undefined;

  const upsert = (d: Database, table: string, record: Record<string, unknown>): void => {
    // a load's records have the last plan's keys: read them in one pass into the plan's own value list (a statement
    // binds its values when it runs, so the list is reused), with no key list made per record
    if (last && last.table === table) {
      const { names, values } = last;
      let i = 0;
      for (const k in record) {
        if (i === names.length || names[i] !== k) { i = -1; break; }
        values[i] = sqliteValue(record[k]);
        i += 1;
      }
      if (i === names.length) {
        last.run(values);
        last.revive?.run(record.Id);
        return;
      }
    }
    const names = Object.keys(record);
    let plan = last && last.table === table && sameNames(last.names, names) ? last : undefined;
    if (!plan) plan = upsertPlan(d, table, names);
    last = plan;
    const values = new Array<unknown>(names.length);
    for (let i = 0; i < names.length; i++) values[i] = sqliteValue(record[names[i]]);
    plan.run(values);
    plan.revive?.run(record.Id);
  };

  const upsertPlan = (d: Database, table: string, names: string[]): UpsertPlan => {
    const key = `${table}\u0000${names.join(',')}`;
    let plan = upserts.get(key);
    if (!plan) {
      const cols = tableColumns(d, table);
      if (cols.size === 0) throw new Error(`${table}: a record arrived before the schema event that creates its table`);
      for (const n of names) {
        if (!cols.has(n)) { d.exec(`ALTER TABLE ${quote(table)} ADD COLUMN ${quote(n)} TEXT`); cols.add(n); }
      }
      const updates = names.filter(n => n !== 'Id').map(n => `${quote(n)} = excluded.${quote(n)}`);
      const sql = `INSERT INTO ${quote(table)} (${names.map(quote).join(', ')}) VALUES (${names.map(() => '?').join(', ')})` +
        (updates.length ? ` ON CONFLICT ("Id") DO UPDATE SET ${updates.join(', ')}` : ' ON CONFLICT ("Id") DO NOTHING');
      const stmt = d.prepare(sql);
      // a row upserted again after a delete kept under keepDeleted (an undelete) is live
      const revive = keepDeleted && !names.includes('IsDeleted') && cols.has('IsDeleted')
        ? d.prepare(`UPDATE ${quote(table)} SET "IsDeleted" = 0 WHERE "Id" = ?`) : undefined;
      plan = { table, names, run: values => { stmt.run(values); }, revive, values: new Array<unknown>(names.length) };
      upserts.set(key, plan);
    }
    return plan;
  };

  const forgetUpserts = (table: string): void => {
    last = undefined;
    for (const key of upserts.keys()) if (key.startsWith(`${table}\u0000`)) upserts.delete(key);
  };

  const remove = (d: Database, table: string, id: string, deletedAt: string, keep: boolean): void => {
    const cols = tableColumns(d, table);
    if (cols.size === 0) return;
    if (keep) {
      const stamp = cols.has('SystemModstamp') ? ', "SystemModstamp" = ?' : '';
      prepared(d, `UPDATE ${quote(table)} SET "IsDeleted" = 1${stamp} WHERE "Id" = ?`).run(...(stamp ? [deletedAt, id] : [id]));
    } else {
      prepared(d, `DELETE FROM ${quote(table)} WHERE "Id" = ?`).run(id);
    }
  };

  const sweep = (d: Database, table: string): void => {
    const ghosts = `"Id" NOT IN (SELECT id FROM ${SEEN_TABLE} WHERE object = ?)`;
    if (keepDeleted) d.prepare(`UPDATE ${quote(table)} SET "IsDeleted" = 1 WHERE ${ghosts}`).run(table);
    else d.prepare(`DELETE FROM ${quote(table)} WHERE ${ghosts}`).run(table);
  };

  const applyOne = (d: Database, e: ReplicationEvent): void => {
    switch (e.type) {
      case 'schema': ensureTable(d, e.object, e.fields); forgetUpserts(e.object); return;
      case 'phase':
        if (isLoadStart(e)) {
          const cols = tableColumns(d, e.object);
          const hadRows = cols.size > 0 && d.prepare(`SELECT 1 FROM ${quote(e.object)} LIMIT 1`).get() !== undefined;
          prepared(d, `DELETE FROM ${SEEN_TABLE} WHERE object = ?`).run(e.object);
          loads.begin(e.object, hadRows);
        }
        return;
      case 'upsert':
        upsert(d, e.object, e.record);
        if (loads.recording(e.object)) prepared(d, `INSERT OR IGNORE INTO ${SEEN_TABLE} (object, id) VALUES (?, ?)`).run(e.object, e.record.Id);
        return;
      case 'delete': remove(d, e.object, e.id, e.deletedAt, keepDeleted && e.reason === 'deleted'); return;
      case 'checkpoint':
        if (e.fullLoad && loads.end(e.object)) {
          sweep(d, e.object);
          prepared(d, `DELETE FROM ${SEEN_TABLE} WHERE object = ?`).run(e.object);
        }
        saveCheckpoint(d, e.checkpoint);
        return;
      default: return;
    }
  };

  const saveCheckpoint = (d: Database, c: Checkpoint): void => {
    prepared(d, `INSERT INTO ${CHECKPOINT_TABLE} (object, checkpoint, updated_at) VALUES (?, ?, ?) ` +
      'ON CONFLICT (object) DO UPDATE SET checkpoint = excluded.checkpoint, updated_at = excluded.updated_at')
      .run(c.object, JSON.stringify(c), new Date().toISOString());
  };

  return {
    database: open,
    async apply(events) {
      const d = await open();
      const saved = loads.snapshot();
      const cached = new Map([...columns].map(([k, v]) => [k, new Set(v)]));
      try {
        d.transaction(() => { for (const e of events) applyOne(d, e); })();
      } catch (err) {
        // nothing was committed: forget what this batch taught us about tables and loads
        loads.restore(saved);
        upserts.clear();
        last = undefined;
        columns.clear();
        for (const [k, v] of cached) columns.set(k, v);
        throw err;
      }
    },
    async load(object) {
      const d = await open();
      const row = d.prepare(`SELECT checkpoint FROM ${CHECKPOINT_TABLE} WHERE object = ? COLLATE NOCASE`).get(object) as { checkpoint: string | null } | undefined;
      return row?.checkpoint ? JSON.parse(row.checkpoint) as Checkpoint : undefined;
    },
    async save(checkpoint) {
      const d = await open();
      saveCheckpoint(d, checkpoint);
    },
    async status() {
      const d = await open();
      const rows = d.prepare(`SELECT object, checkpoint FROM ${CHECKPOINT_TABLE} ORDER BY object`).all() as { object: string; checkpoint: string | null }[];
      const out: MirrorStatus[] = [];
      for (const r of rows) {
        const exists = tableColumns(d, r.object).size > 0;
        const count = exists ? (d.prepare(`SELECT count(*) AS n FROM ${quote(r.object)}`).get() as { n: number }).n : 0;
        out.push({ object: r.object, checkpoint: r.checkpoint ? JSON.parse(r.checkpoint) as Checkpoint : undefined, rows: count });
      }
      return out;
    },
    async close() {
      const d = db;
      db = undefined;
      statements.clear();
      upserts.clear();
      last = undefined;
      columns.clear();
      d?.close();
    },
  };
}
