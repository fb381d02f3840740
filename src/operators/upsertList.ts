import { defer, type Observable } from 'rxjs';
import type { RecordOf, SObjectModel } from '../model/index.js';
import { listPromise, listSource } from './engine/operation.js';
import { upsertSpec } from './engine/specs.js';
import type { ListEvent, ListOptions, ListPromiseOptions, ListSaveResult } from '../sources/collections/types.js';

/** Upserts an array of records on an external id field; every record is validated before the first request. */
export function upsertList$<M extends SObjectModel<any>>(model: M, records: Iterable<Partial<RecordOf<M>>>, externalIdField: string, opts: ListOptions = {}): Observable<ListEvent<ListSaveResult>> {
  return defer(() => listSource(upsertSpec(model, externalIdField), records, opts));
}

/** Promise twin of {@link upsertList$}. */
export function upsertList<M extends SObjectModel<any>>(model: M, records: Iterable<Partial<RecordOf<M>>>, externalIdField: string, opts: ListPromiseOptions = {}): Promise<ListSaveResult[]> {
  return listPromise(upsertList$(model, records, externalIdField, opts), opts.onChunk);
}
