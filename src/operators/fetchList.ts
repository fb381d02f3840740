import type { Observable } from 'rxjs';
import type { RecordOf, SObjectModel } from '../model/index.js';
import { fetchSpec } from './engine/specs.js';
import { listPromise, listSource } from './engine/operation.js';
import type { FetchResult, ListEvent, ListOptions, ListPromiseOptions } from '../sources/collections/types.js';

/**
 * Reads records by id through `POST /composite/sobjects/{T}` `{ ids, fields }`: ≤ 2,000 ids a request (`batchSize`,
 * default 2,000), every field of the model, `concurrency` requests in flight. Every id is checked before the first
 * request. Emits progress per request, then `{ type: 'complete', results }` with one `FetchResult` per id in input
 * order: `{ id, found: true, record }`, or `{ id, found: false, record: null, errors }` for ids Salesforce answers
 * `null` for (deleted, unknown or not visible: `NOT_FOUND`) and for ids whose request failed — never dropped.
 *
 * ```ts
 * import { fetchList$ } from 'rxforce';
 * const { results } = await lastValueFrom(fetchList$(Account, ids, { client, concurrency: 5 }));
 * const accounts = results.flatMap(r => (r.found ? [r.record] : []));
 * ```
 */
export function fetchList$<M extends SObjectModel<any>>(model: M, ids: Iterable<string>, opts: ListOptions = {}): Observable<ListEvent<FetchResult<RecordOf<M>>>> {
  return listSource(fetchSpec(model), ids, opts);
}

/** Promise twin of {@link fetchList$}: resolves to one `FetchResult` per id, in input order. */
export function fetchList<M extends SObjectModel<any>>(model: M, ids: Iterable<string>, opts: ListPromiseOptions = {}): Promise<FetchResult<RecordOf<M>>[]> {
  return listPromise(fetchList$(model, ids, opts), opts.onChunk);
}
