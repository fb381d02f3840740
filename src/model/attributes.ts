/** The `attributes` envelope of REST records (`{ type, url }`), which typed records leave out. */

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
