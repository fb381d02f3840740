/**
 * A fake org for marble-testing replication pipelines: one object's rows in memory, changed by the test at virtual
 * instants, answering what `replicate$` asks — describe (with If-Modified-Since), `SELECT COUNT()`, keyset pages of
 * `query` / `queryAll`, membership checks and getDeleted — with a `Date` header from the scheduler's clock.
 */
import type { SchedulerLike } from 'rxjs';
import type { CannedResponse, LoggedRequest, Route } from './types.js';
import { respond } from './respond.js';
import { ok, sfError } from './bodies.js';

/** A field of the fake object: its name and describe type (`string`, `double`, `boolean`, `datetime` …). */
export interface FakeField {
  name: string;
  type: string;
}

export interface ReplicationOrgOptions {
  object: string;
  /** Fields besides Id, SystemModstamp and IsDeleted, which every fake object has. */
  fields?: FakeField[];
  /** The org's clock at virtual time 0 (epoch ms). Default 2024-05-01T00:00:00Z. */
  epoch?: number;
  /** What a query's `where` filter means to this org (the fake does not read the condition's text). */
  where?: (row: Readonly<Record<string, unknown>>) => boolean;
}

export interface ReplicationOrg {
  /** Pass to `createTestClient(scheduler, { routes: org.routes })`. */
  readonly routes: Route[];
  /** The org's clock now (epoch ms). */
  now(): number;
  /** Adds a row stamped now (or at `stamp`); returns its Id. */
  insert(fields: Record<string, unknown>, stamp?: number): string;
  /** Changes a row, stamped now (or at `stamp`: a late commit). */
  update(id: string, fields: Record<string, unknown>, stamp?: number): void;
  /** Moves a row to the Recycle Bin (queryAll still sees it with IsDeleted = true). */
  delete(id: string, stamp?: number): void;
  /** Removes a row for good (emptied bin, hard delete): only getDeleted still knows it, until the log is purged. */
  purge(id: string): void;
  /** Purges the delete log up to now: getDeleted's `earliestDateAvailable` moves here. */
  purgeDeleteLog(): void;
  addField(field: FakeField): void;
  removeField(name: string): void;
  /** Live rows (IsDeleted false), as the org holds them. */
  rows(): Record<string, unknown>[];
}

const DEFAULT_EPOCH = Date.UTC(2024, 4, 1);
const MINUTE = 60_000;

/**
 * @example
 * import { TestScheduler } from 'rxjs/testing';
 * import { createTestClient, replicationOrg } from 'rxforce/testing';
 * const org = replicationOrg(scheduler, { object: 'Account', fields: [{ name: 'Name', type: 'string' }] });
 * org.insert({ Name: 'Acme' });
 * const { client } = createTestClient(scheduler, { routes: org.routes });
 * replicate$('Account', { client, pollInterval: 1000 }) // …
 */
export function replicationOrg(scheduler: SchedulerLike, options: ReplicationOrgOptions): ReplicationOrg {
  const object = options.object;
  const epoch = options.epoch ?? DEFAULT_EPOCH;
  const now = (): number => epoch + scheduler.now();
  const fields: FakeField[] = [
    { name: 'Id', type: 'id' }, { name: 'IsDeleted', type: 'boolean' }, { name: 'SystemModstamp', type: 'datetime' },
    ...(options.fields ?? []),
  ];
  let describedAt = now();
  const table = new Map<string, Record<string, unknown>>();
  const deleteLog: { id: string; at: number }[] = [];
  // the delete log reaches back a day before virtual time 0
  let earliest = epoch - 86_400_000;
  let serial = 0;

  const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
  const headers = () => ({ date: new Date(now()).toUTCString() });
  const answer = (res: CannedResponse): CannedResponse => ({ ...res, headers: { ...res.headers, ...headers() } });

  const describe = (req: LoggedRequest): CannedResponse => {
    const since = req.headers['If-Modified-Since'] ?? req.headers['if-modified-since'];
    if (since && Date.parse(since) >= Math.floor(describedAt / 1000) * 1000) return answer({ status: 304, data: '' });
    return answer(ok({
      name: object, label: object, replicateable: true, queryable: true,
      fields: fields.map(f => ({
        name: f.name, type: f.type, label: f.name, length: f.type === 'string' ? 255 : 0, precision: f.type === 'double' ? 18 : 0,
        scale: f.type === 'double' ? 2 : 0, nillable: f.name !== 'Id', createable: true, updateable: true,
      })),
    }));
  };

  const query = (req: LoggedRequest): CannedResponse => {
    const soql = req.query.q ?? '';
    const all = /\/queryAll\?/.test(req.path);
    const m = /^SELECT (.+?) FROM (\w+)(?: WHERE (.+?))?(?: ORDER BY (.+?))?(?: LIMIT (\d+))?$/.exec(soql);
    if (!m || m[2] !== object) return answer(sfError(400, 'MALFORMED_QUERY', `the fake org cannot read: ${soql}`));
    const [, select, , whereText = '', , limitText] = m;
    let rest = whereText;
    const tests: ((r: Record<string, unknown>) => boolean)[] = [];
    const stampOf = (r: Record<string, unknown>) => Date.parse(String(r.SystemModstamp));
    // a settled slice and the recent rows: ((SystemModstamp >= a AND SystemModstamp < b) OR SystemModstamp >= c)
    rest = rest.replace(/\(\(SystemModstamp >= (\S+) AND SystemModstamp < (\S+)\) OR SystemModstamp >= (\S+)\)/, (_t, a: string, b: string, c: string) => {
      const [from, to, recent] = [Date.parse(a), Date.parse(b), Date.parse(c)];
      tests.push(r => (stampOf(r) >= from && stampOf(r) < to) || stampOf(r) >= recent);
      return '';
    });
    rest = rest.replace(/\(SystemModstamp > (\S+) OR \(SystemModstamp = \1 AND Id > '([^']+)'\)\)/, (_t, at: string, id: string) => {
      const ms = Date.parse(at);
      tests.push(r => stampOf(r) > ms || (stampOf(r) === ms && String(r.Id) > id));
      return '';
    });
    rest = rest.replace(/SystemModstamp >= (\S+)/, (_t, at: string) => {
      const ms = Date.parse(at);
      tests.push(r => stampOf(r) >= ms);
      return '';
    });
    rest = rest.replace(/Id IN \(([^)]*)\)/, (_t, list: string) => {
      const ids = new Set(list.split(',').map(s => s.trim().replace(/^'|'$/g, '')));
      tests.push(r => ids.has(String(r.Id)));
      return '';
    });
    rest = rest.replace(/\bAND\b/g, '').trim();
    if (rest) {
      if (!options.where) return answer(sfError(400, 'MALFORMED_QUERY', `the fake org has no meaning for the filter ${rest}`));
      const where = options.where;
      tests.push(r => where(r));
    }
    let rows = [...table.values()].filter(r => (all || !r.IsDeleted) && tests.every(t => t(r)));
    if (select === 'COUNT()') return answer(ok({ totalSize: rows.length, done: true, records: [] }));
    const names = select.split(',').map(s => s.trim());
    const known = new Set(fields.map(f => f.name));
    const unknown = names.find(n => !known.has(n));
    if (unknown) return answer(sfError(400, 'INVALID_FIELD', `No such column '${unknown}' on entity '${object}'`));
    rows.sort((a, b) => stampOf(a) - stampOf(b) || (String(a.Id) < String(b.Id) ? -1 : 1));
    if (limitText) rows = rows.slice(0, Number(limitText));
    const records = rows.map(r => {
      const out: Record<string, unknown> = { attributes: { type: object } };
      for (const n of names) out[n] = r[n] ?? null;
      return out;
    });
    return answer(ok({ totalSize: records.length, done: true, records }));
  };

  const getDeleted = (req: LoggedRequest): CannedResponse => {
    const start = Math.floor(Date.parse(req.query.start) / MINUTE) * MINUTE;
    const end = Math.floor(Date.parse(req.query.end) / MINUTE) * MINUTE;
    if (Number.isNaN(start) || Number.isNaN(end)) return answer(sfError(400, 'MISSING_ARGUMENT', 'start and end must be valid dateTime values'));
    const covered = Math.min(end, Math.floor(now() / MINUTE) * MINUTE);
    const deletedRecords = deleteLog.filter(d => d.at >= start && d.at < covered).map(d => ({ id: d.id, deletedDate: iso(d.at) }));
    return answer(ok({ deletedRecords, earliestDateAvailable: iso(earliest), latestDateCovered: iso(covered) }));
  };

  const routes: Route[] = [
    respond('GET', new RegExp(`/sobjects/${object}/describe`), describe),
    respond('GET', new RegExp(`/sobjects/${object}/deleted/`), getDeleted),
    // only queries of this object, so several fake orgs (one per object) can share a client
    respond('GET', new RegExp(`/query(All)?\\?q=[^&]*FROM(\\+|%20)${object}(\\+|%20|&|$)`), query),
  ];

  const stamp = (at?: number) => iso(at ?? now());
  const row = (id: string) => {
    const r = table.get(id);
    if (!r) throw new Error(`the fake org has no ${object} ${id}`);
    return r;
  };

  return {
    routes,
    now,
    insert(values, at) {
      serial += 1;
      const id = `001FAKE${String(serial).padStart(8, '0')}AAA`.slice(0, 18);
      table.set(id, { ...values, Id: id, IsDeleted: false, SystemModstamp: stamp(at) });
      return id;
    },
    update(id, values, at) { Object.assign(row(id), values, { SystemModstamp: stamp(at) }); },
    delete(id, at) {
      const r = row(id);
      r.IsDeleted = true;
      r.SystemModstamp = stamp(at);
      deleteLog.push({ id, at: Date.parse(String(r.SystemModstamp)) });
    },
    purge(id) { table.delete(id); },
    purgeDeleteLog() {
      earliest = now();
      deleteLog.splice(0, deleteLog.length, ...deleteLog.filter(d => d.at >= earliest));
      for (const [id, r] of table) if (r.IsDeleted) table.delete(id);
    },
    addField(field) { fields.push(field); describedAt = now(); },
    removeField(name) {
      const i = fields.findIndex(f => f.name === name);
      if (i >= 0) fields.splice(i, 1);
      for (const r of table.values()) delete r[name];
      describedAt = now();
    },
    rows: () => [...table.values()].filter(r => !r.IsDeleted).map(r => ({ ...r })),
  };
}
