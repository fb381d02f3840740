import type pg from 'pg';
import {
  StreamTakenOverError, type Checkpoint, type MirrorStatus, type ReplicationEvent, type ReplicationSink, type SyncField, type SyncRecord,
} from '../../sync/index.js';
import { loadPeer } from './peer.js';
import { CHECKPOINT_TABLE, checkName, fieldsWithIsDeleted, isLoadStart, LoadTracker, quote, sameNames, SEEN_TABLE } from './mirrorState.js';

export interface PostgresSinkOptions {
  /** Keep deleted rows with IsDeleted = true instead of removing them. */
  keepDeleted?: boolean;
  /** Most rows in one INSERT statement (each row's values count towards Postgres's 65,535 parameters). Default 1,000. */
  rowsPerStatement?: number;
}

/** The Postgres column type of a Salesforce field type. */
export function postgresType(field: SyncField): string {
  switch (field.type) {
    case 'boolean': return 'boolean';
    case 'int': return 'integer';
    case 'long': return 'bigint';
    case 'double': case 'currency': case 'percent': return 'numeric';
    case 'date': return 'date';
    case 'datetime': return 'timestamptz';
    case 'time': return 'time';
    case 'address': case 'location': case 'anyType': case 'complexvalue': case 'json': return 'jsonb';
    default: return 'text';
  }
}

function postgresValue(value: unknown, jsonb: boolean): unknown {
  if (value === undefined || value === null) return null;
  if (jsonb || (typeof value === 'object' && !(value instanceof Date))) return JSON.stringify(value);
  return value;
}

/** Postgres allows 65,535 bind parameters in one statement. */
const MAX_PARAMETERS = 65_535;

/**
 * A Postgres mirror (`pg`, an optional peer: `npm install pg`): a table per object named after its API name, a column
 * per field with a real type (timestamptz, date, numeric, integer, boolean, jsonb for compound values, text), primary
 * key Id. Each batch is one transaction: rows go in as batched `INSERT … ON CONFLICT ("Id") DO UPDATE`, and the
 * checkpoint is stored in the same transaction. A field added later becomes a new column. `claim(object)` fences
 * writers of one object's stream (distributed sync): the checkpoint row carries the latest claim, and a writer whose
 * claim is no longer the latest has its transaction refused (`StreamTakenOverError`).
 *
 * @example
 * import { replicate$, applyTo } from 'rxforce';
 * import { postgresSink } from 'rxforce/node';
 * const sink = postgresSink(process.env.DATABASE_URL!);
 * replicate$('Account', { client, checkpoint: sink }).pipe(applyTo(sink)).subscribe();
 */
export function postgresSink(connection: string | pg.PoolConfig, options: PostgresSinkOptions = {}): ReplicationSink & { pool(): Promise<pg.Pool> } {
  if (typeof connection === 'string' ? connection === '' : typeof connection !== 'object' || connection === null) {
    throw new TypeError('postgresSink needs a connection string (postgres://…) or a pg pool config');
  }
  const keepDeleted = options.keepDeleted ?? false;
  const rowsPerStatement = options.rowsPerStatement ?? 1000;
  if (!Number.isInteger(rowsPerStatement) || rowsPerStatement < 1) throw new RangeError(`rowsPerStatement must be a whole number ≥ 1, got ${rowsPerStatement}`);
  let pool: pg.Pool | undefined;
  let opening: Promise<pg.Pool> | undefined;
  /** Per table: column name → Postgres type (empty: no table). */
  let columns = new Map<string, Map<string, string>>();
  const loads = new LoadTracker();

  const open = (): Promise<pg.Pool> => {
    if (pool) return Promise.resolve(pool);
    opening ??= loadPeer<typeof pg>('pg', 'The Postgres sink').then(async Pg => {
      const config = typeof connection === 'string' ? { connectionString: connection, max: 2 } : { max: 2, ...connection };
      const p = new Pg.Pool(config);
      // an idle client's error (the server restarting) must not crash the process: the next query reports it
      p.on('error', () => undefined);
      try {
        // epoch: the latest claim on the object's stream (see `claim`); added to tables made before it existed
        await p.query(`CREATE TABLE IF NOT EXISTS ${CHECKPOINT_TABLE} (object text PRIMARY KEY, checkpoint jsonb, ` +
          'updated_at timestamptz NOT NULL DEFAULT now(), epoch bigint NOT NULL DEFAULT 0)');
        await p.query(`ALTER TABLE ${CHECKPOINT_TABLE} ADD COLUMN IF NOT EXISTS epoch bigint NOT NULL DEFAULT 0`);
        await p.query(`CREATE TABLE IF NOT EXISTS ${SEEN_TABLE} (object text NOT NULL, id text NOT NULL, PRIMARY KEY (object, id))`);
      } catch (err) {
        await p.end().catch(() => undefined);
        throw err;
      }
      pool = p;
      return p;
    }).finally(() => { opening = undefined; });
    return opening;
  };

  const tableColumns = async (c: pg.PoolClient, table: string): Promise<Map<string, string>> => {
    let cols = columns.get(table);
    if (!cols) {
      const res = await c.query<{ column_name: string; data_type: string }>(
        'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1', [table]);
      cols = new Map(res.rows.map(r => [r.column_name, r.data_type]));
      columns.set(table, cols);
    }
    return cols;
  };

  const ensureTable = async (c: pg.PoolClient, table: string, fields: readonly SyncField[]): Promise<void> => {
    const cols = await tableColumns(c, table);
    const all = fieldsWithIsDeleted(fields, keepDeleted);
    if (cols.size === 0) {
      const defs = all.map(f => `${quote(f.name)} ${postgresType(f)}${f.name === 'Id' ? ' PRIMARY KEY' : ''}`);
      await c.query(`CREATE TABLE ${quote(table)} (${defs.join(', ')})`);
      for (const f of all) cols.set(f.name, postgresType(f));
    } else {
      for (const f of all) {
        if (cols.has(f.name)) continue;
        await c.query(`ALTER TABLE ${quote(table)} ADD COLUMN ${quote(f.name)} ${postgresType(f)}`);
        cols.set(f.name, postgresType(f));
      }
    }
    await c.query(`INSERT INTO ${CHECKPOINT_TABLE} (object, checkpoint) VALUES ($1, NULL) ON CONFLICT (object) DO NOTHING`, [table]);
  };

  /** Upserts of one table with one column set, several rows a statement; the last state of an Id wins. */
  const upsertRows = async (c: pg.PoolClient, table: string, records: SyncRecord[]): Promise<void> => {
    const cols = await tableColumns(c, table);
    if (cols.size === 0) throw new Error(`${table}: a record arrived before the schema event that creates its table`);
    const names = Object.keys(records[0]);
    for (const n of names) {
      if (!cols.has(checkName(n))) { await c.query(`ALTER TABLE ${quote(table)} ADD COLUMN ${quote(n)} text`); cols.set(n, 'text'); }
    }
    const byId = new Map<string, SyncRecord>();
    for (const r of records) { byId.delete(r.Id); byId.set(r.Id, r); }
    const rows = [...byId.values()];
    const perStatement = Math.max(1, Math.min(rowsPerStatement, Math.floor(MAX_PARAMETERS / names.length)));
    const updates = names.filter(n => n !== 'Id').map(n => `${quote(n)} = EXCLUDED.${quote(n)}`);
    // under keepDeleted a row upserted is live: inserted with IsDeleted false, or made live again (an undelete)
    const live = keepDeleted && cols.has('IsDeleted') && !names.includes('IsDeleted');
    if (live) updates.push('"IsDeleted" = false');
    const conflict = updates.length ? `ON CONFLICT ("Id") DO UPDATE SET ${updates.join(', ')}` : 'ON CONFLICT ("Id") DO NOTHING';
    const jsonb = names.map(n => cols.get(n) === 'jsonb');
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      const params: unknown[] = [];
      const tuples = chunk.map(r => `(${names.map((n, j) => { params.push(postgresValue(r[n], jsonb[j])); return `$${params.length}`; }).join(', ')}${live ? ', false' : ''})`);
      await c.query(`INSERT INTO ${quote(table)} (${names.map(quote).join(', ')}${live ? ', "IsDeleted"' : ''}) VALUES ${tuples.join(', ')} ${conflict}`, params);
    }
    if (loads.recording(table)) {
      await c.query(`INSERT INTO ${SEEN_TABLE} (object, id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, [table, rows.map(r => r.Id)]);
    }
  };

  const applyAll = async (c: pg.PoolClient, events: readonly ReplicationEvent[]): Promise<void> => {
    // consecutive upserts of one table with the same columns go in together; everything else in order
    let group: { table: string; names: string[]; records: SyncRecord[] } | undefined;
    const flush = async () => {
      if (!group) return;
      const g = group;
      group = undefined;
      await upsertRows(c, g.table, g.records);
    };
    for (const e of events) {
      if (e.type === 'upsert') {
        const names = Object.keys(e.record);
        if (group && (group.table !== e.object || !sameNames(group.names, names))) await flush();
        group ??= { table: e.object, names, records: [] };
        group.records.push(e.record);
        continue;
      }
      await flush();
      await applyOne(c, e);
    }
    await flush();
  };

  const applyOne = async (c: pg.PoolClient, e: ReplicationEvent): Promise<void> => {
    switch (e.type) {
      case 'schema': await ensureTable(c, e.object, e.fields); return;
      case 'phase':
        if (isLoadStart(e)) {
          const cols = await tableColumns(c, e.object);
          const hadRows = cols.size > 0 && (await c.query(`SELECT 1 FROM ${quote(e.object)} LIMIT 1`)).rowCount! > 0;
          await c.query(`DELETE FROM ${SEEN_TABLE} WHERE object = $1`, [e.object]);
          loads.begin(e.object, hadRows);
        }
        return;
      case 'delete': {
        const cols = await tableColumns(c, e.object);
        if (cols.size === 0) return;
        if (keepDeleted && e.reason === 'deleted') {
          const stamp = cols.has('SystemModstamp') ? ', "SystemModstamp" = $2' : '';
          await c.query(`UPDATE ${quote(e.object)} SET "IsDeleted" = true${stamp} WHERE "Id" = $1`, stamp ? [e.id, e.deletedAt] : [e.id]);
        } else {
          await c.query(`DELETE FROM ${quote(e.object)} WHERE "Id" = $1`, [e.id]);
        }
        return;
      }
      case 'checkpoint':
        if (e.fullLoad && loads.end(e.object)) {
          const ghosts = `NOT EXISTS (SELECT 1 FROM ${SEEN_TABLE} s WHERE s.object = $1 AND s.id = t."Id")`;
          if (keepDeleted) await c.query(`UPDATE ${quote(e.object)} t SET "IsDeleted" = true WHERE ${ghosts}`, [e.object]);
          else await c.query(`DELETE FROM ${quote(e.object)} t WHERE ${ghosts}`, [e.object]);
          await c.query(`DELETE FROM ${SEEN_TABLE} WHERE object = $1`, [e.object]);
        }
        await saveCheckpoint(c, e.checkpoint);
        return;
      default: return;
    }
  };

  const saveCheckpoint = async (c: pg.PoolClient | pg.Pool, cp: Checkpoint): Promise<void> => {
    await c.query(`INSERT INTO ${CHECKPOINT_TABLE} (object, checkpoint, updated_at) VALUES ($1, $2, now()) ` +
      'ON CONFLICT (object) DO UPDATE SET checkpoint = EXCLUDED.checkpoint, updated_at = EXCLUDED.updated_at', [cp.object, JSON.stringify(cp)]);
  };

  interface Fence { object: string; epoch: number }

  /** One transaction; with a fence, it first checks (and locks) the object's latest claim and refuses a stale one. */
  const transaction = async (fence: Fence | undefined, work: (c: pg.PoolClient) => Promise<void>): Promise<void> => {
    const p = await open();
    const c = await p.connect();
    const saved = loads.snapshot();
    const cached = new Map([...columns].map(([k, v]) => [k, new Map(v)]));
    try {
      await c.query('BEGIN');
      if (fence) {
        // the row lock orders this write and any claim: a claim made after this check waits for the commit
        const res = await c.query<{ epoch: string }>(`SELECT epoch FROM ${CHECKPOINT_TABLE} WHERE lower(object) = lower($1) FOR UPDATE`, [fence.object]);
        const latest = Number(res.rows[0]?.epoch ?? 0);
        if (latest !== fence.epoch) throw new StreamTakenOverError(fence.object, fence.epoch, latest);
      }
      await work(c);
      await c.query('COMMIT');
      c.release();
    } catch (err) {
      // nothing was committed: forget what this batch taught us about tables and loads
      loads.restore(saved);
      columns = cached;
      await c.query('ROLLBACK').then(() => c.release(), (rollbackErr: unknown) => c.release(rollbackErr as Error));
      throw err;
    }
  };

  const sink: ReplicationSink & { pool(): Promise<pg.Pool> } = {
    pool: open,
    async apply(events) {
      await transaction(undefined, c => applyAll(c, events));
    },
    async claim(object) {
      checkName(object);
      const p = await open();
      // one statement: waits for a fenced write in progress on the object, then outnumbers every earlier claim
      const res = await p.query<{ epoch: string }>(
        `WITH bumped AS (UPDATE ${CHECKPOINT_TABLE} SET epoch = epoch + 1 WHERE lower(object) = lower($1) RETURNING epoch) ` +
        'SELECT epoch FROM bumped', [object]);
      let epoch = res.rows[0] ? Number(res.rows[0].epoch) : undefined;
      if (epoch === undefined) {
        const inserted = await p.query<{ epoch: string }>(`INSERT INTO ${CHECKPOINT_TABLE} (object, checkpoint, epoch) VALUES ($1, NULL, 1) ` +
          `ON CONFLICT (object) DO UPDATE SET epoch = ${CHECKPOINT_TABLE}.epoch + 1 RETURNING epoch`, [object]);
        epoch = Number(inserted.rows[0].epoch);
      }
      const fence: Fence = { object, epoch };
      const only = (events: readonly ReplicationEvent[]) => {
        const other = events.find(e => e.object.toLowerCase() !== object.toLowerCase());
        if (other) throw new TypeError(`this sink was claimed for ${object}; it cannot write ${other.object}`);
      };
      return {
        apply: async events => { only(events); await transaction(fence, c => applyAll(c, events)); },
        save: async checkpoint => {
          only([{ type: 'checkpoint', object: checkpoint.object, checkpoint }]);
          await transaction(fence, c => saveCheckpoint(c, checkpoint));
        },
        load: o => sink.load(o),
        status: () => sink.status(),
        close: () => Promise.resolve(),
      };
    },
    async load(object) {
      const p = await open();
      const res = await p.query<{ checkpoint: Checkpoint | null }>(`SELECT checkpoint FROM ${CHECKPOINT_TABLE} WHERE lower(object) = lower($1)`, [object]);
      return res.rows[0]?.checkpoint ?? undefined;
    },
    async save(checkpoint) {
      await saveCheckpoint(await open(), checkpoint);
    },
    async status() {
      const p = await open();
      const res = await p.query<{ object: string; checkpoint: Checkpoint | null }>(`SELECT object, checkpoint FROM ${CHECKPOINT_TABLE} ORDER BY object`);
      const out: MirrorStatus[] = [];
      for (const r of res.rows) {
        const exists = await p.query('SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1', [r.object]);
        const rows = exists.rowCount ? Number((await p.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(r.object)}`)).rows[0].n) : 0;
        out.push({ object: r.object, checkpoint: r.checkpoint ?? undefined, rows });
      }
      return out;
    },
    async close() {
      const p = pool;
      pool = undefined;
      columns = new Map();
      await p?.end();
    },
  };
  return sink;
}
