import type { SObjectModel, WriteOp } from '../../model/index.js';
import { changedFields } from '../../model/index.js';

/**
 * `model.toWire` for a save, letting a browser `Blob`/`File` through in the blob field: the model validates bytes
 * as a Uint8Array, so a Blob is set aside for validation and sent by the multipart body instead.
 */
export function wireFor(model: SObjectModel<any>, record: object, op: WriteOp, onlyChanges = false): Record<string, unknown> {
  const blobField = model.blobField;
  const value = blobField ? (record as Record<string, unknown>)[blobField] : undefined;
  if (!blobField || typeof Blob === 'undefined' || !(value instanceof Blob)) {
    return model.toWire(record, op, { onlyChanges });
  }
  const wire = model.toWire({ ...record, [blobField]: new Uint8Array(0) }, op); // placeholder bytes pass validation
  delete wire[blobField];
  if (!onlyChanges) return wire;
  const changed = new Set(changedFields(model, record));
  const kept: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(wire)) if (changed.has(name) || name === 'Id') kept[name] = v;
  return kept;
}
