/**
 * The retry policy: transient statuses and network errors, exponential backoff with full jitter, Retry-After, caps
 * on attempts and total time. Only requests that cannot change the org twice are retried.
 */
import { asyncScheduler, defer, type MonoTypeOperatorFunction, type Observable, retry, type SchedulerLike, throwError, timer } from 'rxjs';
import { NetworkError, RequestLimitExceededError, SalesforceApiError } from './errors.js';
import type { HttpMethod, RetryConfig } from './types.js';

/** A config with every setting filled in (`onRetry` stays optional). */
export type ResolvedRetryConfig = Required<Omit<RetryConfig, 'onRetry'>> & Pick<RetryConfig, 'onRetry'>;

/** Defaults, in one place. */
export const RETRY_DEFAULTS: Readonly<ResolvedRetryConfig> = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxTotalMs: 120_000,
  statuses: [420, 429, 500, 502, 503, 504],
  jitter: 'full' as const,
});

/** Merges overrides onto the defaults; `false` anywhere in the chain disables retries. */
export function resolveRetryConfig(...layers: Array<Partial<RetryConfig> | false | undefined>): ResolvedRetryConfig | false {
  let config: ResolvedRetryConfig = { ...RETRY_DEFAULTS, statuses: [...RETRY_DEFAULTS.statuses] };
  for (const layer of layers) {
    if (layer === false) return false;
    if (layer) config = { ...config, ...withoutUndefined(layer) };
  }
  return config;
}

/** Whether the method is idempotent by default (see `SfRequest.idempotent`). */
export function isIdempotentMethod(method: HttpMethod): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'PUT' || method === 'DELETE';
}

/** A network failure other than a cancellation. */
export function isNetworkError(e: unknown): e is NetworkError {
  return e instanceof NetworkError && e.code !== 'ERR_CANCELED';
}

/** 403 REQUEST_LIMIT_EXCEEDED for concurrent long-running requests: refused before processing, so any method may retry. */
export function isConcurrencyLimit(e: unknown): boolean {
  return e instanceof RequestLimitExceededError && e.concurrent;
}

/** A status the config lists as transient. */
export function isTransientStatus(e: unknown, config: RetryConfig): boolean {
  return e instanceof SalesforceApiError && config.statuses.includes(e.status);
}

/** Whether `e` is worth another attempt for a request of the given idempotency. */
export function isRetryable(e: unknown, idempotent: boolean, config: RetryConfig): boolean {
  if (e instanceof NetworkError && !e.sent) return true; // provably never left the client
  if (isConcurrencyLimit(e)) return true;
  if (!idempotent) return false;
  return isNetworkError(e) || isTransientStatus(e, config);
}

/** Retry-After in ms (delta-seconds or an HTTP-date), or undefined. */
export function retryAfterMs(e: unknown, now: number): number | undefined {
  const value = e instanceof SalesforceApiError ? e.headers['retry-after'] : undefined;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The delay before retry number `n` (1-based): `2 ** n * base` with full jitter, capped, and at least Retry-After. */
export function backoffDelay(n: number, config: ResolvedRetryConfig, retryAfter?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(config.maxDelayMs, 2 ** n * config.baseDelayMs);
  const delay = config.jitter === 'none' ? ceiling : Math.floor(random() * ceiling);
  return retryAfter === undefined ? delay : Math.max(delay, retryAfter);
}

/**
 * Retries the source per the policy. State (start time) lives per subscription.
 * @param idempotent whether re-sending cannot change the org twice
 */
export function retryPolicy<T>(config: ResolvedRetryConfig | false, idempotent: boolean, scheduler?: SchedulerLike,
  random?: () => number): MonoTypeOperatorFunction<T> {
  return source => {
    if (!config || config.maxAttempts <= 1) return source;
    const clock = scheduler ?? asyncScheduler;
    return defer(() => {
      const started = clock.now();
      return source.pipe(retry({
        count: config.maxAttempts - 1,
        delay: (error: unknown, n: number): Observable<unknown> => {
          if (!isRetryable(error, idempotent, config)) return throwError(() => error);
          const now = clock.now();
          const wait = backoffDelay(n, config, retryAfterMs(error, now), random);
          if (now - started + wait > config.maxTotalMs) return throwError(() => error);
          config.onRetry?.({ retry: n, delayMs: wait, error });
          return timer(wait, clock);
        },
      }));
    });
  };
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
