import { concat, defer, EMPTY, map, mergeMap, Observable, catchError, throwError, type SchedulerLike } from 'rxjs';
import { resolveClient, type SalesforceClient } from '../../client/client.js';
import { ResourceNotFoundError } from '../../client/errors.js';
import type { ColumnDelimiter, LineEnding } from '../../util/csv.js';
import { csvRows$ } from '../../util/rx/text.js';
import { bulkTransfer } from './transfer.js';
import { pollWithBackoff } from '../../util/rx/poll.js';
import { withTimeout } from './jobTimeout.js';
import { isTerminal, type JobInfo, type PollingConfig } from './types.js';

export interface QueryJobOptions {
  client?: SalesforceClient | string;
  scheduler?: SchedulerLike;
}

interface ResultPages { resultPages?: { resultUrl: string }[]; done?: boolean; nextRecordsUrl?: string | null; nextRecordUrl?: string | null }

/** A Bulk API 2.0 query job: create, poll, then read result pages through `Sforce-Locator` or `resultPages`. */
export class BulkQueryJob {
  info: JobInfo | undefined;

  private constructor(readonly client: SalesforceClient, readonly id: string, info: JobInfo | undefined, private readonly scheduler?: SchedulerLike) {
    this.info = info;
  }

  /** `POST /jobs/query` (operation `queryAll` includes deleted and archived rows). */
  static create$(spec: { query: string; all?: boolean; columnDelimiter?: ColumnDelimiter; lineEnding?: LineEnding }, opts: QueryJobOptions = {}): Observable<BulkQueryJob> {
    return defer(() => {
      const client = resolveClient(opts.client);
      const body: Record<string, unknown> = { operation: spec.all ? 'queryAll' : 'query', query: spec.query, contentType: 'CSV' };
      if (spec.columnDelimiter) body.columnDelimiter = spec.columnDelimiter;
      if (spec.lineEnding) body.lineEnding = spec.lineEnding;
      // Safe to re-send: a query job reads and writes nothing in the org; a lost create leaves a job nobody reads.
      return client.request$<JobInfo>({ method: 'POST', path: 'jobs/query', data: body, idempotent: true }).pipe(
        map(res => new BulkQueryJob(client, res.data.id, res.data, opts.scheduler ?? client.scheduler)),
      );
    });
  }

  /** A handle on an existing query job (to resume after a timeout, or re-read its results); sends nothing. */
  static attach(id: string, opts: QueryJobOptions = {}): BulkQueryJob {
    const client = resolveClient(opts.client);
    return new BulkQueryJob(client, id, undefined, opts.scheduler ?? client.scheduler);
  }

  private get path(): string { return `jobs/query/${this.id}`; }

  info$(): Observable<JobInfo> {
    return defer(() => this.client.request$<JobInfo>({ method: 'GET', path: this.path })).pipe(map(res => (this.info = res.data)));
  }

  abort$(): Observable<JobInfo> {
    return defer(() => this.client.request$<JobInfo>({ method: 'PATCH', path: this.path, data: { state: 'Aborted' }, idempotent: true }))
      .pipe(map(res => (this.info = res.data)));
  }

  delete$(): Observable<void> {
    return defer(() => this.client.request$({ method: 'DELETE', path: this.path })).pipe(map(() => undefined));
  }

  /** Job info after each backoff wait until a terminal state; `timeoutMs` ends in a BulkTimeoutError. */
  poll$(opts: { polling?: Partial<PollingConfig>; timeoutMs?: number; immediate?: boolean } = {}): Observable<JobInfo> {
    const polled = pollWithBackoff(() => this.info$(), isTerminal, opts.polling, this.scheduler, { immediate: opts.immediate ?? true });
    return withTimeout(polled, this.id, () => this.info, opts.timeoutMs, this.scheduler);
  }

  /**
   * Result rows page by page through `Sforce-Locator`. A page is parsed as it streams in and the next one is asked
   * for only once the consumer has taken every row of this one, so memory holds about one chunk.
   */
  rows$(opts: { maxRecords?: number } = {}): Observable<Record<string, string>[]> {
    const page$ = (locator?: string): Observable<Record<string, string>[]> => defer(() => this.client.request$({
      method: 'GET', path: `${this.path}/results`,
      params: { locator, maxRecords: opts.maxRecords },
      responseType: bulkTransfer.resultBodies, transfer: true,
    })).pipe(mergeMap(res => {
      const next = header(res.headers, 'sforce-locator');
      return concat(
        csvRows$(res.data, { columnDelimiter: this.info?.columnDelimiter }),
        next && next !== 'null' ? page$(next) : EMPTY,
      );
    }));
    return page$();
  }

  /**
   * Result rows downloaded `parallel` pages at a time from the `resultPages` listing (API v58+). Falls back to
   * sequential locator paging when the org does not offer it (404).
   */
  parallelRows$(opts: { maxRecords?: number; parallel: number }): Observable<Record<string, string>[]> {
    const listing$ = (url?: string): Observable<string> => defer(() => this.client.request$<ResultPages>(url
      ? { method: 'GET', url }
      : { method: 'GET', path: `${this.path}/resultPages`, params: { maxRecords: opts.maxRecords } }))
      .pipe(mergeMap(res => {
        const next = res.data.nextRecordsUrl ?? res.data.nextRecordUrl;
        const urls = (res.data.resultPages ?? []).map(p => p.resultUrl);
        return concat(urls, !res.data.done && next ? listing$(next) : EMPTY);
      }));
    let listed = false;
    return listing$().pipe(
      mergeMap(url => {
        listed = true;
        return this.client.request$({ method: 'GET', url, responseType: bulkTransfer.resultBodies, transfer: true })
          .pipe(mergeMap(res => csvRows$(res.data, { columnDelimiter: this.info?.columnDelimiter })));
      }, opts.parallel),
      catchError(err => (!listed && err instanceof ResourceNotFoundError ? this.rows$(opts) : throwError(() => err))),
    );
  }
}

const header = (headers: Record<string, string>, name: string): string | undefined => {
  if (headers[name] !== undefined) return headers[name];
  const key = Object.keys(headers).find(k => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
};
