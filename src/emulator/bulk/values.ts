/**
 * CSV text → the wire values the store takes, as Bulk API 2.0 reads them: booleans, numbers, dates and datetimes
 * parsed by field type, `#N/A` as null, everything else verbatim (no trimming).
 */
import type { FieldSchema } from '../types.js';

/** Marker for "leave the field alone": an empty CSV value is ignored on update and defaulted on insert. */
export const SKIP = Symbol('skip');

export class ValueError extends Error {}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z?$/i;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The Salesforce XSD type named in deserialisation errors. */
function xsdType(field: FieldSchema): string {
  switch (field.type) {
    case 'boolean': return 'xsd:boolean';
    case 'int': return 'xsd:int';
    case 'long': return 'xsd:long';
    case 'double': case 'currency': case 'percent': return 'xsd:double';
    case 'date': return 'xsd:date';
    case 'datetime': return 'xsd:dateTime';
    case 'time': return 'xsd:time';
    default: return 'xsd:string';
  }
}

function invalid(raw: string, field: FieldSchema, column: number): ValueError {
  // Message shape as Bulk API reports a value that does not deserialise (wording unconfirmed).
  return new ValueError(`Failed to deserialize field at col ${column}. Due to, '${raw}' is not a valid value for the type ${xsdType(field)}`);
}

const pad = (s: string | undefined, n: number): string => (s ?? '').padEnd(n, '0').slice(0, n);

function validDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** `yyyy-MM-ddTHH:mm:ss.SSS+0000` in UTC, the form Salesforce answers with. */
function parseDatetime(raw: string): string | undefined {
  const m = DATETIME.exec(raw);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', ms, zone] = m;
  if (!validDate(+y, +mo, +d) || +h > 23 || +mi > 59 || +s > 59) return undefined;
  let offsetMin = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    offsetMin = (digits[0] === '-' ? -1 : 1) * (parseInt(digits.slice(1, 3), 10) * 60 + parseInt(digits.slice(3, 5), 10));
  }
  const t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, parseInt(pad(ms, 3), 10)) - offsetMin * 60_000;
  return new Date(t).toISOString().replace('Z', '+0000');
}

function parseDate(raw: string): string | undefined {
  const m = DATE.exec(raw);
  if (m) return validDate(+m[1], +m[2], +m[3]) ? raw : undefined;
  // A datetime is accepted for a date field; its date part (in UTC) is kept.
  return parseDatetime(raw)?.slice(0, 10);
}

function parseTime(raw: string): string | undefined {
  const m = TIME.exec(raw);
  if (!m || +m[1] > 23 || +m[2] > 59 || +(m[3] ?? 0) > 59) return undefined;
  return `${m[1]}:${m[2]}:${m[3] ?? '00'}.${pad(m[4], 3)}Z`;
}

/**
 * Converts one CSV cell for a field.
 * @param column 1-based column index, named in errors as Salesforce does.
 * @returns SKIP for an empty cell, null for `#N/A`, else the wire value.
 * @throws ValueError when the text is not a value of the field's type.
 */
export function csvToWire(raw: string, field: FieldSchema, column: number): unknown {
  if (raw === '') return SKIP;
  if (raw === '#N/A') return null;
  switch (field.type) {
    case 'boolean': {
      const v = raw.toLowerCase();
      if (v === 'true' || v === '1' || v === 'yes') return true;
      if (v === 'false' || v === '0' || v === 'no') return false;
      throw invalid(raw, field, column);
    }
    case 'int': case 'long': {
      if (!/^[+-]?\d+(\.0*)?$/.test(raw)) throw invalid(raw, field, column);
      const n = Number(raw);
      if (field.type === 'int' && (n > 2147483647 || n < -2147483648)) throw invalid(raw, field, column);
      return n;
    }
    case 'double': case 'currency': case 'percent': {
      if (!NUMBER.test(raw)) throw invalid(raw, field, column);
      return Number(raw);
    }
    case 'date': {
      const v = parseDate(raw);
      if (v === undefined) throw invalid(raw, field, column);
      return v;
    }
    case 'datetime': {
      const v = parseDatetime(raw);
      if (v === undefined) throw invalid(raw, field, column);
      return v;
    }
    case 'time': {
      const v = parseTime(raw);
      if (v === undefined) throw invalid(raw, field, column);
      return v;
    }
    default:
      return raw;
  }
}
