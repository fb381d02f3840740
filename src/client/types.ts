import type { AxiosInstance, AxiosRequestConfig } from 'axios';
import type { Observable, SchedulerLike } from 'rxjs';

/** HTTP methods the Salesforce APIs use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

/** How the body of a response is read. `stream` gives a Node Readable (Node) or a ReadableStream (browser). */
export type ResponseType = 'json' | 'text' | 'arraybuffer' | 'stream';

/**
 * One request as callers describe it.
 *
 * `path` is relative to the versioned data root (`sobjects/Account` → `/services/data/v62.0/sobjects/Account`);
 * `url` is an instance-relative path (`/services/data/v62.0/query/01g…-2000`) or an absolute URL. Exactly one of them.
 */
export interface SfRequest {
  method: HttpMethod;
  path?: string;
  url?: string;
  params?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /**
   * JSON-serialisable value, a string, bytes, FormData, or a Node Readable for streamed uploads. A body read once (a
   * Readable, a ReadableStream, an async iterable) is never sent twice: such a request is not retried, and on a 401
   * the client renews the session and fails with the `ExpiredSessionError`, so the caller re-sends a fresh body.
   */
  data?: unknown;
  responseType?: ResponseType;
  /**
   * Whether re-sending the request can change the org twice. Defaults from the method: GET, HEAD, PUT, DELETE are
   * idempotent; POST and PATCH are not unless the caller says so (a collections update or a retrieve POST does).
   */
  idempotent?: boolean;
  /** Per-call retry override; `false` disables retries for this call. */
  retry?: Partial<RetryConfig> | false;
  /** Skip the session (used for `/services/data/` and login endpoints). */
  anonymous?: boolean;
  /**
   * Longest wait for this request's answer, per attempt; `false` waits forever. Default: the client's
   * `requestTimeoutMs`, or `transferTimeoutMs` for a transfer. A timed-out request fails with `NetworkError`
   * `ETIMEDOUT` (`sent: true`): retried when idempotent, otherwise reported as possibly done.
   */
  timeoutMs?: number | false;
  /**
   * A bulk upload or download (a Bulk API part, result pages, a file body): gets `transferTimeoutMs`. Requests with
   * `responseType: 'stream'` count as transfers without saying so.
   */
  transfer?: boolean;
}

export interface SfResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  data: T;
  /** The request as finally sent (method and instance-relative url), for errors and logs — never a token. */
  method: HttpMethod;
  url: string;
  /**
   * The errors of earlier attempts when the retry policy re-sent this request; absent on a first-time answer. An
   * earlier attempt that may have reached the org (a connection dropped after sending) can have done the work already.
   */
  retriedAfter?: unknown[];
}

/** What a login yields. */
export interface Session {
  accessToken: string;
  instanceUrl: string;
  /** OAuth `id` URL, when the flow returns one. */
  id?: string;
  refreshToken?: string;
  issuedAt?: number;
  organizationId?: string;
  userId?: string;
}

/** A login flow: called once at first use and again (single flight) when the session expires. */
export interface LoginFlow {
  readonly kind: string;
  /** False when logging in again cannot yield a new token (a static access token); default true. */
  readonly canRefresh?: boolean;
  login(ctx: LoginContext): Promise<Session>;
}

export interface LoginContext {
  /**
   * A transport-level POST used by the flows so they share the client's axios instance and adapter. Resolves for
   * 2xx; a non-2xx answer rejects with the typed error (`AuthenticationError` for OAuth error objects and SOAP
   * login faults).
   */
  post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; data: unknown; headers: Record<string, string> }>;
  /** The previous session, for refresh_token flows. */
  previous?: Session;
  signal?: AbortSignal;
}

export interface RetryConfig {
  /** Maximum attempts including the first. Default 4. */
  maxAttempts: number;
  /** Base delay in ms for `2 ** n * base` with full jitter. Default 500. */
  baseDelayMs: number;
  /** Cap of one delay. Default 30,000. */
  maxDelayMs: number;
  /** Give up when the next delay would pass this much total time since the first attempt. Default 120,000. */
  maxTotalMs: number;
  /** HTTP statuses that are transient. Default [420, 429, 500, 502, 503, 504]. */
  statuses: number[];
  /** `full` (default): each delay is uniform in [0, 2 ** n * base]; `none`: exactly `2 ** n * base`. */
  jitter?: 'full' | 'none';
  /**
   * Called once per retry, before its backoff starts, with the error that caused it (for logs and counters: a sync
   * daemon can count retries per hour). Not called for the first attempt nor when the policy gives up.
   */
  onRetry?: (retry: RetryEvent) => void;
}

/** What `RetryConfig.onRetry` is told about one retry. */
export interface RetryEvent {
  /** 1 for the first retry (the second attempt), 2 for the next … */
  retry: number;
  /** The backoff before the re-send, in ms. */
  delayMs: number;
  /** The failure being retried (a typed error from `errors.ts`). */
  error: unknown;
}

export interface ApiUsage {
  used: number;
  max: number;
}

/**
 * A transport sends one prepared request. The default uses `node:http` in Node (axios when the client is given an
 * axios instance or axios config) and `fetch` in browser builds;
 * `rxforce/testing` supplies a fake driven by the TestScheduler. Unsubscribing aborts.
 */
export type Transport = (req: TransportRequest) => Observable<SfResponse<unknown>>;

export interface TransportRequest {
  method: HttpMethod;
  /** Absolute URL. */
  url: string;
  headers: Record<string, string>;
  data?: unknown;
  responseType: ResponseType;
}

/**
 * Where every request of a client takes a slot before it is sent. The default is the in-process `Limiter`;
 * `rxforce/redis` supplies one shared by every process that uses the same Redis and org. Unsubscribing from `run`
 * while the work waits for a slot must drop it without sending anything.
 */
export interface ConcurrencyLimiter {
  /** Requests in flight at once across everyone sharing this limiter. */
  readonly maxConcurrent: number;
  /** Subscribes to `work()` once a slot is held; the slot is released when that subscription ends. */
  run<T>(work: () => Observable<T>): Observable<T>;
}

/**
 * API usage shared between processes (`rxforce/redis`): what this client reads from `Sforce-Limit-Info` is
 * published, and the budget check also looks at the latest usage any other process published.
 */
export interface ApiUsageShare {
  /** The highest usage seen by anyone sharing, or undefined when nothing was published yet. */
  latest(): ApiUsage | undefined;
  /** Tells the others of usage this client just read. */
  publish(usage: ApiUsage): void;
}

/**
 * Sessions shared between processes (`rxforce/redis`), so N workers of one org log in once: a client reads the
 * cache before logging in and writes every new session to it.
 */
export interface SessionCache {
  /** The session stored for this login, if any. */
  get(): Promise<Session | undefined>;
  /** Stores a session obtained by a login (it replaces a stale one). */
  set(session: Session): Promise<void>;
}

export interface SalesforceClientOptions {
  /** A login flow, or a ready session. */
  login?: LoginFlow | Session;
  /** Pin the API version ('62.0'); default: the latest listed at `/services/data/`, discovered once. */
  apiVersion?: string;
  /** Requests in flight at once across every operation of this client. Default 10 (Salesforce allows 25 long-running). */
  maxConcurrent?: number;
  /** A limiter to use instead of an in-process one of `maxConcurrent` slots, e.g. `redisLimiter` from `rxforce/redis`. */
  limiter?: ConcurrencyLimiter;
  /** API usage shared with other processes, so `apiBudget` stops new work everywhere (`rxforce/redis`). */
  apiUsageShare?: ApiUsageShare;
  /** Sessions shared with other processes, so they log in once (`rxforce/redis`). */
  sessionCache?: SessionCache;
  retry?: Partial<RetryConfig> | false;
  /** Called with each new session (first login and every refresh) so callers can persist tokens. */
  onTokenRefresh?: (session: Session) => void;
  /** Replaces the default transport (tests, custom stacks). */
  transport?: Transport;
  /**
   * An axios instance to send every request with (interceptors, proxies) instead of Node's `node:http` transport or a
   * browser build's fetch. Without it, Node still hands axios the requests made while a proxy is set in the
   * environment (`HTTPS_PROXY` …).
   */
  axios?: AxiosInstance;
  /**
   * Axios config: every request is then sent with axios and this config, e.g. `{ httpsAgent }` for keep-alive
   * tuning (Node 20's global agent already keeps connections alive), `proxy` or `timeout`. A browser build needs
   * `axios` with it.
   */
  axiosConfig?: AxiosRequestConfig;
  /** Scheduler for every timer the client starts (backoff); tests pass a TestScheduler. */
  scheduler?: SchedulerLike;
  /** `Sforce-Call-Options: client=…`. */
  callOptions?: string;
  /** Stop starting new work when the org's API usage passes this fraction (0..1) of its daily allowance. */
  apiBudget?: number;
  /**
   * Longest wait for one attempt's answer (until the response headers arrive), in ms; `false` waits forever.
   * Default 120,000. A call can override it with `timeoutMs`. Login requests wait at most 30 s.
   */
  requestTimeoutMs?: number | false;
  /** The same for bulk uploads and downloads (`transfer: true`, streamed responses). Default 600,000. */
  transferTimeoutMs?: number | false;
}
