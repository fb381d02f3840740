import type { Observable } from 'rxjs';
import { bulkIngest$, finalEvent, type BulkIngestOptions } from './bulkIngest.js';
import type { BulkInput } from './types.js';
import type { BulkTarget } from './rows.js';
import type { BulkIngestEvent, BulkIngestFinal, BulkIngestResult } from './types.js';

/**
 * Inserts records with a Bulk API 2.0 job; emits job states, upload progress and, last, every record's outcome.
 *
 * @example
 * import { bulkInsert$ } from 'rxforce';
 * bulkInsert$(Account, rows, { client }).pipe(filter(e => e.type === 'result')).subscribe(r => console.log(r.failed));
 */
export function bulkInsert$<R>(target: BulkTarget, records: BulkInput<R>, opts: BulkIngestOptions = {}): Observable<BulkIngestEvent<R>> {
  return bulkIngest$(target, 'insert', records, opts);
}

/** Promise twin of `bulkInsert$`: the final result (or the summary with `results: 'stream'`). */
export function bulkInsert<R>(target: BulkTarget, records: BulkInput<R>, opts?: BulkIngestOptions & { results?: 'collect' }): Promise<BulkIngestResult<R>>;
export function bulkInsert<R>(target: BulkTarget, records: BulkInput<R>, opts: BulkIngestOptions): Promise<BulkIngestFinal<R>>;
export function bulkInsert<R>(target: BulkTarget, records: BulkInput<R>, opts: BulkIngestOptions = {}): Promise<BulkIngestFinal<R>> {
  return finalEvent(bulkInsert$(target, records, opts));
}
