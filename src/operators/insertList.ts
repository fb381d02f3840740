import type { Observable } from 'rxjs';
import type { RecordOf, SObjectModel } from '../model/index.js';
import { listPromise, listSource } from './engine/operation.js';
import { insertSpec } from './engine/specs.js';
import type { ListEvent, ListOptions, ListPromiseOptions, ListSaveResult } from '../sources/collections/types.js';

/**
 * Creates an array of records through sObject Collections; every record is validated before the first request.
 * Emits progress per batch, then `complete` with results in input order (see `insertRecords` for streams).
 *
 * ```ts
 * import { insertList$ } from 'rxforce';
 * insertList$(Account, rows, { client }).subscribe(e => e.type === 'progress' && bar.update(e.done));
 * ```
 */
export function insertList$<M extends SObjectModel<any>>(model: M | readonly SObjectModel<any>[], records: Iterable<Partial<RecordOf<M>>>, opts: ListOptions = {}): Observable<ListEvent<ListSaveResult>> {
  return listSource(insertSpec(model), records, opts);
}

/** Promise twin of {@link insertList$}: resolves to one result per record, in input order. */
export function insertList<M extends SObjectModel<any>>(model: M | readonly SObjectModel<any>[], records: Iterable<Partial<RecordOf<M>>>, opts: ListPromiseOptions = {}): Promise<ListSaveResult[]> {
  return listPromise(insertList$(model, records, opts), opts.onChunk);
}
