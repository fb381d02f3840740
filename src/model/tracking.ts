/**
 * Change tracking without classes: records stay plain objects, and each remembers, out of sight, the wire values the
 * server last saw: in a non-enumerable symbol-keyed property (which JSON, spreads, `Object.keys`, `for…in` and deep
 * equality all leave out, so a copy of a record is a new, untracked record), or in a WeakMap for a record that cannot
 * take a property (frozen). A WeakMap entry per record read cost more than the rest of reading it (its ephemeron is
 * visited by every garbage collection while the record lives). Comparisons are made on wire values, so a datetime read as `…Z` and written back as
 * `…+0000` is not a change. A field that is undefined in the record is "not set", never a change; set it to null to
 * clear it.
 *
 * A record read from the server keeps the wire row it was read from instead of a snapshot: the snapshot is built
 * from that row the first time a save or `changedFields` needs it, so reading 10,000 records builds none of them.
 */
import type { FieldDef } from './fields.js';
import type { SObjectModel } from './types.js';
import { fromWireValue, toWireValue } from './wire.js';

/** What is known of one record: its model and what the server last saw (as a snapshot, or as the row it sent). */
class Tracked {
  constructor(
    public model: SObjectModel<any> | undefined,
    /** Field API name → wire value (canonical form) the server last saw. */
    public snapshot: Record<string, unknown> | undefined,
    /** The wire row the record was read from, not yet turned into `snapshot` (owned: nothing else holds it). */
    public wire: Record<string, unknown> | undefined = undefined,
    /** `wire` is a bulk CSV row (`''` is null). */
    public csv = false,
  ) {}
}

const tracked = new WeakMap<object, Tracked>();
const TRACKED: unique symbol = Symbol('rxforce.tracked');
/** One descriptor reused for every record (its value set just before use): no allocation per record. */
const slot: PropertyDescriptor = { value: undefined, writable: true, configurable: true, enumerable: false };

function entryOf(record: object): Tracked | undefined {
  return (record as { [TRACKED]?: Tracked })[TRACKED] ?? tracked.get(record);
}

function attach(record: object, entry: Tracked): void {
  if (Object.isExtensible(record)) {
    slot.value = entry;
    Object.defineProperty(record, TRACKED, slot);
    slot.value = undefined;
  } else {
    tracked.set(record, entry);
  }
}

/** Keys that describe the record rather than hold a field (`attributes: { type, url }`). */
export const META_KEYS: ReadonlySet<string> = new Set(['attributes']);

/** Remembers the model of a record, and its server snapshot when given. */
export function track(record: object, model: SObjectModel<any>, snapshot?: Record<string, unknown>): void {
  // an entry is updated in place: this runs for every record a list operation writes or reads
  const entry = entryOf(record);
  if (entry) {
    entry.model = model;
    if (snapshot) {
      entry.snapshot = snapshot;
      entry.wire = undefined;
    }
  } else {
    attach(record, new Tracked(model, snapshot));
  }
}

/**
 * Remembers a record just read, with the wire row it was read from; the row must not change afterwards (the caller
 * hands it over) and must hold only primitive values outside the model's fields (a nested object could be changed
 * through the record, so its snapshot is taken at once: see `fromWire`).
 */
export function trackRead(record: object, model: SObjectModel<any>, wire: Record<string, unknown>, csv: boolean): void {
  attach(record, new Tracked(model, undefined, wire, csv));
}

function entrySnapshot(entry: Tracked): Record<string, unknown> | undefined {
  if (entry.wire !== undefined) {
    entry.snapshot = snapshotFromWire(entry.model!, entry.wire, entry.csv);
    entry.wire = undefined;
  }
  return entry.snapshot;
}

/** The wire values the server last saw for this record, if it was read or saved. */
export function snapshotOf(record: object): Readonly<Record<string, unknown>> | undefined {
  const entry = entryOf(record);
  return entry && entrySnapshot(entry);
}

/**
 * The snapshot of a record read from `raw`: every field's canonical wire value, as `fromWire` types it (a null in an
 * optional, non-nullable field is "not set"), and fields the model does not name as a deep copy.
 */
export function snapshotFromWire(model: SObjectModel<any>, raw: Record<string, unknown>, csv: boolean): Record<string, unknown> {
  const snapshot: Record<string, unknown> = {};
  for (const key in raw) {
    if (!Object.prototype.hasOwnProperty.call(raw, key) || key === 'attributes') continue;
    const value = raw[key];
    const f = model.field(key);
    if (!f) {
      snapshot[key] = wireForCompare(undefined, value);
      continue;
    }
    const v = fromWireValue(model.apiName, f, value, csv);
    if (v === null && !f.nullable && f.optional) continue;
    snapshot[f.name] = wireForCompare(f, v);
  }
  return snapshot;
}

/** A record value's canonical wire form, for comparisons (unknown fields as a deep copy). */
export function wireForCompare(field: FieldDef | undefined, value: unknown): unknown {
  if (field) return toWireValue(field, value);
  if (value === null || typeof value !== 'object' || (typeof Blob !== 'undefined' && value instanceof Blob)) return value;
  return JSON.parse(JSON.stringify(value));
}

/** Whether two canonical wire values are the same. */
export function sameWire(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  // a Blob's bytes cannot be read synchronously (and JSON gives every Blob `{}`): only the same Blob is unchanged
  if (typeof Blob !== 'undefined' && (a instanceof Blob || b instanceof Blob)) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A wire value's canonical form under `model` (a value the model cannot read is kept as sent). */
function canonicalFromWire(field: FieldDef | undefined, sobject: string, raw: unknown): unknown {
  if (!field) return wireForCompare(undefined, raw);
  try {
    return toWireValue(field, fromWireValue(sobject, field, raw));
  } catch {
    return raw;
  }
}

/**
 * Records that the server now holds these values for the record. With `wire` (what was sent, or what came back),
 * those fields are merged into the snapshot; without it, the whole record as it stands is taken as saved.
 * @example
 * const body = Account.toWire(acct, 'update', { onlyChanges: true });
 * await save(body); markSynced(acct, body);
 */
export function markSynced(record: object, wire?: Record<string, unknown>): void {
  markSent(record, undefined, wire, undefined);
}

/**
 * `markSynced` for the list saves: `model` is the record's (when known), `sent` the collection entry as sent (its
 * `id` key, the update's target, is not a field), and `id` the Id the server answered.
 * @internal
 */
export function markSent(record: object, model: SObjectModel<any> | undefined, sent: Record<string, unknown> | undefined,
  id: string | null | undefined, skipKey?: string): void {
  const known = entryOf(record);
  const entry = known ?? new Tracked(model, undefined);
  if (model) entry.model = model;
  const before = entrySnapshot(entry);
  const snapshot: Record<string, unknown> = {};
  if (sent && before) for (const key in before) snapshot[key] = before[key];
  const source: Record<string, unknown> = sent ?? (record as Record<string, unknown>);
  const m = entry.model;
  for (const key in source) {
    if (!Object.prototype.hasOwnProperty.call(source, key) || key === skipKey) continue;
    const value = source[key];
    if (value === undefined || META_KEYS.has(key)) continue;
    const field = m?.field(key);
    if (sent) snapshot[field?.name ?? key] = canonicalFromWire(field, m?.apiName ?? '', value);
    else snapshot[field?.name ?? key] = wireForCompare(field, value);
  }
  if (id) {
    const field = m?.field('Id');
    snapshot[field?.name ?? 'Id'] = canonicalFromWire(field, m?.apiName ?? '', id);
  }
  entry.snapshot = snapshot;
  if (!known) attach(record, entry);
}

/**
 * The API names of the fields whose value differs from what the server last saw. A record never read nor saved
 * has every set field changed.
 */
export function changedFields(model: SObjectModel<any>, record: object): string[] {
  const snapshot = snapshotOf(record);
  const changed: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (META_KEYS.has(key) || value === undefined) continue;
    const field = model.field(key);
    const name = field?.name ?? key;
    if (!snapshot || !(name in snapshot) || !sameWire(snapshot[name], wireForCompare(field, value))) changed.push(name);
  }
  return changed;
}
