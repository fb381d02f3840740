import type { SchedulerLike } from 'rxjs';
import type { PullSource } from '../../util/rx/puller.js';
import type { PollingConfig } from '../../util/rx/poll.js';
import type { SalesforceClient } from '../../client/client.js';
import type { ColumnDelimiter, LineEnding } from '../../util/csv.js';

/** Bulk API 2.0 job states (SALESFORCE_API.md §7, §8). */
export type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

export type IngestOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';

/** Job info as `GET /jobs/ingest/{id}` or `/jobs/query/{id}` returns it; unknown keys are kept. */
export interface JobInfo {
  id: string;
  operation: string;
  object: string;
  state: JobState;
  externalIdFieldName?: string;
  contentType?: string;
  columnDelimiter?: ColumnDelimiter;
  lineEnding?: LineEnding;
  apiVersion?: number;
  jobType?: string;
  createdDate?: string;
  systemModstamp?: string;
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
  retries?: number;
  totalProcessingTime?: number;
  errorMessage?: string;
  [key: string]: unknown;
}

export const TERMINAL_STATES: readonly JobState[] = ['JobComplete', 'Failed', 'Aborted'];
export const isTerminal = (job: JobInfo): boolean => TERMINAL_STATES.includes(job.state);

export { POLLING_DEFAULTS, type PollingConfig } from '../../util/rx/poll.js';

/** Options every bulk operation takes. */
export interface BulkJobOptions {
  client?: SalesforceClient | string;
  polling?: Partial<PollingConfig>;
  /**
   * Client-side limit on waiting for the job to finish, counted from the end of the upload (query jobs: from their
   * creation). None by default: big jobs take hours. Ends with a `BulkTimeoutError`; the job is left running.
   */
  timeoutMs?: number;
  /** PATCH the job to Aborted when the subscriber leaves before a terminal state. Default true. */
  abortOnUnsubscribe?: boolean;
  /** Scheduler for polling and the timeout (virtual time in tests). Defaults to the client's. */
  scheduler?: SchedulerLike;
  columnDelimiter?: ColumnDelimiter;
  lineEnding?: LineEnding;
}

/** One ingest result matched back to the record that produced it. */
export interface SuccessfulResult<R> { record: R; id: string; created: boolean }
export interface FailedResult<R> { record: R; error: string }

/** A result row as Salesforce sent it, for streamed results (not matched back to inputs, which are not kept). */
export interface ResultRow {
  /** `sf__Id`, empty for failures of inserts. */
  id: string;
  /** `sf__Created` (successful rows). */
  created?: boolean;
  /** `sf__Error` as `CODE:message` (failed rows). */
  error?: string;
  /** The original columns, as uploaded. */
  row: Record<string, string>;
}

/**
 * What a bulk ingest emits, in order: job states as they are seen, upload progress, then the result.
 * Like Angular's HttpEvent: `filter(e => e.type === 'result')` when only the answer matters.
 */
export type BulkIngestEvent<R> =
  | { type: 'job'; job: JobInfo }
  | { type: 'upload'; bytes: number; records: number }
  /** A part whose answer proved it was not stored (an error page, a refused connection) is sent again. */
  | { type: 'partResent'; part: number; attempt: number; reason: string; delayMs: number }
  /**
   * A part of job `abortedJobId` was sent and its answer lost, so that job was aborted before it was closed (it
   * loaded nothing) and the ingest runs again, once, from the start of the input in the new job `jobId`.
   */
  | { type: 'rerun'; abortedJobId: string; jobId: string; reason: string }
  /** Streamed results (`results: 'stream'`), in pages. */
  | { type: 'successful'; rows: ResultRow[] }
  | { type: 'failed'; rows: ResultRow[] }
  | { type: 'unprocessed'; rows: ResultRow[] }
  /** Final emission with `results: 'collect'`: every input record in exactly one list. */
  | { type: 'result'; job: JobInfo; successful: SuccessfulResult<R>[]; failed: FailedResult<R>[]; unprocessed: R[] }
  /** Final emission with `results: 'stream'`: the counts of what was streamed. */
  | { type: 'summary'; job: JobInfo; successful: number; failed: number; unprocessed: number };

export type BulkIngestResult<R> = Extract<BulkIngestEvent<R>, { type: 'result' }>;
export type BulkIngestSummary = Extract<BulkIngestEvent<unknown>, { type: 'summary' }>;
export type BulkIngestFinal<R> = BulkIngestResult<R> | BulkIngestSummary;

/** What bulk ingest takes: an array or iterable, an async iterable (pulled as parts are uploaded), or an Observable. */
export type BulkInput<R> = PullSource<R>;
