/**
 * rxforce/redis (Node): processes that share one org through Redis share its limits — an org-wide concurrency
 * limit, the daily API budget, and optionally one session; and sync workers that share one mirror.
 */
export { redisLimiter, type RedisLimiterOptions } from './limiter.js';
export { redisApiUsage, type RedisApiUsage, type RedisApiUsageOptions } from './apiUsage.js';
export { redisSessionCache, type RedisSessionCacheOptions } from './sessionCache.js';
export {
  runSyncWorker, SYNC_WORKER_DEFAULTS, syncWorker$, type SyncJobEvent, type SyncWorkerEvent, type SyncWorkerOptions,
  type SyncWorkerStateEvent,
} from './syncWorker.js';
