import { API } from './fixtures.js';

/** `n` raw Account rows as the REST query resource returns them, ids and names numbered from `from`. */
export function accountRows(n: number, from = 0): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    attributes: { type: 'Account', url: `${API}/sobjects/Account/001x${String(from + i).padStart(11, '0')}` },
    Id: `001x${String(from + i).padStart(11, '0')}`,
    Name: `Account ${from + i}`,
  }));
}

/** One query page body. */
export function page(records: Record<string, unknown>[], totalSize: number, next?: string): Record<string, unknown> {
  return next ? { totalSize, done: false, nextRecordsUrl: next, records } : { totalSize, done: true, records };
}
