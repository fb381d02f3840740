import {
  catchError, defer, EMPTY, expand, from, lastValueFrom, map, mergeMap, Observable, of, throwError, toArray, type SchedulerLike,
} from 'rxjs';
import { resolveClient, type SalesforceClient } from '../../client/client.js';
import type { ColumnDelimiter, LineEnding } from '../../util/csv.js';
import { csvRows$ } from '../../util/rx/text.js';
import { bulkTransfer } from './transfer.js';
import { pollWithBackoff } from '../../util/rx/poll.js';
import { withTimeout } from './jobTimeout.js';
import type { ByteStream } from './upload.js';
import { isTerminal, type IngestOperation, type JobInfo, type JobState, type PollingConfig, type ResultRow } from './types.js';

/** States a job reaches only once its upload was closed. */
const CLOSED_STATES: readonly JobState[] = ['UploadComplete', 'InProgress', 'JobComplete', 'Failed'];

/** What `POST /jobs/ingest` takes. */
export interface IngestJobSpec {
  object: string;
  operation: IngestOperation;
  externalIdFieldName?: string;
  columnDelimiter?: ColumnDelimiter;
  lineEnding?: LineEnding;
  assignmentRuleId?: string;
}

export interface IngestJobOptions {
  client?: SalesforceClient | string;
  scheduler?: SchedulerLike;
}

export interface PollOptions {
  polling?: Partial<PollingConfig>;
  timeoutMs?: number;
}

/**
 * A Bulk API 2.0 ingest job on the server, for step-by-step use and for resuming one by id.
 *
 * @example
 * const job = await BulkIngestJob.create({ object: 'Account', operation: 'insert' }, { client });
 * await lastValueFrom(job.upload$('Name\nAcme\n'));
 * await lastValueFrom(job.close$());
 * const done = await lastValueFrom(job.poll$());
 */
export class BulkIngestJob {
  /** The last job info seen. */
  info: JobInfo | undefined;

  private constructor(readonly client: SalesforceClient, readonly id: string, info: JobInfo | undefined, private readonly scheduler?: SchedulerLike) {
    this.info = info;
  }

  /** Creates the job (state Open). Cold: one job per subscription. */
  static create$(spec: IngestJobSpec, opts: IngestJobOptions = {}): Observable<BulkIngestJob> {
    return defer(() => {
      const client = resolveClient(opts.client);
      const body: Record<string, unknown> = { object: spec.object, operation: spec.operation, contentType: 'CSV' };
      if (spec.externalIdFieldName) body.externalIdFieldName = spec.externalIdFieldName;
      if (spec.columnDelimiter) body.columnDelimiter = spec.columnDelimiter;
      if (spec.lineEnding) body.lineEnding = spec.lineEnding;
      if (spec.assignmentRuleId) body.assignmentRuleId = spec.assignmentRuleId;
      // Safe to re-send: a create whose answer was lost leaves at most an empty Open job behind, which holds no
      // records and which Salesforce deletes after 7 days; nothing a user gave us is written twice.
      return client.request$<JobInfo>({ method: 'POST', path: 'jobs/ingest', data: body, idempotent: true }).pipe(
        map(res => new BulkIngestJob(client, res.data.id, res.data, opts.scheduler ?? client.scheduler)),
      );
    });
  }

  static create(spec: IngestJobSpec, opts: IngestJobOptions = {}): Promise<BulkIngestJob> {
    return lastValueFrom(BulkIngestJob.create$(spec, opts));
  }

  /** A handle on an existing job (to resume polling or read results); sends nothing. */
  static attach(id: string, opts: IngestJobOptions = {}): BulkIngestJob {
    const client = resolveClient(opts.client);
    return new BulkIngestJob(client, id, undefined, opts.scheduler ?? client.scheduler);
  }

  private get path(): string { return `jobs/ingest/${this.id}`; }

  /**
   * `PUT …/batches` with one part of CSV (≤ 100 MB raw; several parts are allowed while the job is Open). Each PUT
   * appends, so a PUT whose answer was lost is not re-sent: its rows could be loaded twice. The client re-sends only
   * a PUT that provably never left it; `retry: false` leaves even that to the caller (a stream body is read once).
   */
  upload$(csv: string | Uint8Array | Blob | { stream: ByteStream; bytes: number }, opts: { retry?: false } = {}): Observable<void> {
    // a Blob has a stream() method too: a streamed part is told apart by its byte count
    const streamed = typeof csv === 'object' && typeof (csv as { bytes?: unknown }).bytes === 'number'
      ? csv as { stream: ByteStream; bytes: number } : undefined;
    const headers: Record<string, string> = { 'Content-Type': 'text/csv' };
    if (streamed) headers['Content-Length'] = String(streamed.bytes);
    return defer(() => this.client.request$({
      method: 'PUT', path: `${this.path}/batches`, data: streamed ? streamed.stream : csv, headers, responseType: 'text',
      idempotent: false, transfer: true, ...(opts.retry === false ? { retry: false as const } : {}),
    })).pipe(map(() => undefined));
  }

  /**
   * Marks the upload complete: processing starts only then. The PATCH is re-sent when its answer is lost, and the
   * re-sent one finds the job already closed; so on any failure the job's state decides: a job past Open
   * (UploadComplete, InProgress, JobComplete, Failed) was closed, and that info is the answer.
   */
  close$(): Observable<JobInfo> {
    return this.patchState$('UploadComplete').pipe(
      catchError((err: unknown) => this.info$().pipe(
        catchError(() => throwError(() => err)),
        mergeMap(info => (CLOSED_STATES.includes(info.state) ? of(info) : throwError(() => err))),
      )),
    );
  }

  /** Stops the job; records not yet processed stay unprocessed. */
  abort$(): Observable<JobInfo> { return this.patchState$('Aborted'); }

  /** Deletes the job and its data (only in a terminal state). */
  delete$(): Observable<void> {
    return defer(() => this.client.request$({ method: 'DELETE', path: this.path })).pipe(map(() => undefined));
  }

  /** `GET /jobs/ingest/{id}`. */
  info$(): Observable<JobInfo> {
    return defer(() => this.client.request$<JobInfo>({ method: 'GET', path: this.path })).pipe(
      map(res => (this.info = res.data)),
    );
  }

  /**
   * Job info now and after each backoff wait until a terminal state (emitted too). With `timeoutMs`, ends in a
   * `BulkTimeoutError` carrying the id and the last state; the job is left alone.
   */
  poll$(opts: PollOptions = {}): Observable<JobInfo> {
    const polled = pollWithBackoff(() => this.info$(), isTerminal, opts.polling, this.scheduler);
    if (opts.timeoutMs === undefined) return polled;
    return withTimeout(polled, this.id, () => this.info, opts.timeoutMs, this.scheduler);
  }

  /** `successfulResults/` rows as they are parsed, a page per emission. */
  successfulResults$(): Observable<ResultRow[]> {
    return this.results$('successfulResults', 'successful');
  }

  /** `failedResults/` rows, with `error` as `CODE:message`. */
  failedResults$(): Observable<ResultRow[]> {
    return this.results$('failedResults', 'failed');
  }

  /** `unprocessedrecords/`: rows never attempted (aborted or failed jobs). */
  unprocessed$(): Observable<ResultRow[]> {
    return this.results$('unprocessedrecords', 'unprocessed');
  }

  private results$(resource: string, kind: ResultKind): Observable<ResultRow[]> {
    return defer(() => this.client.request$({
      method: 'GET', path: `${this.path}/${resource}/`, responseType: bulkTransfer.resultBodies, transfer: true,
    })).pipe(
      mergeMap(res => csvRows$(res.data, { columnDelimiter: this.info?.columnDelimiter }, header => resultRowOf(kind, header))),
    );
  }

  private patchState$(state: 'UploadComplete' | 'Aborted'): Observable<JobInfo> {
    return defer(() => this.client.request$<JobInfo>({ method: 'PATCH', path: this.path, data: { state }, idempotent: true })).pipe(
      map(res => (this.info = res.data)),
    );
  }
}

type ResultKind = 'successful' | 'failed' | 'unprocessed';

/**
 * Builds a result file's rows straight from their cells: `sf__Id` and `sf__Created` or `sf__Error` read by position,
 * and `row` holding the other columns (the original columns as uploaded), with no object keyed by every column first.
 */
function resultRowOf(kind: ResultKind, header: string[]): (cells: string[]) => ResultRow {
  const id = header.indexOf('sf__Id');
  const created = header.indexOf('sf__Created');
  const error = header.indexOf('sf__Error');
  const own = header.flatMap((name, i) => (name.startsWith('sf__') ? [] : [i]));
  const cell = (cells: string[], i: number): string => (i < 0 ? '' : cells[i] ?? '');
  const rowOf = (cells: string[]): Record<string, string> => {
    const row: Record<string, string> = {};
    for (const i of own) row[header[i]] = cells[i] ?? '';
    return row;
  };
  if (kind === 'successful') return cells => ({ id: cell(cells, id), created: cell(cells, created) === 'true', row: rowOf(cells) });
  if (kind === 'failed') return cells => ({ id: cell(cells, id), error: cell(cells, error), row: rowOf(cells) });
  return cells => ({ id: '', row: rowOf(cells) });
}

interface JobList { done: boolean; nextRecordsUrl?: string | null; records: JobInfo[] }

/** Every ingest job of the org, following `nextRecordsUrl`. */
export function listIngestJobs$(opts: { client?: SalesforceClient | string } = {}): Observable<JobInfo> {
  return defer(() => {
    const client = resolveClient(opts.client);
    const page$ = (url?: string) => client.request$<JobList>(url ? { method: 'GET', url } : { method: 'GET', path: 'jobs/ingest' });
    return page$().pipe(
      expand(res => (res.data.done || !res.data.nextRecordsUrl ? EMPTY : page$(res.data.nextRecordsUrl))),
      mergeMap(res => from(res.data.records ?? [])),
    );
  });
}

export function listIngestJobs(opts: { client?: SalesforceClient | string } = {}): Promise<JobInfo[]> {
  return lastValueFrom(listIngestJobs$(opts).pipe(toArray()));
}
