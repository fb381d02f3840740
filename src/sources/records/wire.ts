import type { SObjectModel, WriteOp } from '../../model/index.js';

/**
 * `model.toWire` for a single-record save: a browser `Blob`/`File` in the blob field stays in the wire record as it
 * is, for `saveBody$` to read and send as a multipart part (or base64 in an upsert).
 */
export function wireFor(model: SObjectModel<any>, record: object, op: WriteOp, onlyChanges = false): Record<string, unknown> {
  return model.toWire(record, op, { onlyChanges, keepBlob: true });
}
