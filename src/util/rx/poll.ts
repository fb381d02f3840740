import { defer, EMPTY, expand, Observable, takeWhile, timer, switchMap, type SchedulerLike } from 'rxjs';

/** Polling backoff: waits `initialMs`, then multiplies by `factor`, never more than `maxMs`. */
export interface PollingConfig {
  /** First wait in ms. Default 1,000. */
  initialMs: number;
  /** Growth of each wait. Default 1.5. */
  factor: number;
  /** Cap of one wait. Default 30,000. */
  maxMs: number;
}

export const POLLING_DEFAULTS: Readonly<PollingConfig> = { initialMs: 1_000, factor: 1.5, maxMs: 30_000 };

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
