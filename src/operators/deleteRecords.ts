import type { OperatorFunction } from 'rxjs';
import type { SObjectModel } from '../model/index.js';
import { listOperator } from './engine/operation.js';
import { deleteSpec } from './engine/specs.js';
import type { ListEvent, ListOptions, ListSaveResult } from '../sources/collections/types.js';

/** What `deleteRecords` takes: ids, or records with an `Id`. */
export type DeleteInput = string | { Id?: string | null };

/**
 * Deletes a stream of ids (or records with `Id`) through `DELETE /composite/sobjects?ids=…`, ≤ 200 a request.
 * Ids of several objects may share the stream; batches keep to Salesforce's 10-chunk rule by key prefix.
 *
 * ```ts
 * import { deleteRecords } from 'rxforce';
 * from(ids).pipe(deleteRecords({ client })).subscribe(e => …);
 * ```
 * @param model optional: names the object in validation errors
 */
export function deleteRecords(opts?: ListOptions): OperatorFunction<DeleteInput, ListEvent<ListSaveResult>>;
export function deleteRecords(model: SObjectModel<any>, opts?: ListOptions): OperatorFunction<DeleteInput, ListEvent<ListSaveResult>>;
export function deleteRecords(modelOrOpts?: SObjectModel<any> | ListOptions, maybeOpts?: ListOptions): OperatorFunction<DeleteInput, ListEvent<ListSaveResult>> {
  const isModel = !!modelOrOpts && typeof (modelOrOpts as SObjectModel<any>).toWire === 'function';
  const model = isModel ? (modelOrOpts as SObjectModel<any>) : undefined;
  const opts = (isModel ? maybeOpts : (modelOrOpts as ListOptions | undefined)) ?? {};
  return listOperator(deleteSpec(model), opts);
}
