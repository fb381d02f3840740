import type { OperatorFunction } from 'rxjs';
import type { RecordOf, SObjectModel } from '../model/index.js';
import { listOperator } from './engine/operation.js';
import { updateSpec } from './engine/specs.js';
import type { ListEvent, ListSaveResult, UpdateOptions } from '../sources/collections/types.js';

/**
 * Updates a stream of records by `Id` through sObject Collections (`PATCH /composite/sobjects`). With `onlyChanges`
 * only fields changed since the record was fetched are sent, and unchanged records succeed without any request.
 * Emits progress per batch, then `complete` with results in input order.
 *
 * ```ts
 * import { updateRecords } from 'rxforce';
 * from(accounts).pipe(updateRecords(Account, { client, onlyChanges: true })).subscribe(e => …);
 * ```
 * @param model the records' model, or several (records then carry `attributes.type`)
 */
export function updateRecords<M extends SObjectModel<any>>(model: M, opts?: UpdateOptions): OperatorFunction<Partial<RecordOf<M>>, ListEvent<ListSaveResult>>;
export function updateRecords(models: readonly SObjectModel<any>[], opts?: UpdateOptions): OperatorFunction<object, ListEvent<ListSaveResult>>;
export function updateRecords(models: SObjectModel<any> | readonly SObjectModel<any>[], opts: UpdateOptions = {}): OperatorFunction<object, ListEvent<ListSaveResult>> {
  return listOperator(updateSpec(models, opts.onlyChanges), opts);
}
