import type { Observable } from 'rxjs';
import { bulkIngest$, finalEvent, type BulkIngestOptions } from './bulkIngest.js';
import type { BulkInput } from './types.js';
import type { BulkTarget } from './rows.js';
import type { BulkIngestEvent, BulkIngestFinal, BulkIngestResult } from './types.js';

/**
 * Updates records (by Id; an empty cell leaves a field alone, null sets it to null) with a Bulk API 2.0 job; emits job states, upload progress and, last, every record's outcome.
 *
 * @example
 * import { bulkUpdate$ } from 'rxforce';
 * bulkUpdate$(Account, rows, { client }).pipe(filter(e => e.type === 'result')).subscribe(r => console.log(r.failed));
 */
export function bulkUpdate$<R>(target: BulkTarget, records: BulkInput<R>, opts: BulkIngestOptions = {}): Observable<BulkIngestEvent<R>> {
  return bulkIngest$(target, 'update', records, opts);
}

/** Promise twin of `bulkUpdate$`: the final result (or the summary with `results: 'stream'`). */
export function bulkUpdate<R>(target: BulkTarget, records: BulkInput<R>, opts?: BulkIngestOptions & { results?: 'collect' }): Promise<BulkIngestResult<R>>;
export function bulkUpdate<R>(target: BulkTarget, records: BulkInput<R>, opts: BulkIngestOptions): Promise<BulkIngestFinal<R>>;
export function bulkUpdate<R>(target: BulkTarget, records: BulkInput<R>, opts: BulkIngestOptions = {}): Promise<BulkIngestFinal<R>> {
  return finalEvent(bulkUpdate$(target, records, opts));
}
