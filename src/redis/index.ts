/**
 * rxforce/redis (Node): processes that share one org through Redis share its limits — an org-wide concurrency
 * limit, the daily API budget, and optionally one session.
 */
export { redisLimiter, type RedisLimiterOptions } from './limiter.js';
export { redisApiUsage, type RedisApiUsage, type RedisApiUsageOptions } from './apiUsage.js';
export { redisSessionCache, type RedisSessionCacheOptions } from './sessionCache.js';
