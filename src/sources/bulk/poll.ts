import { defer, EMPTY, expand, merge, mergeMap, Observable, takeWhile, throwError, timer, switchMap, type SchedulerLike } from 'rxjs';
import { BulkTimeoutError } from './errors.js';
import { isTerminal, POLLING_DEFAULTS, type JobInfo, type PollingConfig } from './types.js';

/** The waits of a backoff: initialMs, ×factor each time, capped at maxMs. */
export function backoffDelays(config: Partial<PollingConfig> = {}): () => number {
  const { initialMs, factor, maxMs } = { ...POLLING_DEFAULTS, ...config };
  let next = initialMs;
  return () => {
    const d = Math.min(next, maxMs);
    next = Math.min(next * factor, maxMs);
    return d;
  };
}

/**
 * Calls `fetch$` now (or after the first wait unless `immediate`), then again after each backoff wait, emitting every value, until `isDone` holds (that value is
 * emitted too). State lives per subscription.
 */
export function pollWithBackoff<T>(
  fetch$: () => Observable<T>,
  isDone: (value: T) => boolean,
  config: Partial<PollingConfig> = {},
  scheduler?: SchedulerLike,
  { immediate = true }: { immediate?: boolean } = {},
): Observable<T> {
  return defer(() => {
    const nextDelay = backoffDelays(config);
    const first$ = immediate ? fetch$() : timer(nextDelay(), scheduler).pipe(switchMap(() => fetch$()));
    return first$.pipe(
      expand(v => (isDone(v) ? EMPTY : timer(nextDelay(), scheduler).pipe(switchMap(() => fetch$())))),
      takeWhile(v => !isDone(v), true),
    );
  });
}

/**
 * Ends a job-state stream with a `BulkTimeoutError` if no terminal state arrived within `timeoutMs`. The timer is
 * dropped when the stream completes, so a finished job never times out late.
 */
export function withTimeout(
  states$: Observable<JobInfo>,
  jobId: string,
  last: () => JobInfo | undefined,
  timeoutMs: number | undefined,
  scheduler?: SchedulerLike,
): Observable<JobInfo> {
  if (timeoutMs === undefined || timeoutMs === Infinity) return states$;
  const expired$ = timer(timeoutMs, scheduler).pipe(
    mergeMap(() => throwError(() => new BulkTimeoutError(jobId, last()?.state, timeoutMs, last()))),
  );
  return merge(states$, expired$).pipe(takeWhile(job => !isTerminal(job), true));
}
