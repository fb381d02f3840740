import type { Observable } from 'rxjs';
import { bulkIngest$, finalEvent, type BulkIngestOptions } from './bulkIngest.js';
import type { BulkInput } from './types.js';
import type { BulkTarget } from './rows.js';
import type { BulkIngestEvent, BulkIngestFinal, BulkIngestResult } from './types.js';

/**
 * Deletes records permanently (needs the "Bulk API Hard Delete" permission) with a Bulk API 2.0 job; emits job states, upload progress and, last, every record's outcome.
 *
 * @example
 * import { bulkHardDelete$ } from 'rxforce';
 * bulkHardDelete$(Account, rows, { client }).pipe(filter(e => e.type === 'result')).subscribe(r => console.log(r.failed));
 */
export function bulkHardDelete$<R>(target: BulkTarget, records: BulkInput<R>, opts: BulkIngestOptions = {}): Observable<BulkIngestEvent<R>> {
  return bulkIngest$(target, 'hardDelete', records, opts);
}

/** Promise twin of `bulkHardDelete$`: the final result (or the summary with `results: 'stream'`). */
export function bulkHardDelete<R>(target: BulkTarget, records: BulkInput<R>, opts?: BulkIngestOptions & { results?: 'collect' }): Promise<BulkIngestResult<R>>;
export function bulkHardDelete<R>(target: BulkTarget, records: BulkInput<R>, opts: BulkIngestOptions): Promise<BulkIngestFinal<R>>;
export function bulkHardDelete<R>(target: BulkTarget, records: BulkInput<R>, opts: BulkIngestOptions = {}): Promise<BulkIngestFinal<R>> {
  return finalEvent(bulkHardDelete$(target, records, opts));
}
