import type { HttpMethod } from '../client/types.js';
import type { Reply, Route } from './types.js';

/**
 * A route for the fake transport: requests whose method matches and whose instance-relative URL matches `pattern`
 * (a RegExp, or a string the path must contain) get the replies in order; the last one answers every later call.
 *
 * @example
 * import { respond, queryPage } from 'rxforce/testing';
 * respond('GET', /\/query\?/, cold('--a|', { a: queryPage([{ Id: '001…' }]) }));
 * respond('GET', /\/jobs\/ingest\/750/, job('InProgress'), job('JobComplete')); // polling sees both states
 */
export function respond(method: HttpMethod | '*', pattern: RegExp | string, ...replies: Reply[]): Route {
  if (replies.length === 0) throw new TypeError(`respond(${method}, ${String(pattern)}) needs at least one reply`);
  return { method, pattern, replies, hits: [] };
}

/** Whether `route` answers a request with this method and instance-relative path. */
export function matches(route: Route, method: HttpMethod, path: string): boolean {
  if (route.method !== '*' && route.method !== method) return false;
  return typeof route.pattern === 'string' ? path.includes(route.pattern) : route.pattern.test(path);
}
