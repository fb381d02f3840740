/**
 * Re-sending an upload part. A `PUT …/batches` appends its rows to the job, so a part is re-sent only when its answer
 * proves it was not stored; a part that may have been stored makes the whole job suspect (see `BulkIngestInterruptedError`).
 */
import { asyncScheduler, catchError, defer, type Observable, retry, type SchedulerLike, throwError, timer } from 'rxjs';
import { ExpiredSessionError, NetworkError, SalesforceApiError } from '../../client/errors.js';
import { backoffDelay, isConcurrencyLimit, retryAfterMs, type ResolvedRetryConfig } from '../../client/retry.js';

/** What an ingest tells its subscriber when a part was re-sent. */
export interface PartResent {
  /** The part's number in its job, from 1. */
  part: number;
  /** The attempt about to start: 2 for the first re-send. */
  attempt: number;
  /** Why the previous attempt did not count (the error's message). */
  reason: string;
  /** The wait before the re-send, in ms. */
  delayMs: number;
}

/**
 * The answer proves the part was not stored: the request never left the client (connection refused, no such host),
 * the org refused it for concurrency before reading it, the session had expired (401: the client has logged in again
 * for the next attempt), or the org answered with a transient error page (420, 429, 5xx as listed in the retry
 * config). Salesforce answers 201 once a part is stored and stores a part whole, so an error answer leaves the job
 * without it.
 */
export function isUnstoredPart(e: unknown, config: ResolvedRetryConfig): boolean {
  if (e instanceof NetworkError) return !e.sent;
  if (isConcurrencyLimit(e)) return true;
  if (isExpiredSession(e)) return true;
  return e instanceof SalesforceApiError && config.statuses.includes(e.status);
}

function isExpiredSession(e: unknown): boolean {
  return e instanceof ExpiredSessionError && (e.errorCode === 'INVALID_SESSION_ID' || e.errorCode === 'HTTP_401');
}

/** The part was sent and no answer came back (connection dropped, timeout): the org may or may not hold it. */
export function isAmbiguousPart(e: unknown): e is NetworkError {
  return e instanceof NetworkError && e.sent && e.code !== 'ERR_CANCELED';
}

/** A part of this job may have been stored once, or not at all: the job cannot be closed. */
export class PartInterruptedError extends Error {
  override readonly name = 'PartInterruptedError';
  /** The job the part was sent to, once the ingest knows it. */
  jobId: string | undefined;
  constructor(readonly part: number, override readonly cause: NetworkError) {
    super(`Part ${part} was sent but its answer was lost (${cause.message})`);
  }
}

/**
 * Sends one part with `put(body())`, a fresh body per attempt (a stream is read once), re-sending after a backoff while
 * the failure proves the part was not stored, within the client's retry config (attempts, total time, Retry-After).
 * A lost answer fails with `PartInterruptedError`; any other error passes through as it came.
 */
export function putPart$(opts: {
  part: number;
  send: () => Observable<unknown>;
  config: ResolvedRetryConfig | false;
  scheduler?: SchedulerLike;
  onResend: (event: PartResent) => void;
}): Observable<unknown> {
  const { config } = opts;
  return defer(() => {
    const clock = opts.scheduler ?? asyncScheduler;
    const started = clock.now();
    const attempts$ = defer(opts.send);
    let expiredBefore = false;
    const retried$ = !config || config.maxAttempts <= 1 ? attempts$ : attempts$.pipe(retry({
      count: config.maxAttempts - 1,
      delay: (error: unknown, n: number) => {
        if (!isUnstoredPart(error, config)) return throwError(() => error);
        // a second 401 in a row: logging in again did not help (or the client cannot), so re-sending will not either
        const expired = isExpiredSession(error);
        if (expired && expiredBefore) return throwError(() => error);
        expiredBefore = expired;
        const now = clock.now();
        const wait = backoffDelay(n, config, retryAfterMs(error, now));
        if (now - started + wait > config.maxTotalMs) return throwError(() => error);
        config.onRetry?.({ retry: n, delayMs: wait, error });
        opts.onResend({ part: opts.part, attempt: n + 1, reason: error instanceof Error ? error.message : String(error), delayMs: wait });
        return timer(wait, clock);
      },
    }));
    return retried$.pipe(catchError((error: unknown) =>
      throwError(() => (isAmbiguousPart(error) ? new PartInterruptedError(opts.part, error) : error))));
  });
}
