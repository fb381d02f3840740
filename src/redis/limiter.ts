/**
 * An org-wide concurrency limit shared by every process that uses the same Redis: a distributed counting semaphore
 * (redis-semaphore) whose leases expire when their holder dies, so a killed worker never keeps a slot.
 */
import type { Redis } from 'ioredis';
import { Semaphore } from 'redis-semaphore';
import { defer, finalize, Observable, type Subscription } from 'rxjs';
import type { ConcurrencyLimiter } from '../client/types.js';

export interface RedisLimiterOptions {
  /** An ioredis connection; the limiter sends its semaphore scripts on it and never closes it. */
  redis: Redis;
  /** The org the slots belong to (its id, or any name every process of one org shares). */
  org: string;
  /** Requests in flight at once across every process. Salesforce allows 25 long-running requests per org. */
  maxConcurrent: number;
  /**
   * How long a slot outlives its holder's last renewal, in ms (default 10,000). A live holder renews at 80% of it; a
   * dead one's slot frees once it passes.
   */
  leaseMs?: number;
  /** Wait between attempts while every slot is taken, in ms (default 25). */
  retryIntervalMs?: number;
  /** Key prefix (default `rxforce`). */
  prefix?: string;
}

/**
 * A `ConcurrencyLimiter` for `new SalesforceClient({ limiter })`.
 * @example
 * import Redis from 'ioredis';
 * import { redisLimiter } from 'rxforce/redis';
 * const client = new SalesforceClient({ login, limiter: redisLimiter({ redis: new Redis(url), org: '00D…', maxConcurrent: 25 }) });
 */
export function redisLimiter(options: RedisLimiterOptions): ConcurrencyLimiter {
  const { redis, org, maxConcurrent } = options;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new RangeError(`maxConcurrent must be a positive integer, got ${maxConcurrent}`);
  }
  if (typeof org !== 'string' || org === '') throw new TypeError('org must name the org whose slots are shared');
  const leaseMs = options.leaseMs ?? 10_000;
  if (!(leaseMs >= 100)) throw new RangeError(`leaseMs must be at least 100, got ${leaseMs}`);
  const key = `${options.prefix ?? 'rxforce'}:${org}:slots`;
  const lockOptions = {
    lockTimeout: leaseMs,
    // waiting for a slot has no deadline of its own: the request's subscriber decides by unsubscribing
    acquireTimeout: Number.POSITIVE_INFINITY,
    retryInterval: options.retryIntervalMs ?? 25,
    // a lost lease (Redis unreachable past the lease) cannot unsend the request in flight; it ends normally
    onLockLost: () => undefined,
  };
  return {
    maxConcurrent,
    run<T>(work: () => Observable<T>): Observable<T> {
      return new Observable<T>(subscriber => {
        const semaphore = new Semaphore(redis, key, maxConcurrent, lockOptions);
        const abort = new AbortController();
        let inner: Subscription | undefined;
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          semaphore.release().catch(() => undefined); // an unreleased slot expires with its lease
        };
        semaphore.acquire(abort.signal).then(() => {
          if (subscriber.closed) { release(); return; }
          inner = defer(work).pipe(finalize(release)).subscribe({
            next: v => subscriber.next(v),
            error: e => subscriber.error(e),
            complete: () => subscriber.complete(),
          });
        }, (err: unknown) => {
          if (!abort.signal.aborted) subscriber.error(err);
        });
        return () => {
          abort.abort();
          inner?.unsubscribe();
        };
      });
    },
  };
}
