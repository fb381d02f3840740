import type { OperatorFunction } from 'rxjs';
import type { RecordOf, SObjectModel } from '../model/index.js';
import { listOperator } from './engine/operation.js';
import { insertSpec } from './engine/specs.js';
import type { ListEvent, ListOptions, ListSaveResult } from '../sources/collections/types.js';

/**
 * Creates a stream of records through sObject Collections (`POST /composite/sobjects`, ≤ 200 a request), keeping
 * `concurrency` requests in flight. Emits a progress event per batch and finally `{ type: 'complete', results }`
 * with one result per input record in input order. Per-record failures are results, not stream errors.
 *
 * Each record is validated by its model as it arrives; an invalid one errors the stream with a ValidationError
 * naming the record index, field and reason. Records carrying a blob go one at a time through the single-record
 * multipart path. On success the new id is written to the record's `Id`.
 *
 * ```ts
 * import { insertRecords, results } from 'rxforce';
 * const saved = await lastValueFrom(from(rows).pipe(insertRecords(Account, { client, concurrency: 5 }), results()));
 * ```
 * @param model the records' model, or several models when records of different types share the stream (each record
 *   then names its type in `attributes.type`; batches keep to Salesforce's 10-chunk rule)
 */
export function insertRecords<M extends SObjectModel<any>>(model: M, opts?: ListOptions): OperatorFunction<Partial<RecordOf<M>>, ListEvent<ListSaveResult>>;
export function insertRecords(models: readonly SObjectModel<any>[], opts?: ListOptions): OperatorFunction<object, ListEvent<ListSaveResult>>;
export function insertRecords(models: SObjectModel<any> | readonly SObjectModel<any>[], opts: ListOptions = {}): OperatorFunction<object, ListEvent<ListSaveResult>> {
  return listOperator(insertSpec(models), opts);
}
