import { defer, from, lastValueFrom, mergeMap, Observable, throwError, toArray } from 'rxjs';
import type { SObjectModel } from '../../model/types.js';
import { BulkJobAbortedError, BulkJobFailedError, BulkTimeoutError } from './errors.js';
import { BulkQueryJob } from './queryJob.js';
import { isTerminal, type BulkJobOptions, type JobInfo } from './types.js';

/** A query builder as bulk queries need it: its SOQL text and, when it has one, the model that types the rows. */
export interface BulkQuerySource {
  toSoql(): string;
  readonly model?: SObjectModel<any>;
}

export interface BulkQueryOptions extends BulkJobOptions {
  /** `queryAll`: include deleted and archived rows. */
  all?: boolean;
  /** Rows per result page (`maxRecords`); default: Salesforce's own page size. */
  maxRecords?: number;
  /** Pages downloaded at once through `resultPages` (falls back to sequential paging on a 404). Default 1. */
  parallel?: number;
  /** Types rows through this model (`fromWire(row, { csv: true })`: empty → null). Taken from the builder if it has one. */
  model?: SObjectModel<any>;
  /** Called with each job state seen, for progress. */
  onJob?: (job: JobInfo) => void;
}

/**
 * Runs a Bulk API 2.0 query and emits its records one by one, in constant memory whatever the result size.
 * Unsubscribing, or failing, before the job completes aborts it (a timeout leaves it running).
 *
 * @example
 * import { bulkQuery$ } from 'rxforce';
 * bulkQuery$('SELECT Id, Name FROM Account', { client, maxRecords: 50_000 }).subscribe(row => write(row));
 */
export function bulkQuery$<T = Record<string, unknown>>(query: string | BulkQuerySource, opts: BulkQueryOptions = {}): Observable<T> {
  return defer(() => {
    const soql = typeof query === 'string' ? query : query.toSoql();
    const model = opts.model ?? (typeof query === 'string' ? undefined : query.model);
    let job: BulkQueryJob | undefined;
    let last: JobInfo | undefined;
    let ended = false;
    const run$ = BulkQueryJob.create$(
      { query: soql, all: opts.all, columnDelimiter: opts.columnDelimiter, lineEnding: opts.lineEnding },
      { client: opts.client, scheduler: opts.scheduler },
    ).pipe(mergeMap(created => {
      job = created;
      last = created.info;
      opts.onJob?.(created.info!);
      const states$ = isTerminal(created.info!) ? from([created.info!])
        : created.poll$({ polling: opts.polling, timeoutMs: opts.timeoutMs, immediate: false });
      return states$.pipe(mergeMap(info => {
        last = info;
        if (info !== created.info) opts.onJob?.(info);
        if (!isTerminal(info)) return [];
        if (info.state === 'Failed') return throwError(() => new BulkJobFailedError(info));
        if (info.state === 'Aborted') return throwError(() => new BulkJobAbortedError(info));
        const parallel = opts.parallel ?? 1;
        return parallel > 1 ? created.parallelRows$({ maxRecords: opts.maxRecords, parallel }) : created.rows$({ maxRecords: opts.maxRecords });
      }));
    }));
    return new Observable<T>(subscriber => {
      const sub = run$.subscribe({
        next: rows => {
          for (const row of rows) {
            if (subscriber.closed) return;
            subscriber.next((model ? model.fromWire(row, { csv: true }) : emptyToNull(row)) as T);
          }
        },
        error: err => {
          ended = true;
          // a job this subscription started and cannot finish is aborted (as bulk ingest does); after a timeout it is
          // left to run, to be attached to and read later
          if (job && !(err instanceof BulkTimeoutError) && !(last && isTerminal(last))) job.abort$().subscribe({ error: () => undefined });
          subscriber.error(err);
        },
        complete: () => { ended = true; subscriber.complete(); },
      });
      return () => {
        sub.unsubscribe();
        const abort = opts.abortOnUnsubscribe ?? true;
        if (!ended && abort && job && !(last && isTerminal(last))) job.abort$().subscribe({ error: () => undefined });
      };
    });
  });
}

/** Promise twin of `bulkQuery$`: every record in an array (use `bulkQuery$` for results that do not fit in memory). */
export function bulkQuery<T = Record<string, unknown>>(query: string | BulkQuerySource, opts: BulkQueryOptions = {}): Promise<T[]> {
  return lastValueFrom(bulkQuery$<T>(query, opts).pipe(toArray()));
}

/**
 * Bulk CSV has no null: an empty cell is null (as Salesforce documents for query results). The row is the parser's
 * own fresh object, handed to no one else, so it is changed in place: no second object per record.
 */
function emptyToNull(row: Record<string, string>): Record<string, string | null> {
  const out = row as Record<string, string | null>;
  for (const k in out) if (out[k] === '') out[k] = null;
  return out;
}

