/** Turns a wire value into the stored form of a field, or the error Salesforce reports for it. */
import { normalizeDate, normalizeDatetime, normalizeTime } from './dates.js';
import { normalizeId } from './ids.js';
import type { FieldSchema, RecordError } from './types.js';

export type Coerced = { ok: true; value: unknown } | { ok: false; error: RecordError };

const ok = (value: unknown): Coerced => ({ ok: true, value });
const fail = (statusCode: string, message: string, f: FieldSchema): Coerced =>
  ({ ok: false, error: { statusCode, message, fields: [f.name] } });

function notOfType(f: FieldSchema, value: unknown): Coerced {
  const shown = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return fail('INVALID_TYPE_ON_FIELD_IN_RECORD', `${f.label}: value not of required type: ${shown}`, f);
}

function asText(f: FieldSchema, value: unknown): string | Coerced {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return notOfType(f, value);
}

/** Salesforce counts characters, not bytes, against a text field's length. */
function tooLong(f: FieldSchema, s: string): Coerced | undefined {
  if (f.length > 0 && s.length > f.length) {
    const shown = s.length > 100 ? `${s.slice(0, 100)}...` : s;
    return fail('STRING_TOO_LONG', `${f.label}: data value too large: ${shown} (max length=${f.length})`, f);
  }
  return undefined;
}

function asNumber(f: FieldSchema, value: unknown): Coerced {
  const n = typeof value === 'number' ? value
    : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) return notOfType(f, value);
  if (f.type === 'int' && !Number.isInteger(n)) return notOfType(f, value);
  const intDigits = f.precision > 0 ? f.precision - f.scale : 0;
  // counted by magnitude, not by the digits of toString(): 1e300 prints as "1e+300", six characters
  if (intDigits > 0 && Math.abs(n) >= 10 ** intDigits) {
    return fail('NUMBER_OUTSIDE_VALID_RANGE', `${f.label}: value outside of valid range on numeric field: ${value}`, f);
  }
  const scaled = f.type === 'int' || f.type === 'long' ? n : f.scale >= 0 && f.type !== 'double'
    ? Number(n.toFixed(f.scale)) : n;
  return ok(scaled);
}

/** Coerces `value` (JSON or CSV text) to the stored form for `f`. Null/empty string means null. */
export function coerce(f: FieldSchema, value: unknown): Coerced {
  if (value === null || value === undefined || value === '') return ok(null);
  switch (f.type) {
    case 'boolean': {
      if (typeof value === 'boolean') return ok(value);
      if (typeof value === 'string' && /^(true|false|1|0)$/i.test(value)) return ok(/^(true|1)$/i.test(value));
      return notOfType(f, value);
    }
    case 'int': case 'long': case 'double': case 'currency': case 'percent':
      return asNumber(f, value);
    case 'date': case 'datetime': case 'time': {
      if (typeof value !== 'string') return notOfType(f, value);
      const v = f.type === 'date' ? normalizeDate(value) : f.type === 'datetime' ? normalizeDatetime(value)
        : normalizeTime(value);
      return v === undefined ? notOfType(f, value) : ok(v);
    }
    case 'reference': case 'id': {
      if (typeof value !== 'string') return notOfType(f, value);
      const id = normalizeId(value);
      if (!id) return fail('MALFORMED_ID', `${f.label}: id value of incorrect type: ${value}`, f);
      return ok(id);
    }
    case 'picklist': {
      const s = asText(f, value);
      if (typeof s !== 'string') return s;
      if (f.restrictedPicklist && !f.picklistValues.some(p => p.active && p.value === s)) {
        return fail('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${f.label}: bad value for restricted picklist field: ${s}`, f);
      }
      return tooLong(f, s) ?? ok(s);
    }
    case 'multipicklist': {
      const s = asText(f, value);
      if (typeof s !== 'string') return s;
      const parts = s.split(';').map(p => p.trim()).filter(Boolean);
      if (f.restrictedPicklist) {
        const bad = parts.find(p => !f.picklistValues.some(v => v.active && v.value === p));
        if (bad !== undefined) {
          return fail('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${f.label}: bad value for restricted picklist field: ${bad}`, f);
        }
      }
      return ok(parts.join(';'));
    }
    case 'base64':
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/=\s]*$/.test(value)) return notOfType(f, value);
      return ok(value);
    case 'address': case 'location':
      return notOfType(f, value);
    case 'email': {
      const s = asText(f, value);
      if (typeof s !== 'string') return s;
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s)) return fail('INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${s}`, f);
      return tooLong(f, s) ?? ok(s);
    }
    default: {
      const s = asText(f, value);
      if (typeof s !== 'string') return s;
      return tooLong(f, s) ?? ok(s);
    }
  }
}
