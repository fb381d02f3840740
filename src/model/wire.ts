/**
 * Wire conventions, in one place.
 *
 * | kind            | record value            | REST JSON                          | bulk CSV                      |
 * |-----------------|-------------------------|------------------------------------|-------------------------------|
 * | datetime        | `Date`                  | `2013-05-20T20:49:32.000+0000`     | `2013-05-20T20:49:32.000Z`    |
 * | date            | `'YYYY-MM-DD'` string   | same string (never shifted by a time zone)                         |
 * | time            | `'HH:mm:ss.SSSZ'`       | same string                                                         |
 * | multipicklist   | `string[]`              | `'a;b'` (`[]` is sent as null)     | `a;b`                         |
 * | int, double…    | `number`                | number                             | digits, never an exponent     |
 * | boolean         | `boolean`               | boolean                            | `true` / `false`              |
 * | blob            | read: REST path string; write: `Uint8Array` or base64 string → base64; a `Blob` is sent as a multipart part |
 * | null            | `null`                  | `null`                             | read `''`; write `#N/A`       |
 *
 * Datetimes are read in any offset form Salesforce documents (`Z`, `+HH:mm`, `+HHmm`, and `+HH`), with 0-9
 * fraction digits; a value without an offset is UTC.
 */
import { ValidationError } from '../util/errors.js';
import { TIME_RE, type FieldDef } from './fields.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A Date as Salesforce writes datetimes: `2013-05-20T20:49:32.000+0000` (always UTC). */
export function formatDatetime(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:` +
    `${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+0000`;
}

const DATETIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Parses a Salesforce datetime; undefined when malformed. */
export function parseDatetime(s: string): Date | undefined {
  const m = DATETIME_RE.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  let t = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, sec ? +sec : 0, ms);
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
  }
  const date = new Date(t);
  if (Number.isNaN(date.getTime()) || +mo! > 12 || +d! > 31 || +h! > 23 || +mi! > 59 || (sec !== undefined && +sec > 59)) return undefined;
  return date;
}

/** Completes a time to 'HH:mm:ss.SSSZ'; undefined when malformed. */
export function normalizeTime(s: string): string | undefined {
  const m = TIME_RE.exec(s);
  if (!m) return undefined;
  return `${m[1]}:${m[2]}:${m[3] ?? '00'}.${(m[4] ?? '').padEnd(3, '0')}Z`;
}

/** A number as plain digits (Salesforce rejects `1e+21` in CSV and SOQL). */
export function formatNumber(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of bytes, without `node:` or `btoa` so it runs anywhere. */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!, b1 = bytes[i + 1], b2 = bytes[i + 2];
    out += BASE64[b0 >> 2]! + BASE64[((b0 & 3) << 4) | ((b1 ?? 0) >> 4)]!;
    out += b1 === undefined ? '=' : BASE64[((b1 & 15) << 2) | ((b2 ?? 0) >> 6)]!;
    out += b2 === undefined ? '=' : BASE64[b2 & 63]!;
  }
  return out;
}

/** Whether a blob field's value is the REST path Salesforce returns on read (not content to upload). */
export function isBlobPath(v: unknown): boolean {
  return typeof v === 'string' && /^\/services\/data\/v\d+\.\d+\//.test(v);
}

function malformed(sobject: string, field: string, what: string, raw: unknown): ValidationError {
  return new ValidationError({ sobject, field, reason: `malformed ${what}: ${JSON.stringify(raw)}` });
}

/** One wire value → the record value for `field`. `''` is null in CSV. */
export function fromWireValue(sobject: string, field: FieldDef, raw: unknown, csv = false): unknown {
  if (raw === null || raw === undefined) return raw;
  if (csv && raw === '') return null;
  switch (field.kind) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
      throw malformed(sobject, field.name, 'boolean', raw);
    case 'int': case 'double': case 'currency': case 'percent':
      if (typeof raw === 'number') return raw;
      if (typeof raw === 'string' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw.trim())) return Number(raw);
      throw malformed(sobject, field.name, 'number', raw);
    case 'datetime': {
      const d = typeof raw === 'string' ? parseDatetime(raw) : undefined;
      if (!d) throw malformed(sobject, field.name, 'datetime', raw);
      return d;
    }
    case 'time': {
      const t = typeof raw === 'string' ? normalizeTime(raw) : undefined;
      if (t === undefined) throw malformed(sobject, field.name, 'time', raw);
      return t;
    }
    case 'multipicklist':
      if (Array.isArray(raw)) return raw.map(String);
      if (typeof raw !== 'string') throw malformed(sobject, field.name, 'multipicklist', raw);
      return raw === '' ? [] : raw.split(';');
    default:
      return raw;
  }
}

/** One record value → the REST JSON value. Assumes the value passed validation. */
export function toWireValue(field: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (field.kind) {
    case 'datetime': return value instanceof Date ? formatDatetime(value) : value;
    case 'time': return typeof value === 'string' ? normalizeTime(value) ?? value : value;
    case 'multipicklist': return Array.isArray(value) ? (value.length ? value.join(';') : null) : value;
    case 'blob': return value instanceof Uint8Array ? toBase64(value) : value;
    default: return value;
  }
}

/**
 * One value as a Bulk API 2.0 CSV cell: null → `#N/A` (sets the field to null; an empty cell is ignored on update),
 * undefined → '' (left alone), '' → `#N/A` (as REST treats an empty string), Date → ISO `2024-01-02T03:04:05.000Z`, string[] → `;`-joined, numbers without exponent.
 */
export function toCsvValue(value: unknown): string {
  if (value === null) return '#N/A';
  if (value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.length ? value.join(';') : '#N/A';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Uint8Array) return toBase64(value);
  // '' clears a text field over REST; in CSV an empty cell would be ignored, so say null explicitly.
  return value === '' ? '#N/A' : String(value);
}
