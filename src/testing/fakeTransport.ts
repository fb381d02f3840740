/**
 * A transport that answers from routes instead of the network. Replies given as cold Observables run on whatever
 * scheduler drives them (a TestScheduler inside `run()`), so latency, polling and retries play out in virtual time.
 */
import { defer, finalize, isObservable, map, type Observable, of, type SchedulerLike, take } from 'rxjs';
import { errorFromResponse } from '../client/errors.js';
import { isSuccessStatus } from '../client/response.js';
import type { SfResponse, Transport, TransportRequest } from '../client/types.js';
import { matches } from './respond.js';
import type { CannedResponse, LoggedRequest, Reply, Route } from './types.js';

export interface FakeTransportOptions {
  routes?: Route[];
  /** Stamps each logged request with `scheduler.now()`. */
  scheduler?: SchedulerLike;
}

export interface FakeTransport {
  /** Pass as `SalesforceClientOptions.transport`. */
  readonly transport: Transport;
  /** Every request received, in order. */
  readonly requests: LoggedRequest[];
  /** Requests whose reply has not finished (or been cancelled) yet. */
  readonly inFlight: number;
  /** The most requests in flight at once so far. */
  readonly maxInFlight: number;
  /** Adds routes; later routes are tried first, so a test can override a default. */
  respond(...routes: Route[]): void;
  /** Requests matching a method and pattern, e.g. `requestsTo('PATCH', /sobjects\/Account/)`. */
  requestsTo(method: LoggedRequest['method'] | '*', pattern: RegExp | string): LoggedRequest[];
}

/**
 * Creates the fake. A request no route matches fails with a 404 `NOT_FOUND` whose message names the request, so a
 * missing route shows up in the test output rather than as a hang.
 */
export function createFakeTransport(options: FakeTransportOptions = {}): FakeTransport {
  const routes: Route[] = [...(options.routes ?? [])];
  const requests: LoggedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const transport: Transport = (req: TransportRequest) => defer(() => {
    const logged = toLogged(req, options.scheduler);
    requests.push(logged);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const route = [...routes].reverse().find(r => matches(r, req.method, logged.path));
    const answer$: Observable<CannedResponse> = route ? replyOf(route, logged) : of(unrouted(logged));
    return answer$.pipe(
      take(1),
      map(canned => toResponse(canned, req)),
      finalize(() => { inFlight--; }),
    );
  });

  return {
    transport,
    requests,
    get inFlight() { return inFlight; },
    get maxInFlight() { return maxInFlight; },
    respond: (...more) => { routes.push(...more); },
    requestsTo: (method, pattern) => requests.filter(r => (method === '*' || r.method === method)
      && (typeof pattern === 'string' ? r.path.includes(pattern) : pattern.test(r.path))),
  };
}

function replyOf(route: Route, req: LoggedRequest): Observable<CannedResponse> {
  const reply: Reply = route.replies[Math.min(route.hits.length, route.replies.length - 1)];
  (route.hits as LoggedRequest[]).push(req);
  const value = typeof reply === 'function' ? reply(req) : reply;
  return isObservable(value) ? value : of(value);
}

function unrouted(req: LoggedRequest): CannedResponse {
  return { status: 404, data: [{ errorCode: 'NOT_FOUND', message: `No test route for ${req.method} ${req.path}` }] };
}

/** Successes become `SfResponse`s; any other status errors with the client's typed error, as the real transport does. */
function toResponse(canned: CannedResponse, req: TransportRequest): SfResponse<unknown> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(canned.headers ?? {})) headers[k.toLowerCase()] = v;
  const res: SfResponse<unknown> = { status: canned.status, headers, data: fresh(canned.data), method: req.method, url: req.url };
  if (!isSuccessStatus(canned.status)) throw errorFromResponse(res);
  return res;
}

/**
 * A JSON-like body as a new value for every response, as a body parsed off the wire is: the client may keep what a
 * response gave it (a read record keeps its row for change tracking), so a route answering the same object twice,
 * or a test changing it after the answer, must not reach into records already read. Anything else (bytes, streams)
 * is passed as it is.
 */
function fresh(data: unknown): unknown {
  if (data === null || typeof data !== 'object') return data;
  const proto = Object.getPrototypeOf(data);
  if (!Array.isArray(data) && proto !== Object.prototype && proto !== null) return data;
  try {
    return structuredClone(data);
  } catch {
    return data; // holds something that cannot be cloned (a function): as it is
  }
}

function toLogged(req: TransportRequest, scheduler?: SchedulerLike): LoggedRequest {
  const url = new URL(req.url);
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => { query[k] = v; });
  let body = req.data;
  if (typeof body === 'string' && /json/i.test(headerOf(req.headers, 'content-type') ?? 'json') && /^\s*[[{]/.test(body)) {
    try { body = JSON.parse(body); } catch { /* keep the text */ }
  }
  return {
    method: req.method, url: req.url, path: url.pathname + url.search, query, headers: req.headers, body,
    time: scheduler ? scheduler.now() : Date.now(), raw: req,
  };
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find(k => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

