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
  // the form the store writes every datetime in: read by position (WHERE and ORDER BY call this once per row)
  if (s.length === 28 && s.charCodeAt(10) === 84 /* T */ && s.charCodeAt(19) === 46 /* . */ && s.endsWith('+0000')) {
    const n = (at: number, width: number) => {
      let v = 0;
      for (let i = at; i < at + width; i++) {
        const c = s.charCodeAt(i) - 48;
        if (c < 0 || c > 9) return NaN;
        v = v * 10 + c;
      }
      return v;
    };
    const t = Date.UTC(n(0, 4), n(5, 2) - 1, n(8, 2), n(11, 2), n(14, 2), n(17, 2), n(20, 3));
    if (!Number.isNaN(t)) return t;
  }
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
