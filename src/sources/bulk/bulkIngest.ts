import {
  catchError, concat, defer, distinctUntilChanged, EMPTY, finalize, lastValueFrom, map, mergeMap, Observable, of, switchMap, tap,
  throwError,
} from 'rxjs';
import { resolveClient } from '../../client/client.js';
import { BulkIngestInterruptedError, BulkJobFailedError, BulkTimeoutError } from './errors.js';
import { BulkIngestJob } from './ingestJob.js';
import { PartInterruptedError } from './partResend.js';
import { isArrayInput, puller, type Puller } from '../../util/rx/puller.js';
import { pollWithBackoff } from '../../util/rx/poll.js';
import { withTimeout } from './jobTimeout.js';
import { Reconciler } from './reconcile.js';
import { objectName, RowEncoder, wireFields, type BulkTarget } from './rows.js';
import { isTerminal, type BulkIngestEvent, type BulkInput, type BulkIngestFinal, type BulkJobOptions, type IngestOperation, type JobInfo } from './types.js';
import { MAX_PART_BYTES, uploadParts$, type UploadEvent } from './upload.js';

export interface BulkIngestOptions extends BulkJobOptions {
  /** Raw bytes of CSV per PUT. Default and maximum 100 MB (Salesforce: 150 MB after base64). */
  partSizeBytes?: number;
  /** `Sforce-Auto-Assign`-style assignment rule for Case and Lead inserts. */
  assignmentRuleId?: string;
  /**
   * `collect` (default): the final `result` matches every input record to its outcome (inputs are kept in memory).
   * `stream`: result rows are emitted page by page as parsed and inputs are not kept — constant memory for jobs of
   * millions of records; the last emission is a `summary` with counts.
   */
  results?: 'collect' | 'stream';
  /**
   * The CSV header. Default: the union of the columns of every record for an array; for an iterable, async
   * iterable or Observable, the union over its first `headerSample` records (a later record with another column
   * fails with a ValidationError rather than losing the value).
   */
  columns?: string[];
  /** Records read ahead to decide the header of a streamed input. Default 1,000. */
  headerSample?: number;
  /**
   * Whether the input can be read again from its start, so that a job whose upload was interrupted (a part sent and
   * its answer lost) runs again once, in a new job. Default: true for an array or a Set, false otherwise (an iterator
   * or generator, an async iterable, an Observable). Say true for a cold Observable that replays the same records
   * on each subscription, or an iterable whose `[Symbol.iterator]()` starts over; false to never run a job again.
   */
  replayable?: boolean;
}

/** Marks an input whose every iteration starts over from the same records (a file's records, say). */
export const REPLAYABLE: unique symbol = Symbol.for('rxforce.bulk.replayable');

/**
 * Inputs read again from their start by default: an array or a Set hands out a fresh iterator each time, and an input
 * marked `REPLAYABLE` (`csvFileRecords`) opens its source again.
 */
function replayableByDefault(input: unknown): boolean {
  return Array.isArray(input) || input instanceof Set
    || (typeof input === 'object' && input !== null && (input as { [REPLAYABLE]?: unknown })[REPLAYABLE] === true);
}

/** A record read ahead, written to its CSV line; `key` reconciles it (`results: 'collect'`). */
interface Encoded<R> { record: R; line: string; key: string }

/**
 * Runs one Bulk API 2.0 ingest job: create, upload in parts, close, poll with backoff, read the results.
 * Unsubscribing before a terminal state aborts the job (unless `abortOnUnsubscribe: false`).
 */
export function bulkIngest$<R>(
  target: BulkTarget,
  operation: IngestOperation,
  input: BulkInput<R>,
  opts: BulkIngestOptions & { externalIdField?: string } = {},
): Observable<BulkIngestEvent<R>> {
  return defer(() => {
    const sobject = objectName(target);
    const dialect = { columnDelimiter: opts.columnDelimiter, lineEnding: opts.lineEnding };
    const collect = (opts.results ?? 'collect') === 'collect';
    const partSizeBytes = Math.min(opts.partSizeBytes ?? MAX_PART_BYTES, MAX_PART_BYTES);
    const replayable = opts.replayable ?? replayableByDefault(input);
    // every reader opened on the input (a second one for a re-run); each is closed once its run no longer needs it
    const readers: Puller<R>[] = [];

    /** One reading of the input: the header decided, then the rows pulled part by part as the job takes them. */
    const source$ = (): Observable<IngestSource<R>> => defer(() => {
      for (const earlier of readers.splice(0)) earlier.release();
      const pull = puller(input);
      readers.push(pull);
      let index = 0;
      const wiresOf = (records: R[]) => records.map(record => ({ record, wire: wireFields(target, record, operation, index++) }));

      // Read ahead (all of an array, so bad input fails before any request) to fix the header.
      const sampleSize = isArrayInput(input) ? Number.MAX_SAFE_INTEGER : opts.headerSample ?? 1_000;
      return pull(Math.max(1, sampleSize)).pipe(map((first): IngestSource<R> => {
        const wires = wiresOf(first);
        const columns = operation === 'delete' || operation === 'hardDelete' ? ['Id']
          : opts.columns ?? RowEncoder.unionOf(wires.map(w => w.wire));
        if (wires.length === 0) throw new BulkInputError(sobject, 'there are no records');
        if (columns.length === 0) throw new BulkInputError(sobject, 'the records carry no fields');
        const encoder = new RowEncoder(columns, sobject, dialect);
        const reconciler = collect ? new Reconciler<R>(encoder.columns) : undefined;
        // the records read ahead are written (and so checked) now; the rest as the upload pulls them
        const buffered: (Encoded<R> | undefined)[] = wires.map((w, i) => ({
          record: w.record, line: encoder.line(w.wire, i), key: reconciler ? encoder.key() : '',
        }));
        let next = 0;
        const encode = (record: R, at: number): string => {
          const line = encoder.line(wireFields(target, record, operation, at), at);
          reconciler?.add(record, encoder.key());
          return line;
        };
        const pullRows = (max: number): Observable<string[]> => {
          if (next < buffered.length) {
            const lines: string[] = [];
            for (const end = Math.min(buffered.length, next + max); next < end; next++) {
              const e = buffered[next]!;
              buffered[next] = undefined;            // its line is in the part now
              reconciler?.add(e.record, e.key);
              lines.push(e.line);
            }
            return of(lines);
          }
          return pull(max).pipe(map(records => {
            const lines = new Array<string>(records.length);
            for (let i = 0; i < records.length; i++) lines[i] = encode(records[i], index++);
            return lines;
          }));
        };
        return {
          reconciler,
          upload$: created => uploadParts$({
            pull: pullRows, header: encoder.headerLine, partSizeBytes,
            put: csv => created.upload$(csv, { retry: false }),
            resend: { config: created.client.retryConfig, scheduler: opts.scheduler ?? created.client.scheduler },
          }),
          replay: replayable ? source$ : undefined,
        };
      }));
    });

    // an input not read to its end (a failure, an early unsubscribe) is closed: its subscription or generator ends
    return source$().pipe(
      switchMap(source => runIngestJob$<R>(sobject, operation, opts, source)),
      finalize(() => { for (const reader of readers.splice(0)) reader.release(); }),
    );
  });
}

/** What an ingest takes from its source once the job exists: how to upload, and (collect) the reconciler. */
export interface IngestSource<R> {
  /**
   * Uploads every part to the Open job, emitting cumulative progress after each PUT and each re-send of a part that
   * was not stored; a part whose answer was lost fails it with `PartInterruptedError`.
   */
  upload$: (job: BulkIngestJob) => Observable<UploadEvent>;
  /** Matches results back to inputs (`results: 'collect'`); without it results are streamed. */
  reconciler?: Reconciler<R>;
  /** A fresh reading of the same input from its start, for the one re-run; absent when the input is read once. */
  replay?: () => Observable<IngestSource<R>>;
}

/**
 * The steps every ingest shares, whatever its source: create the job, upload, close, poll with backoff, read the
 * results. Unsubscribing before a terminal state aborts the job (unless `abortOnUnsubscribe: false`).
 *
 * A part whose answer was lost may or may not be in the job, so that job is aborted before it is closed: Salesforce
 * processes a job's data only once it is closed (UploadComplete), so the aborted job loads nothing. When the source
 * can be read again the whole ingest then runs once more in a new job (a `rerun` event names both jobs); otherwise,
 * or when the second job is interrupted too, it fails with `BulkIngestInterruptedError`.
 */
export function runIngestJob$<R>(
  sobject: string,
  operation: IngestOperation,
  opts: BulkIngestOptions & { externalIdField?: string },
  source: IngestSource<R>,
): Observable<BulkIngestEvent<R>> {
  return oneJob$(sobject, operation, opts, source).pipe(catchError((first: unknown) => {
    if (!(first instanceof PartInterruptedError)) return throwError(() => first);
    const abortedJobId = first.jobId ?? '';
    if (!source.replay) return throwError(() => new BulkIngestInterruptedError([abortedJobId], false, first));
    const rerun = { abortedJobId, reason: first.message };
    return source.replay().pipe(
      switchMap(again => oneJob$(sobject, operation, opts, again, rerun)),
      catchError((second: unknown) => throwError(() => (second instanceof PartInterruptedError
        ? new BulkIngestInterruptedError([abortedJobId, second.jobId ?? ''], true, second) : second))),
    );
  }));
}

/** One job from create to results; `rerunOf` names the job this one replaces. */
function oneJob$<R>(
  sobject: string,
  operation: IngestOperation,
  opts: BulkIngestOptions & { externalIdField?: string },
  source: IngestSource<R>,
  rerunOf?: { abortedJobId: string; reason: string },
): Observable<BulkIngestEvent<R>> {
  return defer(() => {
    const client = resolveClient(opts.client);
    const scheduler = opts.scheduler ?? client.scheduler;
    const { reconciler } = source;
    let job: BulkIngestJob | undefined;
    let lastState: JobInfo | undefined;

    const run$ = BulkIngestJob.create$({
      object: sobject, operation, externalIdFieldName: opts.externalIdField,
      columnDelimiter: opts.columnDelimiter, lineEnding: opts.lineEnding, assignmentRuleId: opts.assignmentRuleId,
    }, { client, scheduler }).pipe(switchMap(created => {
      job = created;
      const jobEvent = (info: JobInfo): BulkIngestEvent<R> => ({ type: 'job', job: info });
      const states$ = withTimeout(
        pollWithBackoff(() => created.info$(), isTerminal, opts.polling, scheduler, { immediate: false }),
        created.id, () => created.info, opts.timeoutMs, scheduler,
      ).pipe(
        distinctUntilChanged((a, b) => a.state === b.state && a.numberRecordsProcessed === b.numberRecordsProcessed
          && a.numberRecordsFailed === b.numberRecordsFailed),
      );
      return concat(
        rerunOf ? of<BulkIngestEvent<R>>({ type: 'rerun', ...rerunOf, jobId: created.id }) : EMPTY,
        of(jobEvent(created.info!)),
        source.upload$(created),
        created.close$().pipe(map(jobEvent)),
        states$.pipe(mergeMap(info => {
          lastState = info;
          if (!isTerminal(info)) return of(jobEvent(info));
          if (info.state === 'Failed') return concat(of(jobEvent(info)), throwError(() => new BulkJobFailedError(info)));
          return concat(of(jobEvent(info)), results$(created, info, reconciler));
        })),
      );
    }));

    return new Observable<BulkIngestEvent<R>>(subscriber => {
      let ended = false;
      const sub = run$.subscribe({
        next: e => subscriber.next(e),
        error: err => {
          ended = true;
          if (err instanceof PartInterruptedError && job) {
            // the job may hold a part once or not at all: it is aborted (never closed) before anyone runs it again
            err.jobId = job.id;
            job.abort$().subscribe({ error: () => subscriber.error(err), complete: () => subscriber.error(err) });
            return;
          }
          // A job this subscription started and cannot finish is aborted; a timeout or a failed job is left as is.
          if (job && !(err instanceof BulkTimeoutError) && !(err instanceof BulkJobFailedError) && !(lastState && isTerminal(lastState))) abortQuietly(job);
          subscriber.error(err);
        },
        complete: () => { ended = true; subscriber.complete(); },
      });
      return () => {
        sub.unsubscribe();
        if (!ended && job && (opts.abortOnUnsubscribe ?? true) && !(lastState && isTerminal(lastState))) abortQuietly(job);
      };
    });
  });
}

/** Best effort: the subscriber is gone, so there is nobody to report a failed abort to. */
function abortQuietly(job: BulkIngestJob): void {
  job.abort$().subscribe({ error: () => undefined });
}

/** Reads the result files and emits the final accounting (collect) or the rows as they come (stream). */
function results$<R>(job: BulkIngestJob, info: JobInfo, reconciler: Reconciler<R> | undefined): Observable<BulkIngestEvent<R>> {
  const unprocessed$ = info.state === 'JobComplete' ? EMPTY : job.unprocessed$();
  if (reconciler) {
    return concat(
      job.successfulResults$().pipe(tap(rows => reconciler.successes(rows))),
      job.failedResults$().pipe(tap(rows => reconciler.failures(rows))),
      unprocessed$.pipe(tap(rows => reconciler.unprocessedRows(rows))),
    ).pipe(
      mergeMap(() => EMPTY),
      (src: Observable<never>) => concat(src, defer(() => {
        reconciler.finish();
        return of<BulkIngestEvent<R>>({
          type: 'result', job: info,
          successful: reconciler.successful, failed: reconciler.failed, unprocessed: reconciler.unprocessed,
        });
      })),
    );
  }
  const counts = { successful: 0, failed: 0, unprocessed: 0 };
  return concat(
    job.successfulResults$().pipe(map(rows => { counts.successful += rows.length; return { type: 'successful' as const, rows }; })),
    job.failedResults$().pipe(map(rows => { counts.failed += rows.length; return { type: 'failed' as const, rows }; })),
    unprocessed$.pipe(map(rows => { counts.unprocessed += rows.length; return { type: 'unprocessed' as const, rows }; })),
    defer(() => of({ type: 'summary' as const, job: info, ...counts })),
  );
}

/** Nothing to upload: Salesforce fails a job without data, so refuse it before creating one. */
export class BulkInputError extends Error {
  override readonly name = 'BulkInputError';
  constructor(sobject: string, reason: string) { super(`Nothing to upload to ${sobject}: ${reason}`); }
}

/** The last emission: `result` (collect) or `summary` (stream). */
export function finalEvent<R>(events$: Observable<BulkIngestEvent<R>>): Promise<BulkIngestFinal<R>> {
  return lastValueFrom(events$) as Promise<BulkIngestFinal<R>>;
}
