/**
 * Churn: random inserts, updates and deletes at a steady rate on the emulator's own clock and scheduler, so a sync
 * daemon, a demo or a benchmark has an org that keeps changing. Every write goes through the store (validation,
 * SystemModstamp, journal) exactly as an API write does.
 */
import type { Store } from './store.js';
import type { FieldSchema, ObjectSchema, OrgStore } from './types.js';

export interface ChurnOptions {
  /** Writes per second (inserts + updates + deletes), > 0. */
  rate: number;
  /** Objects to write to (default `['Account']`); each write picks one at random. */
  objects?: string[];
  /** Shares of each kind of write (normalised); default 30 % inserts, 45 % updates, 25 % deletes. */
  mix?: { insert?: number; update?: number; delete?: number };
}

/** Churn options with every default filled in and the mix normalised to shares summing to 1. */
export interface ChurnSettings {
  rate: number;
  objects: string[];
  mix: { insert: number; update: number; delete: number };
}

export interface ChurnStats {
  inserts: number;
  updates: number;
  deletes: number;
  /** Writes the org refused (a delete blocked by a related record, say); they are counted, never thrown. */
  refused: number;
}

/** The running churn of an emulator: `emu.churn.start(50)`, `emu.churn.stop()`. */
export interface Churn {
  /** Whether writes are being made. */
  readonly running: boolean;
  /** The options in force (undefined while stopped). */
  readonly options: Readonly<ChurnSettings> | undefined;
  /** Writes made since the emulator started (a fresh object each read). */
  readonly stats: ChurnStats;
  /** Starts writing at `rate` writes/s (or replaces the running settings). */
  start(opts: number | ChurnOptions): void;
  /** Stops writing; the write in hand has already finished (writes are synchronous). */
  stop(): void;
}

/** How a running emulator lends its clock, randomness and timers to the churn. */
export interface ChurnHost {
  store: Store;
  /** The user the writes are made as (the org's admin). */
  userId: string;
  now(): number;
  random(): number;
  every(ms: number, fn: () => void): () => void;
}

const TICK_MS = 100;
/** Writes owed after a stall (a blocked event loop) are made up for at most this many seconds' worth. */
const MAX_CATCH_UP_S = 5;
const WORDS = ['Acme', 'Global', 'United', 'Summit', 'Pioneer', 'Harbor', 'Vertex', 'Northwind', 'Blue', 'Quantum',
  'Granite', 'Silver', 'Cedar', 'Atlas', 'Orbit', 'Delta'];
const SUFFIXES = ['Inc', 'Ltd', 'Corp', 'Group', 'Labs', 'Partners', 'Systems', 'Holdings'];

/** Checks churn options and fills in the defaults; throws a message naming the bad option. */
export function churnOptions(opts: number | ChurnOptions, store: OrgStore): ChurnSettings {
  const o: ChurnOptions = typeof opts === 'number' ? { rate: opts } : opts;
  if (!Number.isFinite(o.rate) || o.rate <= 0) throw new Error(`churn rate must be a positive number of writes per second, got ${String(o.rate)}`);
  const objects = o.objects ?? ['Account'];
  if (!objects.length) throw new Error('churn objects must name at least one object');
  const canonical = objects.map(name => {
    const s = store.schema.get(name);
    if (!s || s.tooling) throw new Error(`churn object ${name} does not exist in the org`);
    if (!s.createable || !s.updateable || !s.deletable) {
      throw new Error(`churn object ${s.name} cannot be inserted, updated and deleted through the API`);
    }
    if (requiredFields(s).some(f => f.type === 'reference' || f.type === 'base64')) {
      throw new Error(`churn object ${s.name} needs a parent record or a file on insert; pick another object`);
    }
    return s.name;
  });
  const mix = { insert: 0.3, update: 0.45, delete: 0.25, ...o.mix };
  for (const [k, v] of Object.entries(mix)) {
    if (!Number.isFinite(v) || v < 0) throw new Error(`churn mix.${k} must be a number ≥ 0, got ${String(v)}`);
  }
  const total = mix.insert + mix.update + mix.delete;
  if (total <= 0) throw new Error('churn mix must give at least one kind of write a share above 0');
  return { rate: o.rate, objects: canonical,
    mix: { insert: mix.insert / total, update: mix.update / total, delete: mix.delete / total } };
}

function requiredFields(s: ObjectSchema): FieldSchema[] {
  return s.fields.filter(f => !f.nillable && f.createable && !f.defaultedOnCreate);
}

/** Fields a churn update may change: plain values the API lets a user write. */
function churnableFields(s: ObjectSchema): FieldSchema[] {
  return s.fields.filter(f => f.updateable && !f.unique && !f.externalId && !f.calculated && !f.autoNumber &&
    !['reference', 'base64', 'address', 'location', 'anyType', 'encryptedstring', 'id'].includes(f.type) &&
    !(f.type === 'picklist' && f.restrictedPicklist && !f.picklistValues.some(p => p.active)));
}

export function createChurn(host: ChurnHost): Churn {
  const stats: ChurnStats = { inserts: 0, updates: 0, deletes: 0, refused: 0 };
  /** Live ids per object, for O(1) random picks (rows deleted by others are dropped when a write finds them gone). */
  const ids = new Map<string, string[]>();
  let options: ChurnSettings | undefined;
  let cancel: (() => void) | undefined;
  let last = 0;
  let owed = 0;

  const pick = <T>(list: readonly T[]): T => list[Math.floor(host.random() * list.length)]!;
  const idsOf = (object: string): string[] => {
    let list = ids.get(object);
    if (!list) {
      list = [];
      for (const r of host.store.scan(object)) list.push(r.Id);
      ids.set(object, list);
    }
    return list;
  };
  const takeAt = (list: string[], i: number) => {
    list[i] = list[list.length - 1]!;
    list.pop();
  };

  const value = (f: FieldSchema): unknown => {
    const r = host.random();
    switch (f.type) {
      case 'boolean': return r < 0.5;
      case 'int': return Math.floor(r * 10_000);
      case 'double': case 'currency': case 'percent': {
        const scale = 10 ** Math.min(f.scale, 2);
        const max = Math.min(10 ** Math.max(1, Math.min(f.precision - f.scale, 9)), 1e9);
        return Math.round(r * max * scale) / scale;
      }
      case 'date': return new Date(host.now() - Math.floor(r * 365) * 86_400_000).toISOString().slice(0, 10);
      case 'datetime': return new Date(host.now() - Math.floor(r * 365 * 86_400_000)).toISOString();
      case 'time': return `${String(Math.floor(r * 24)).padStart(2, '0')}:30:00.000Z`;
      case 'picklist': case 'combobox': {
        const active = f.picklistValues.filter(p => p.active);
        return active.length ? pick(active).value : `Value ${Math.floor(r * 100)}`;
      }
      case 'multipicklist': {
        const active = f.picklistValues.filter(p => p.active);
        return active.length ? pick(active).value : null;
      }
      case 'email': return `churn${Math.floor(r * 1e6)}@example.com`;
      case 'url': return `https://example.com/${Math.floor(r * 1e6)}`;
      case 'phone': return `+1 555 ${String(Math.floor(r * 1e7)).padStart(7, '0')}`;
      default: {
        const text = `${pick(WORDS)} ${pick(WORDS)} ${pick(SUFFIXES)} ${Math.floor(r * 1e6)}`;
        return text.slice(0, Math.max(1, f.length || text.length));
      }
    }
  };

  const insert = (s: ObjectSchema) => {
    const fields: Record<string, unknown> = {};
    for (const f of requiredFields(s)) fields[f.name] = value(f);
    const optional = churnableFields(s).filter(f => f.createable && !(f.name in fields));
    for (let n = 0; n < 3 && optional.length; n++) {
      const f = pick(optional);
      fields[f.name] = value(f);
    }
    const r = host.store.insert(s.name, fields);
    if (r.success) {
      stats.inserts++;
      idsOf(s.name).push(r.id);
    } else {
      stats.refused++;
    }
  };

  const update = (s: ObjectSchema, list: string[]) => {
    const i = Math.floor(host.random() * list.length);
    const fields: Record<string, unknown> = {};
    const candidates = churnableFields(s);
    const required = new Set(requiredFields(s).map(f => f.name));
    for (let n = 1 + Math.floor(host.random() * 3); n > 0 && candidates.length; n--) {
      const f = pick(candidates);
      // sometimes clear a field, so mirrors see values turn null too
      fields[f.name] = f.nillable && !required.has(f.name) && f.type !== 'boolean' && host.random() < 0.15 ? null : value(f);
    }
    const r = host.store.update(s.name, list[i]!, fields);
    if (r.success) stats.updates++;
    else {
      stats.refused++;
      if (r.errors.some(e => e.statusCode === 'ENTITY_IS_DELETED' || e.statusCode === 'INVALID_CROSS_REFERENCE_KEY')) takeAt(list, i);
    }
  };

  const remove = (list: string[]) => {
    const i = Math.floor(host.random() * list.length);
    const r = host.store.delete(list[i]!);
    if (r.success) {
      stats.deletes++;
      takeAt(list, i);
    } else {
      stats.refused++;
      if (r.errors.some(e => e.statusCode === 'ENTITY_IS_DELETED' || e.statusCode === 'INVALID_CROSS_REFERENCE_KEY')) takeAt(list, i);
    }
  };

  const write = (o: ChurnSettings) => {
    const s = host.store.schema.get(pick(o.objects))!;
    const list = idsOf(s.name);
    const r = host.random();
    host.store.runAs(host.userId, () => {
      if (!list.length || r < o.mix.insert) insert(s);
      else if (r < o.mix.insert + o.mix.update) update(s, list);
      else remove(list);
    });
  };

  const tick = () => {
    const o = options;
    if (!o) return;
    const now = host.now();
    owed = Math.min(owed + (o.rate * (now - last)) / 1000, o.rate * MAX_CATCH_UP_S);
    last = now;
    for (; owed >= 1; owed--) write(o);
  };

  return {
    get running() { return !!options; },
    get options() { return options; },
    get stats() { return { ...stats }; },
    start(opts) {
      const next = churnOptions(opts, host.store);
      if (!options) {
        last = host.now();
        owed = 0;
        cancel = host.every(TICK_MS, tick);
      }
      options = next;
    },
    stop() {
      options = undefined;
      cancel?.();
      cancel = undefined;
    },
  };
}
