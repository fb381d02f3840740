import type { SObjectModel } from '../../model/index.js';

type WireRecord = Record<string, unknown>;

function isPlainObject(value: unknown): value is WireRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * A copy of a REST record without the `attributes` envelope, also inside parent records (`Account.Name`) and child
 * subquery results, so typed records stay plain data.
 */
export function stripAttributes(raw: WireRecord): WireRecord {
  const out: WireRecord = {};
  // for-in with a primitive fast path: this runs for every record a query or a retrieve returns
  for (const key in raw) {
    if (key === 'attributes' || !Object.prototype.hasOwnProperty.call(raw, key)) continue;
    const value = raw[key];
    if (value === null || typeof value !== 'object') {
      out[key] = value;
      continue;
    }
    if (isPlainObject(value) && Array.isArray(value.records) && 'done' in value) {
      out[key] = { ...value, records: (value.records as unknown[]).map((r) => (isPlainObject(r) ? stripAttributes(r) : r)) };
    } else if (isPlainObject(value) && 'attributes' in value) {
      out[key] = stripAttributes(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Whether a query row is an aggregate row (`attributes.type` is `AggregateResult`), which no model describes. */
export function isAggregateRow(raw: WireRecord): boolean {
  const attributes = raw.attributes;
  return isPlainObject(attributes) && attributes.type === 'AggregateResult';
}

/** A REST record revived through its model (which also snapshots it for change tracking). */
export function reviveRecord<M extends SObjectModel<any>>(model: M, raw: WireRecord): ReturnType<M['fromWire']> {
  return model.fromWire(stripAttributes(raw)) as ReturnType<M['fromWire']>;
}
