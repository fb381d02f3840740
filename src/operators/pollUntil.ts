import type { MonoTypeOperatorFunction, SchedulerLike } from 'rxjs';
import { pollWithBackoff, type PollingConfig } from '../util/rx/poll.js';

export interface PollUntilConfig extends Partial<PollingConfig> {
  /** Scheduler for the waits (virtual time in tests). */
  scheduler?: SchedulerLike;
}

/**
 * Re-subscribes to the source after backoff waits (initialMs, ×factor, ≤ maxMs) until a value satisfies `isDone`;
 * emits every value, the final one included, then completes.
 *
 * @example
 * import { pollUntil } from 'rxforce';
 * client.request$({ method: 'GET', path: `jobs/ingest/${id}` }).pipe(
 *   pollUntil(res => res.data.state === 'JobComplete', { initialMs: 1000, factor: 2, maxMs: 30_000 }),
 * );
 */
export function pollUntil<T>(isDone: (value: T) => boolean, config: PollUntilConfig = {}): MonoTypeOperatorFunction<T> {
  return source => pollWithBackoff(() => source, isDone, config, config.scheduler);
}
