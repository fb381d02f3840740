import type { Observable } from 'rxjs';
import { bulkIngest$, finalEvent, type BulkIngestOptions } from './bulkIngest.js';
import type { BulkInput } from './types.js';
import type { BulkTarget } from './rows.js';
import type { BulkIngestEvent, BulkIngestFinal, BulkIngestResult } from './types.js';

/**
 * Upserts records on an external id field with a Bulk API 2.0 job; `created` in each success tells insert from update.
 *
 * @example
 * import { bulkUpsert$ } from 'rxforce';
 * bulkUpsert$(Account, rows, 'External_Id__c', { client }).subscribe(e => console.log(e.type));
 */
export function bulkUpsert$<R>(target: BulkTarget, records: BulkInput<R>, externalIdField: string, opts: BulkIngestOptions = {}): Observable<BulkIngestEvent<R>> {
  return bulkIngest$(target, 'upsert', records, { ...opts, externalIdField });
}

/** Promise twin of `bulkUpsert$`. */
export function bulkUpsert<R>(target: BulkTarget, records: BulkInput<R>, externalIdField: string, opts?: BulkIngestOptions & { results?: 'collect' }): Promise<BulkIngestResult<R>>;
export function bulkUpsert<R>(target: BulkTarget, records: BulkInput<R>, externalIdField: string, opts: BulkIngestOptions): Promise<BulkIngestFinal<R>>;
export function bulkUpsert<R>(target: BulkTarget, records: BulkInput<R>, externalIdField: string, opts: BulkIngestOptions = {}): Promise<BulkIngestFinal<R>> {
  return finalEvent(bulkUpsert$(target, records, externalIdField, opts));
}
