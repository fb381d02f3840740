import type { Observable } from 'rxjs';
import type { RecordOf, SObjectModel } from '../model/index.js';
import { listPromise, listSource } from './engine/operation.js';
import { updateSpec } from './engine/specs.js';
import type { ListEvent, ListPromiseOptions, ListSaveResult, UpdateOptions } from '../sources/collections/types.js';

/**
 * Updates an array of records by `Id` through sObject Collections; every record is validated before the first
 * request. With `onlyChanges`, unchanged records succeed without a request.
 */
export function updateList$<M extends SObjectModel<any>>(model: M | readonly SObjectModel<any>[], records: Iterable<Partial<RecordOf<M>>>, opts: UpdateOptions = {}): Observable<ListEvent<ListSaveResult>> {
  return listSource(updateSpec(model, opts.onlyChanges), records, opts);
}

/** Promise twin of {@link updateList$}. */
export function updateList<M extends SObjectModel<any>>(model: M | readonly SObjectModel<any>[], records: Iterable<Partial<RecordOf<M>>>, opts: UpdateOptions & ListPromiseOptions = {}): Promise<ListSaveResult[]> {
  return listPromise(updateList$(model, records, opts), opts.onChunk);
}
