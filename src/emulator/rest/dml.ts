/** Maps store results to single-record REST answers (collections keep per-record errors instead). */
import type { DmlResult, RecordError } from '../types.js';
import { SfHttpError } from '../types.js';

export function restErrors(errors: RecordError[]): unknown[] {
  return errors.map(e => ({ message: e.message, errorCode: e.statusCode, fields: e.fields }));
}

/** Status for a failed single-record DML: 404 for missing/deleted rows, 400 otherwise. */
export function failureStatus(r: DmlResult & { success: false }): number {
  const code = r.errors[0]?.statusCode;
  return code === 'ENTITY_IS_DELETED' || code === 'NOT_FOUND' ? 404 : 400;
}

export class DmlFailure extends SfHttpError {
  constructor(readonly result: DmlResult & { success: false }) {
    super(failureStatus(result), result.errors[0]?.statusCode ?? 'UNKNOWN_EXCEPTION', result.errors[0]?.message ?? '');
  }
}
