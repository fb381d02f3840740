import { isSalesforceError, NetworkError, ValidationError } from '../../client/errors.js';
import type { ListSaveResult, SaveError } from './types.js';

/** Per-record status codes rxforce adds for records whose request failed or was never sent. */
export const REQUEST_FAILED = 'REQUEST_FAILED';
export const NOT_ATTEMPTED = 'NOT_ATTEMPTED';
/** A record the client refused (the model's validation) and never sent. */
export const INVALID_INPUT = 'INVALID_INPUT';
/** A create whose connection dropped after it was sent: the records may or may not exist, so it is never re-sent. */
export const AMBIGUOUS_REQUEST = 'AMBIGUOUS_REQUEST';
/** Salesforce's per-record code for a row another transaction holds; worth re-sending that record alone. */
export const UNABLE_TO_LOCK_ROW = 'UNABLE_TO_LOCK_ROW';
export const ALL_OR_NONE_ROLLED_BACK = 'ALL_OR_NONE_OPERATION_ROLLED_BACK';
/** Salesforce's per-record code for deleting a row that is already in the recycle bin. */
export const ENTITY_IS_DELETED = 'ENTITY_IS_DELETED';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The result of a record whose batch request failed (it may or may not have reached the org). */
export function requestFailed(id: string | null, error: unknown): ListSaveResult {
  if (error instanceof ValidationError) {
    return { id, success: false, errors: [{ statusCode: INVALID_INPUT, message: error.message, fields: error.field ? [error.field] : [] }] };
  }
  const statusCode = isSalesforceError(error) ? error.errorCode : REQUEST_FAILED;
  const fields = isSalesforceError(error) ? (error.fields ?? []) : [];
  return { id, success: false, errors: [{ statusCode, message: messageOf(error), fields }] };
}

/**
 * The result of a record whose create request may have reached the org (the connection dropped after sending):
 * re-sending could duplicate it, so the caller reconciles (query by an external id) or upserts instead.
 */
export function ambiguous(error: unknown): ListSaveResult {
  return {
    id: null,
    success: false,
    errors: [{ statusCode: AMBIGUOUS_REQUEST, message: `The create may or may not have been saved: ${messageOf(error)}`, fields: [] }],
  };
}

/** The result of a record never sent because an earlier batch failed and `continueOnError` was off. */
export function notAttempted(id: string | null, error: unknown): ListSaveResult {
  return {
    id,
    success: false,
    errors: [{ statusCode: NOT_ATTEMPTED, message: `Not sent: an earlier batch failed (${messageOf(error)})`, fields: [] }],
  };
}

function toSaveError(raw: unknown): SaveError {
  const e = (raw ?? {}) as Record<string, unknown>;
  return {
    statusCode: String(e.statusCode ?? e.errorCode ?? 'UNKNOWN_EXCEPTION'),
    message: String(e.message ?? ''),
    fields: Array.isArray(e.fields) ? e.fields.map(String) : [],
  };
}

/** One entry of a collections response → a result. */
export function toSaveResult(raw: unknown): ListSaveResult {
  const r = (raw ?? {}) as Record<string, unknown>;
  const result: ListSaveResult = {
    id: typeof r.id === 'string' ? r.id : null,
    success: r.success === true,
    errors: Array.isArray(r.errors) ? r.errors.map(toSaveError) : [],
  };
  if (typeof r.created === 'boolean') result.created = r.created;
  return result;
}

/** A collections response body → one result per sent record, or a thrown error when its shape is wrong. */
export function parseSaveResults(data: unknown, expected: number): ListSaveResult[] {
  if (!Array.isArray(data) || data.length !== expected) {
    throw new Error(`sObject Collections answered ${Array.isArray(data) ? `${data.length} results` : 'no result array'} for ${expected} records`);
  }
  return data.map(toSaveResult);
}

export function isLocked(result: ListSaveResult): boolean {
  return !result.success && result.errors.some((e) => e.statusCode === UNABLE_TO_LOCK_ROW);
}

/**
 * Which results to re-send after UNABLE_TO_LOCK_ROW. Without allOrNone only the locked records; with allOrNone the
 * whole batch was rolled back, so all of it — but only when the lock is the sole real failure.
 */
export function lockedPositions(results: ListSaveResult[], allOrNone: boolean): number[] {
  const locked = results.flatMap((r, i) => (isLocked(r) ? [i] : []));
  if (!allOrNone || locked.length === 0) return locked;
  const onlyLocks = results.every(
    (r) => r.success || isLocked(r) || r.errors.every((e) => e.statusCode === ALL_OR_NONE_ROLLED_BACK),
  );
  return onlyLocks ? results.map((_r, i) => i) : [];
}

/** Whether an earlier attempt of a re-sent request may have been applied: its connection dropped after sending. */
export function mayHaveBeenApplied(earlier: readonly unknown[] | undefined): boolean {
  return !!earlier && earlier.some((e) => e instanceof NetworkError && e.sent);
}

/**
 * Delete results of a request the client re-sent after an attempt that may have been applied: a row that answers
 * ENTITY_IS_DELETED was most likely deleted by that attempt, and either way it is gone as asked, so it is a success.
 * A first-time answer keeps ENTITY_IS_DELETED as the failure it is.
 */
export function deletedOnResend(results: ListSaveResult[], earlier: readonly unknown[] | undefined): ListSaveResult[] {
  if (!mayHaveBeenApplied(earlier)) return results;
  return results.map((r) =>
    !r.success && r.errors.length > 0 && r.errors.every((e) => e.statusCode === ENTITY_IS_DELETED) ? { id: r.id, success: true, errors: [] } : r,
  );
}
