import type { RecordOf, SObjectModel } from '../../model/index.js';
import { fetchKind } from '../../sources/collections/fetchKind.js';
import type { OperationSpec } from './operation.js';
import { trackSaved } from './operation.js';
import { externalIdFieldOf, prepareDelete, prepareFetchId, prepareSave, type Models } from '../../sources/collections/prepare.js';
import { saveKind, type SaveOp } from '../../sources/collections/saveKind.js';
import { DEFAULTS, type FetchResult, type ListSaveResult } from '../../sources/collections/types.js';

function spec(op: SaveOp, prepare: OperationSpec<ListSaveResult>['prepare'], extra: { sobject?: string; externalIdField?: string; onlyChanges?: boolean } = {}): OperationSpec<ListSaveResult> {
  return {
    maxBatchSize: DEFAULTS.maxBatchSize,
    defaultBatchSize: DEFAULTS.batchSize,
    prepare,
    kind: (checked) =>
      saveKind({
        op,
        allOrNone: checked.allOrNone,
        lockRetries: checked.lockRetries,
        lockRetryDelayMs: checked.lockRetryDelayMs,
        ...extra,
        onSaved: (item, result) => trackSaved(item, result.id, op),
      }),
  };
}

/** Create through `POST /composite/sobjects`. */
export function insertSpec(models: Models): OperationSpec<ListSaveResult> {
  return spec('insert', (input, index) => prepareSave({ op: 'insert', models }, input, index));
}

/** Update through `PATCH /composite/sobjects`; with onlyChanges, records with nothing changed are not sent. */
export function updateSpec(models: Models, onlyChanges = false): OperationSpec<ListSaveResult> {
  return spec('update', (input, index) => prepareSave({ op: 'update', models, onlyChanges }, input, index), { onlyChanges });
}

/** Upsert through `PATCH /composite/sobjects/{T}/{field}` (one type per request). */
export function upsertSpec(model: SObjectModel<any>, externalIdField: string): OperationSpec<ListSaveResult> {
  const field = externalIdFieldOf(model, externalIdField);
  return spec('upsert', (input, index) => prepareSave({ op: 'upsert', models: model, externalIdField: field }, input, index), {
    sobject: model.apiName,
    externalIdField: field,
  });
}

/** Delete through `DELETE /composite/sobjects?ids=…` (mixed types allowed). */
export function deleteSpec(model?: SObjectModel<any>): OperationSpec<ListSaveResult> {
  return spec('delete', (input, index) => prepareDelete(model, input, index));
}

/** Retrieve through `POST /composite/sobjects/{T}` with the model's fields. */
export function fetchSpec<M extends SObjectModel<any>>(model: M): OperationSpec<FetchResult<RecordOf<M>>> {
  return {
    maxBatchSize: DEFAULTS.maxFetchBatchSize,
    defaultBatchSize: DEFAULTS.fetchBatchSize,
    prepare: (input, index) => prepareFetchId(model, input, index),
    kind: () => fetchKind(model),
  };
}
