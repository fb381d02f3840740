/**
 * How stored wire values and SOQL literals compare: strings case-insensitively, ids by their 18-character form, dates
 * and datetimes as epoch ms, numbers as numbers. One comparable form per field kind keeps WHERE, ORDER BY and GROUP BY
 * consistent.
 */
import { checksum } from '../ids.js';
import type { FieldType } from '../types.js';

export type Kind = 'id' | 'string' | 'number' | 'boolean' | 'date' | 'datetime' | 'time' | 'multi';
export type Comparable = string | number | boolean;

export function kindOf(type: FieldType): Kind {
  switch (type) {
    case 'id': case 'reference': return 'id';
    case 'int': case 'double': case 'currency': case 'percent': case 'long': return 'number';
    case 'boolean': return 'boolean';
    case 'date': return 'date';
    case 'datetime': return 'datetime';
    case 'time': return 'time';
    case 'multipicklist': return 'multi';
    default: return 'string';
  }
}

/** The 18-character case-safe form of a 15-character record id (other strings unchanged). */
export function to18(id: string): string {
  return id.length === 15 ? id + checksum(id) : id;
}

/** Epoch ms of a wire datetime (`2013-05-20T20:49:32.000+0000`, `…Z`, `…+01:00`) or date (`2013-05-20`). */
export function parseDateTime(s: string): number {
  if (s.length === 10) return Date.parse(`${s}T00:00:00Z`);
  return Date.parse(s.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
}

/** The comparable form of a stored value, or null. */
export function comparable(kind: Kind, v: unknown): Comparable | null {
  if (v === null || v === undefined || v === '') return null;
  switch (kind) {
    case 'id': return to18(String(v));
    case 'number': return typeof v === 'number' ? v : Number(v);
    case 'boolean': return v === true || v === 'true';
    case 'date': case 'datetime': {
      const t = parseDateTime(String(v));
      return Number.isNaN(t) ? null : t;
    }
    case 'time': return String(v);
    default: return String(v).toLowerCase();
  }
}

/** Total order on comparables of one kind (false < true). */
export function compare(a: Comparable, b: Comparable): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lower-cased members of a multi-select picklist value (`a;b` → {a, b}). */
export function multiSet(v: unknown): Set<string> {
  if (v === null || v === undefined || v === '') return new Set();
  return new Set(String(v).split(';').map(s => s.trim().toLowerCase()).filter(s => s !== ''));
}
