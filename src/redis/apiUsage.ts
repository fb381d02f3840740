/**
 * A shared API budget: every process publishes the `Sforce-Limit-Info` usage it reads, and each client's `apiBudget`
 * check also sees the latest usage any of them read, so new work stops everywhere once the org passes the budget.
 */
import type { Redis } from 'ioredis';
import type { ApiUsage, ApiUsageShare } from '../client/types.js';

export interface RedisApiUsageOptions {
  /** An ioredis connection for reads and writes; it is not closed by `close()`. */
  redis: Redis;
  /** The org whose allowance is shared. */
  org: string;
  /** Key prefix (default `rxforce`). */
  prefix?: string;
}

/** An `ApiUsageShare` that also needs closing (it holds a subscriber connection). */
export interface RedisApiUsage extends ApiUsageShare {
  /** Resolves once the last published usage has been read and updates are being received. */
  readonly ready: Promise<void>;
  /** Stops listening (closes the subscriber connection it made). */
  close(): Promise<void>;
}

/** The usage counter rolls over daily; a value older than this is no evidence about today. */
const STALE_MS = 24 * 60 * 60 * 1000;

/**
 * `new SalesforceClient({ apiBudget: 0.8, apiUsageShare: redisApiUsage({ redis, org }) })`.
 * @example
 * const usage = redisApiUsage({ redis, org: '00D…' });
 * await usage.ready;
 */
export function redisApiUsage(options: RedisApiUsageOptions): RedisApiUsage {
  const { redis, org } = options;
  if (typeof org !== 'string' || org === '') throw new TypeError('org must name the org whose API usage is shared');
  const key = `${options.prefix ?? 'rxforce'}:${org}:api-usage`;
  const channel = key;
  const subscriber = redis.duplicate();
  let latest: { usage: ApiUsage; at: number } | undefined;
  const take = (text: string | null | undefined) => {
    const seen = parse(text);
    if (seen && (!latest || seen.at >= latest.at)) latest = seen;
  };
  subscriber.on('message', (_channel: string, text: string) => take(text));
  const ready = subscriber.subscribe(channel)
    .then(() => redis.get(key))
    .then(take);
  ready.catch(() => undefined); // a caller that never awaits `ready` still gets updates once Redis answers
  return {
    ready: ready.then(() => undefined),
    latest: () => (latest && Date.now() - latest.at < STALE_MS ? latest.usage : undefined),
    publish(usage: ApiUsage): void {
      const text = JSON.stringify({ used: usage.used, max: usage.max, at: Date.now() });
      take(text);
      // best effort: a lost update is made good by the next response's header
      redis.multi().set(key, text, 'PX', STALE_MS).publish(channel, text).exec().catch(() => undefined);
    },
    async close(): Promise<void> {
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}

function parse(text: string | null | undefined): { usage: ApiUsage; at: number } | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as { used?: unknown; max?: unknown; at?: unknown };
    if (typeof v.used === 'number' && typeof v.max === 'number' && v.max > 0 && typeof v.at === 'number') {
      return { usage: { used: v.used, max: v.max }, at: v.at };
    }
  } catch { /* not ours: ignored */ }
  return undefined;
}
