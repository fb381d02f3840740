/**
 * The Redis server specs use: found through RXFORCE_TEST_REDIS_URL (`.ci/with-redis CMD` starts a throwaway one and
 * sets it). Without it a spec is pending with a one-line reason, except under CI, where a missing server is a failure.
 */
import { randomBytes } from 'node:crypto';

export const REDIS_URL_VARIABLE = 'RXFORCE_TEST_REDIS_URL';

/** The server's URL; when absent, marks the running spec pending (or fails it when `CI` is set). Call inside an `it`. */
export function redisUrl(): string {
  const url = process.env[REDIS_URL_VARIABLE];
  if (url) return url;
  if (process.env.CI) throw new Error(`${REDIS_URL_VARIABLE} is not set: CI must provide a Redis server (.ci/with-redis)`);
  pending(`no Redis server: set ${REDIS_URL_VARIABLE} or run the spec through .ci/with-redis`);
  throw new Error('unreachable: pending() throws');
}

/** A key prefix of its own per spec, so specs sharing one server never see each other's keys. */
export function uniquePrefix(): string {
  return `rxforce-spec-${randomBytes(6).toString('hex')}`;
}
