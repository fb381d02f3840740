import { defer, type OperatorFunction } from 'rxjs';
import type { RecordOf, SObjectModel } from '../model/index.js';
import { listOperator } from './engine/operation.js';
import { upsertSpec } from './engine/specs.js';
import type { ListEvent, ListOptions, ListSaveResult } from '../sources/collections/types.js';

/**
 * Creates or updates a stream of records matched on an external id field
 * (`PATCH /composite/sobjects/{T}/{externalIdField}`); each result says whether the record was `created`.
 *
 * ```ts
 * import { upsertRecords } from 'rxforce';
 * from(rows).pipe(upsertRecords(Account, 'External_Id__c', { client })).subscribe(e => …);
 * ```
 * @param externalIdField an External ID field of the model (or `Id`); anything else fails before any request
 */
export function upsertRecords<M extends SObjectModel<any>>(
  model: M,
  externalIdField: string,
  opts: ListOptions = {},
): OperatorFunction<Partial<RecordOf<M>>, ListEvent<ListSaveResult>> {
  return (source) => defer(() => source.pipe(listOperator<Partial<RecordOf<M>>, ListSaveResult>(upsertSpec(model, externalIdField), opts)));
}
