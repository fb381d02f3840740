import type { FailedResult, ResultRow, SuccessfulResult } from './types.js';
import { rowKey } from './rows.js';

/**
 * Matches result rows back to the input records without trusting row order and without an extra column: Salesforce
 * echoes the original columns exactly as uploaded, so the key of a record is its serialized row. Identical rows are
 * a multiset — each result takes the next unmatched input with that key, so duplicates are all accounted for.
 */
export class Reconciler<R> {
  private readonly pending = new Map<string, R[]>();
  readonly successful: SuccessfulResult<R>[] = [];
  readonly failed: FailedResult<R>[] = [];
  readonly unprocessed: R[] = [];
  /** Result rows that matched no input (should not happen; kept so nothing vanishes silently). */
  readonly unmatched: ResultRow[] = [];

  constructor(private readonly columns: readonly string[]) {}

  /** An input record and its key: `rowKey` of its cells as uploaded. */
  add(record: R, key: string): void {
    const list = this.pending.get(key);
    if (list) list.push(record); else this.pending.set(key, [record]);
  }

  private take(row: ResultRow): R | undefined {
    const key = rowKey(this.columns.map(c => row.row[c] ?? ''));
    const list = this.pending.get(key);
    if (!list || list.length === 0) { this.unmatched.push(row); return undefined; }
    const record = list.shift()!;
    if (list.length === 0) this.pending.delete(key);
    return record;
  }

  successes(rows: ResultRow[]): void {
    for (const row of rows) {
      const record = this.take(row);
      if (record !== undefined) this.successful.push({ record, id: row.id, created: row.created ?? false });
    }
  }

  failures(rows: ResultRow[]): void {
    for (const row of rows) {
      const record = this.take(row);
      if (record !== undefined) this.failed.push({ record, error: row.error ?? '' });
    }
  }

  unprocessedRows(rows: ResultRow[]): void {
    for (const row of rows) {
      const record = this.take(row);
      if (record !== undefined) this.unprocessed.push(record);
    }
  }

  /** Inputs no result mentioned count as unprocessed: every record ends in exactly one list. */
  finish(): void {
    for (const list of this.pending.values()) this.unprocessed.push(...list);
    this.pending.clear();
  }
}
