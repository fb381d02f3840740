/**
 * Change tracking without classes: records stay plain objects, and a WeakMap remembers, per record object, the wire
 * values the server last saw. Comparisons are made on wire values, so a datetime read as `…Z` and written back as
 * `…+0000` is not a change. A field that is undefined in the record is "not set", never a change; set it to null to
 * clear it.
 */
import type { FieldDef } from './fields.js';
import type { SObjectModel } from './types.js';
import { fromWireValue, toWireValue } from './wire.js';

interface Tracked {
  model?: SObjectModel<any>;
  /** Field API name → wire value (canonical form) the server last saw. */
  snapshot?: Record<string, unknown>;
}

const tracked = new WeakMap<object, Tracked>();

/** Keys that describe the record rather than hold a field (`attributes: { type, url }`). */
export const META_KEYS: ReadonlySet<string> = new Set(['attributes']);

/** Remembers the model of a record, and its server snapshot when given. */
export function track(record: object, model: SObjectModel<any>, snapshot?: Record<string, unknown>): void {
  // an entry is updated in place: this runs for every record a list operation writes or reads
  const entry = tracked.get(record);
  if (entry) {
    entry.model = model;
    if (snapshot) entry.snapshot = snapshot;
  } else {
    tracked.set(record, snapshot ? { model, snapshot } : { model });
  }
}

/** The wire values the server last saw for this record, if it was read or saved. */
export function snapshotOf(record: object): Readonly<Record<string, unknown>> | undefined {
  return tracked.get(record)?.snapshot;
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

function canonicalFromWire(model: SObjectModel<any> | undefined, name: string, raw: unknown): [string, unknown] {
  const field = model?.field(name);
  if (!field) return [name, wireForCompare(undefined, raw)];
  try {
    return [field.name, toWireValue(field, fromWireValue(model!.apiName, field, raw))];
  } catch {
    return [field.name, raw];
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
  const known = tracked.get(record);
  const entry: Tracked = known ?? {};
  const snapshot: Record<string, unknown> = wire ? { ...entry.snapshot } : {};
  const source: Record<string, unknown> = wire ?? (record as Record<string, unknown>);
  for (const key in source) {
    if (!Object.prototype.hasOwnProperty.call(source, key)) continue;
    const value = source[key];
    if (META_KEYS.has(key) || value === undefined) continue;
    if (wire) {
      const [name, canonical] = canonicalFromWire(entry.model, key, value);
      snapshot[name] = canonical;
    } else {
      const field = entry.model?.field(key);
      snapshot[field?.name ?? key] = wireForCompare(field, value);
    }
  }
  entry.snapshot = snapshot;
  if (!known) tracked.set(record, entry);
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
