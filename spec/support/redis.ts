/**
 * The Redis server specs use: found through RXFORCE_TEST_REDIS_URL (`.ci/with-redis CMD` starts a throwaway one and
 * sets it). Without it a spec is pending with a one-line reason, except under CI, where a missing server is a failure.
 */
import { randomBytes } from 'node:crypto';
import { envServerUrl, type EnvServer } from './outsideServer.js';

export const REDIS_URL_VARIABLE = 'RXFORCE_TEST_REDIS_URL';
export const REDIS: EnvServer = { name: 'Redis', variable: REDIS_URL_VARIABLE, script: '.ci/with-redis' };

/** The server's URL; when absent, marks the running spec pending (or fails it when `CI` is set). Call inside an `it`. */
export function redisUrl(): string {
  return envServerUrl(REDIS);
}

/** A key prefix of its own per spec, so specs sharing one server never see each other's keys. */
export function uniquePrefix(): string {
  return `rxforce-spec-${randomBytes(6).toString('hex')}`;
}
