import { merge, mergeMap, takeWhile, throwError, timer, type Observable, type SchedulerLike } from 'rxjs';
import { BulkTimeoutError } from './errors.js';
import { isTerminal, type JobInfo } from './types.js';

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
