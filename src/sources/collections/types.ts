import type { Observable } from 'rxjs';
import type { SalesforceClient } from '../../client/client.js';
import type { SObjectModel } from '../../model/index.js';

/** One per-record error, as sObject Collections report it (`statusCode`, not `errorCode`). */
export interface SaveError {
  statusCode: string;
  message: string;
  fields: string[];
}

/**
 * The outcome of one input record of a list save (the single-record `SaveResult` throws instead of failing). Every
 * input record gets exactly one: success, failure with the Salesforce error, `REQUEST_FAILED` (its batch's request failed; the error is in `message`),
 * `AMBIGUOUS_REQUEST` (a create whose connection dropped after sending: it may exist, and is never re-sent) or
 * `NOT_ATTEMPTED` (never sent because an earlier batch failed and `continueOnError` was off).
 */
export interface ListSaveResult {
  id: string | null;
  success: boolean;
  /** Upserts only: whether the record was created. */
  created?: boolean;
  errors: SaveError[];
}

/** The outcome of one requested id of `fetchList$`: ids Salesforce answers `null` for are reported, never dropped. */
export type FetchResult<R> =
  | { id: string; found: true; record: R }
  | { id: string; found: false; record: null; errors: SaveError[] };

/** What one batch was, for progress bars and logs. */
export interface BatchInfo {
  /** Batch number in the order batches were formed (0-based); progress events may arrive out of this order. */
  index: number;
  /** Records in the batch. */
  size: number;
  /** Input position of the batch's first record. */
  first: number;
  succeeded: number;
  failed: number;
  /** Requests sent for this batch (more than 1 when UNABLE_TO_LOCK_ROW records were retried). */
  attempts: number;
  /** The transport error, when the whole batch's request failed. */
  error?: unknown;
}

/** Emitted after each batch settles. `done` counts settled records (succeeded or failed); `failed` is part of `done`. */
export interface ListProgress {
  type: 'progress';
  done: number;
  failed: number;
  total?: number;
  batch: BatchInfo;
}

/** The last emission: one result per input record, in input order. */
export interface ListComplete<R> {
  type: 'complete';
  results: R[];
  done: number;
  failed: number;
  /** Records never sent (an earlier batch's request failed and `continueOnError` was off). */
  notAttempted: number;
  /** The request failure that stopped the operation, if one did. */
  error?: unknown;
}

export type ListEvent<R> = ListProgress | ListComplete<R>;

/** Options shared by every list operation. */
export interface ListOptions {
  /** A client, the name of a registered one, or nothing for the default connection. */
  client?: SalesforceClient | string;
  /** Records per request: ≤ 200 for saves (≤ 2,000 ids for `fetchList$`). Default 200 (2,000). */
  batchSize?: number;
  /** Batches in flight at once for this operation (the client's `maxConcurrent` still caps the total). Default 5. */
  concurrency?: number;
  /** Roll back a whole batch when one record fails. Default false. */
  allOrNone?: boolean;
  /**
   * When a batch's request fails (network, 5xx after the client's retries…), its records are reported as failed
   * with that error; then `false` (default) stops — later batches are reported `NOT_ATTEMPTED` — and `true` goes on.
   */
  continueOnError?: boolean;
  /** Number of input records, when known, so progress events carry `total`. */
  total?: number;
  /** Attempts for records that fail with UNABLE_TO_LOCK_ROW, including the first. Default 3. */
  lockRetries?: number;
  /** Base delay (ms) before re-sending locked records; doubles each attempt. Default 200. */
  lockRetryDelayMs?: number;
}

/** Promise twins take a progress callback, called as each batch settles. */
export interface ListPromiseOptions extends ListOptions {
  onChunk?: (progress: ListProgress) => void;
}

export interface UpdateOptions extends ListOptions {
  /** Send only fields changed since the record was fetched; unchanged records succeed without a request. */
  onlyChanges?: boolean;
}

export const DEFAULTS = {
  batchSize: 200,
  fetchBatchSize: 2000,
  concurrency: 5,
  allOrNone: false,
  continueOnError: false,
  lockRetries: 3,
  lockRetryDelayMs: 200,
  /** ≤ 200 records per collection call. */
  maxBatchSize: 200,
  /** ≤ 2,000 ids per retrieve POST. */
  maxFetchBatchSize: 2000,
  /** ≤ 10 consecutive same-type chunks per collection call with mixed types. */
  maxChunks: 10,
} as const;

/** One input record after validation, ready to be batched. */
export interface Prepared {
  /** Input position. */
  index: number;
  /** sObject type, the chunk key. */
  type: string;
  /** What goes on the wire for it: a record body or an id. */
  payload: unknown;
  /** Settled without a request (an update with no changes). */
  settled?: unknown;
  /** Must go alone through the single-record path (records that carry a blob). */
  alone?: boolean;
  /** The caller's record, for change tracking after a successful save and for the single-record path. */
  record?: object;
  /** The record's model (save kinds). */
  model?: SObjectModel<any>;
  /** The record failed client-side validation (operator form): never sent. */
  invalid?: unknown;
}

/** A batch as the engine hands it to a kind's `send$`. */
export interface Batch {
  index: number;
  items: Prepared[];
}

/** What differs between create, update, upsert, delete and retrieve. */
export interface CollectionKind<R> {
  /** Most records per request for this kind. */
  maxBatchSize: number;
  /** Whether mixed types are allowed and the 10-chunk rule applies. */
  chunked: boolean;
  /** Sends one batch; emits one result per item, in item order, then completes. Errors mean the request failed. */
  send$(client: SalesforceClient, batch: Batch): Observable<{ results: R[]; attempts: number }>;
  isSuccess(result: R): boolean;
  /** The result of an item whose request failed. */
  failed(item: Prepared, error: unknown, notAttempted: boolean): R;
}
