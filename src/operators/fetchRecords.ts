import type { OperatorFunction } from 'rxjs';
import type { RecordOf, SObjectModel } from '../model/index.js';
import { fetchSpec } from './engine/specs.js';
import { listOperator } from './engine/operation.js';
import type { FetchResult, ListEvent, ListOptions } from '../sources/collections/types.js';

/**
 * Reads a stream of ids through `POST /composite/sobjects/{T}` (≤ 2,000 ids a request, every field of the model).
 * The `complete` event holds one `FetchResult` per id in input order; ids Salesforce answers `null` for (deleted,
 * unknown, not visible) come back as `{ id, found: false, record: null, errors: [NOT_FOUND] }`, never dropped.
 * `fetchList$` is the same for an array of ids.
 *
 * @param opts `batchSize` up to 2,000 (default 2,000)
 */
export function fetchRecords<M extends SObjectModel<any>>(model: M, opts: ListOptions = {}): OperatorFunction<string, ListEvent<FetchResult<RecordOf<M>>>> {
  return listOperator(fetchSpec(model), opts);
}
