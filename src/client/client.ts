/**
 * `SalesforceClient`: the one place requests leave from. A request goes through the client-wide concurrency limit,
 * gets a session (single-flight login/refresh), the API version (discovered once), and the retry policy.
 */
import {
  asyncScheduler, catchError, defer, firstValueFrom, lastValueFrom, map, type Observable, of, ReplaySubject, type SchedulerLike,
  shareReplay, switchMap, tap, throwError, timeout,
} from 'rxjs';
import { parseLimitInfo } from './apiUsage.js';
import { ApiBudgetExceededError, ExpiredSessionError, NetworkError, SalesforceApiError } from './errors.js';
import { Limiter } from './limiter.js';
import { relativeUrl } from '../util/redact.js';
import { isIdempotentMethod, resolveRetryConfig, retryPolicy, type ResolvedRetryConfig } from './retry.js';
import { SessionManager } from './session.js';
import { defaultTransport } from './defaultTransport.js';
import type {
  ApiUsage, ConcurrencyLimiter, LoginContext, LoginFlow, SalesforceClientOptions, Session, SfRequest, SfResponse, Transport, TransportRequest,
} from './types.js';

const DEFAULT_MAX_CONCURRENT = 10;
/** Default wait for one attempt's answer: Salesforce answers ordinary REST calls well within it. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
/** Default wait for a bulk upload or download (a part of up to 100 MB, a result page). */
export const DEFAULT_TRANSFER_TIMEOUT_MS = 600_000;
/** Longest a login keeps retrying a token endpoint that answers 5xx or drops the connection. */
export const LOGIN_RETRY_MAX_MS = 30_000;
/** Salesforce's wording when a token lacks the `api` scope; a new token from the same flow has the same scope. */
const REST_SCOPE_MESSAGE = /not valid for use with the REST API/i;

const registry = new Map<string, SalesforceClient>();
let defaultClient: SalesforceClient | undefined;

export class SalesforceClient {
  /** Scheduler for every timer the client starts (backoff). */
  readonly scheduler: SchedulerLike | undefined;
  /** The org's API usage from the latest `Sforce-Limit-Info` header; replays the latest value. */
  readonly apiUsage$: Observable<ApiUsage>;
  /** The client-wide concurrency limit (exposed for progress displays and tests); shared when one was given. */
  readonly limiter: ConcurrencyLimiter;

  private readonly transport: Transport;
  private readonly sessions: SessionManager;
  private readonly usage = new ReplaySubject<ApiUsage>(1);
  private latestUsage: ApiUsage | undefined;
  /** Org clock minus local clock, from the latest `Date` header (undefined until a response carried one). */
  private clockOffset: number | undefined;
  private version: string | undefined;
  private versionInflight: Observable<string> | undefined;
  private resolvedRetry: ReturnType<typeof resolveRetryConfig> | undefined;

  constructor(private readonly options: SalesforceClientOptions = {}) {
    if (options.apiVersion !== undefined && !/^\d+\.\d$/.test(options.apiVersion)) {
      throw new TypeError(`apiVersion must look like '62.0', got ${JSON.stringify(options.apiVersion)}`);
    }
    if (options.apiBudget !== undefined && !(options.apiBudget > 0 && options.apiBudget <= 1)) {
      throw new RangeError(`apiBudget is a fraction in (0, 1], got ${options.apiBudget}`);
    }
    this.scheduler = options.scheduler;
    this.version = options.apiVersion;
    if (options.limiter && options.maxConcurrent !== undefined) {
      throw new TypeError('Give either maxConcurrent or limiter: a shared limiter has its own number of slots');
    }
    this.limiter = options.limiter ?? new Limiter(options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT);
    this.transport = options.transport ?? defaultTransport(options);
    this.apiUsage$ = this.usage.asObservable();
    const login = options.login;
    const flow = login && isLoginFlow(login) ? login : undefined;
    const initial = login && !isLoginFlow(login) ? login : undefined;
    this.sessions = new SessionManager(flow, initial, previous => this.loginContext(previous), options.onTokenRefresh,
      options.scheduler, options.sessionCache);
  }

  /**
   * The org's clock at a local instant (default: now), in epoch ms, as the `Date` header of the latest response tells
   * it; undefined until a response carried one (a browser sees it only when CORS exposes it). Never ahead of the
   * org: the header is whole seconds, rounded down, and was written before the response travelled, so the estimate
   * errs early by up to a second plus the response's transit time. Local time is the client's scheduler's `now()`.
   */
  orgTime(localTime: number = this.localNow()): number | undefined {
    return this.clockOffset === undefined ? undefined : localTime + this.clockOffset;
  }

  /** The client's own clock: its scheduler's `now()`, so virtual time in marble specs. */
  localNow(): number {
    return this.scheduler ? this.scheduler.now() : Date.now();
  }

  /** The latest known API usage, if any response carried it. */
  get apiUsage(): ApiUsage | undefined { return this.latestUsage; }

  /**
   * The client's retry policy with its defaults filled in (`false` when retries are off), for operations that re-send
   * on their own terms (a bulk part is re-sent with a fresh body, which the transport cannot rebuild).
   */
  get retryConfig(): ResolvedRetryConfig | false { return resolveRetryConfig(this.options.retry); }

  /**
   * Sends one request. Cold: nothing is sent before subscribe, and unsubscribing aborts it (or drops it from the
   * queue). Emits one `SfResponse`, or errors with a typed error from `errors.ts`.
   * @example client.request$({ method: 'GET', path: 'sobjects/Account/describe' }).subscribe(r => r.data)
   */
  request$<T = unknown>(req: SfRequest): Observable<SfResponse<T>> {
    return defer(() => {
      if ((req.path === undefined) === (req.url === undefined)) {
        return throwError(() => new TypeError('A request needs exactly one of `path` or `url`'));
      }
      const budget = this.budgetError();
      if (budget) return throwError(() => budget);
      const idempotent = req.idempotent ?? isIdempotentMethod(req.method);
      // a body read once cannot go out a second time: its re-send is the caller's, with a fresh body
      const config = isOneShotBody(req.data) ? false
        : req.retry === undefined ? this.defaultRetry() : resolveRetryConfig(this.options.retry, req.retry);
      const earlier: unknown[] = [];
      const attempt$ = this.limiter.run(() => defer(() => {
        const late = this.budgetError();
        if (late) return throwError(() => late);
        // an anonymous call to an absolute URL needs no session, so it neither waits on nor fails with a login
        if (req.anonymous && req.url !== undefined && /^https?:\/\//i.test(req.url)) {
          return this.send$({ method: req.method, url: withParams(req.url, req.params), headers: { ...this.baseHeaders(), ...req.headers },
            data: req.data, responseType: req.responseType ?? 'json' }, this.timeoutFor(req));
        }
        return this.sessions.session$().pipe(switchMap(session => this.sendWithRefresh$(req, session)));
      })).pipe(tap({ error: (err: unknown) => earlier.push(err) }));
      return attempt$.pipe(
        retryPolicy(config, idempotent, this.scheduler),
        map(res => (earlier.length > 0 ? { ...res, retriedAfter: earlier.slice() } : res)),
        catchError((err: unknown) => {
          // the last entry of `earlier` is this error itself
          if (err instanceof SalesforceApiError && earlier.length > 1) err.retriedAfter = earlier.slice(0, -1);
          return throwError(() => err);
        }),
      );
    }) as Observable<SfResponse<T>>;
  }

  /** Promise twin of `request$`. */
  request<T = unknown>(req: SfRequest): Promise<SfResponse<T>> {
    return firstValueFrom(this.request$<T>(req));
  }

  /** The API version ('62.0'): pinned, or the latest listed at `/services/data/`, discovered once per client. */
  apiVersion$(): Observable<string> {
    return defer(() => {
      if (this.version) return of(this.version);
      this.versionInflight ??= this.sessions.session$().pipe(
        switchMap(session => this.send$({
          method: 'GET', url: `${session.instanceUrl}/services/data/`, headers: this.baseHeaders(), responseType: 'json',
        }, this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS)),
        retryPolicy(resolveRetryConfig(this.options.retry), true, this.scheduler),
        map(res => latestVersion(res.data)),
        tap({
          next: v => { this.version = v; },
          finalize: () => { this.versionInflight = undefined; },
        }),
        shareReplay({ bufferSize: 1, refCount: false }),
      );
      return this.versionInflight;
    });
  }

  /** Promise twin of `apiVersion$`. */
  apiVersion(): Promise<string> { return firstValueFrom(this.apiVersion$()); }

  /**
   * Hands the client a login obtained after it was made — the app's own OAuth callback (`authorizationCodeLogin` with
   * the PKCE verifier), another user, a session restored from storage. The session held so far is forgotten (a login
   * in flight too), so no later request goes out as the previous user; requests already sent finish as they began.
   * @example client.signIn(authorizationCodeLogin({ code, codeVerifier, redirectUri, consumerKey }))
   */
  signIn(login: LoginFlow | Session): void {
    if (!login || typeof login !== 'object') throw new TypeError('signIn needs a login flow or a session');
    if (isLoginFlow(login)) this.sessions.replace(login, undefined);
    else this.sessions.replace(undefined, login);
  }

  /**
   * What logs and `JSON.stringify(client)` show: the login flow's description, whether a session is held, the
   * instance and API version. Never a token, password or key (the session and options stay out of sight).
   */
  toJSON(): Record<string, unknown> {
    return { ...this.sessions.toJSON(), apiVersion: this.version, maxConcurrent: this.limiter.maxConcurrent };
  }

  /** `util.inspect` / `console.log` in Node show the same safe summary. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SalesforceClient ${JSON.stringify(this.toJSON())}`;
  }

  /** Forgets the session and the login flow: later requests fail with `AuthenticationError` (`no_login`) until `signIn`. */
  signOut(): void {
    this.sessions.replace(undefined, undefined);
  }

  /** The current session, logging in if needed. */
  session$(): Observable<Session> { return this.sessions.session$(); }

  /** Promise twin of `session$`. */
  session(): Promise<Session> { return firstValueFrom(this.session$()); }

  /**
   * A session newer than `stale`: the one another request already obtained, or a single-flight login. For APIs that
   * do not go through `request$` (the Pub/Sub API's gRPC calls) and learn of an expired session themselves.
   */
  refreshSession$(stale: Session): Observable<Session> { return this.sessions.refresh$(stale); }

  /** The org limits (`GET /limits`): DailyApiRequests, DailyBulkApiRequests … each `{ Max, Remaining }`. */
  limits$(): Observable<Record<string, { Max: number; Remaining: number }>> {
    return this.request$<Record<string, { Max: number; Remaining: number }>>({ method: 'GET', path: 'limits' }).pipe(map(r => r.data));
  }

  /** Promise twin of `limits$`. */
  limits(): Promise<Record<string, { Max: number; Remaining: number }>> { return lastValueFrom(this.limits$()); }

  /** Registers a named connection (`{ client: 'prod' }` in any operation). The first one registered becomes the default. */
  static register(name: string, client: SalesforceClient): void {
    registry.set(name, client);
    defaultClient ??= client;
  }

  /** A named connection, or the default one. */
  static get(name?: string): SalesforceClient {
    if (name === undefined) {
      if (!defaultClient) throw new Error('No default Salesforce connection: call SalesforceClient.setDefault(client) or pass { client }');
      return defaultClient;
    }
    const client = registry.get(name);
    if (!client) throw new Error(`No Salesforce connection named ${JSON.stringify(name)} (registered: ${[...registry.keys()].join(', ') || 'none'})`);
    return client;
  }

  /** Makes `client` the connection used when an operation gets no `client` option. */
  static setDefault(client: SalesforceClient | undefined): void {
    defaultClient = client;
  }

  /** Forgets every named connection and the default (tests). */
  static clearRegistry(): void {
    registry.clear();
    defaultClient = undefined;
  }

  private sendWithRefresh$(req: SfRequest, session: Session): Observable<SfResponse<unknown>> {
    return this.sendAs$(req, session).pipe(catchError((err: unknown) => {
      if (req.anonymous || !isInvalidSession(err) || REST_SCOPE_MESSAGE.test(err.message) || !this.sessions.canRefresh) {
        return throwError(() => err);
      }
      // a body read once (a stream) is gone: the session is renewed for the caller's next attempt, which builds a
      // fresh body (a bulk part is re-sent so), and this request fails with the 401 — the org did not process it
      if (isOneShotBody(req.data)) return this.sessions.refresh$(session).pipe(switchMap(() => throwError(() => err)));
      // at most one refresh per request: the re-send below is not wrapped again
      return this.sessions.refresh$(session).pipe(switchMap(fresh => this.sendAs$(req, fresh)));
    }));
  }

  private sendAs$(req: SfRequest, session: Session): Observable<SfResponse<unknown>> {
    const send = (base: string, onInstance: boolean) => {
      const url = withParams(base, req.params);
      const headers: Record<string, string> = { ...this.baseHeaders(), ...req.headers };
      // the token only goes to the instance it was issued for (a path is on it by construction)
      if (!req.anonymous && (onInstance || sameOrigin(url, session.instanceUrl))) headers.Authorization = `Bearer ${session.accessToken}`;
      return this.send$({ method: req.method, url, headers, data: req.data, responseType: req.responseType ?? 'json' },
        this.timeoutFor(req));
    };
    if (req.path === undefined) return send(absoluteUrl(req.url!, session.instanceUrl), false);
    const pathUrl = (v: string) => `${session.instanceUrl}/services/data/v${v}/${req.path!.replace(/^\/+/, '')}`;
    // the version is known after the first request (or pinned): no Observable to build it
    if (this.version) return send(pathUrl(this.version), true);
    return this.apiVersion$().pipe(switchMap(v => send(pathUrl(v), true)));
  }

  /** The client's retry config without a per-request override, resolved once (it never changes). */
  private defaultRetry(): ReturnType<typeof resolveRetryConfig> {
    if (this.resolvedRetry === undefined) this.resolvedRetry = resolveRetryConfig(this.options.retry);
    return this.resolvedRetry;
  }

  /** The per-attempt timeout of a call (see `SfRequest.timeoutMs`). */
  private timeoutFor(req: SfRequest): number | false {
    if (req.timeoutMs !== undefined) return req.timeoutMs;
    const transfer = req.transfer ?? req.responseType === 'stream';
    return transfer ? this.options.transferTimeoutMs ?? DEFAULT_TRANSFER_TIMEOUT_MS
      : this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  /**
   * One transport call, with API usage recorded from success and error responses alike. Without an answer within
   * `timeoutMs` the call is unsubscribed (aborting it) and fails with NetworkError ETIMEDOUT: it was sent, so it may
   * have been done.
   */
  private send$(treq: TransportRequest, timeoutMs: number | false): Observable<SfResponse<unknown>> {
    const sent$ = this.transport(treq);
    const bounded$ = timeoutMs === false || !(timeoutMs > 0) || !Number.isFinite(timeoutMs) ? sent$ : sent$.pipe(timeout({
      first: timeoutMs,
      scheduler: this.scheduler ?? asyncScheduler,
      with: () => throwError(() => new NetworkError({ code: 'ETIMEDOUT', message: `no answer within ${timeoutMs} ms`,
        method: treq.method, url: treq.url, sent: true })),
    }));
    return bounded$.pipe(
      map(res => ({ ...res, url: relativeUrl(res.url || treq.url), method: treq.method })),
      tap({
        next: res => { this.recordUsage(res.headers); this.recordDate(res.headers); },
        error: (err: unknown) => {
          if (err instanceof SalesforceApiError) { this.recordUsage(err.headers); this.recordDate(err.headers); }
        },
      }),
    );
  }

  private baseHeaders(): Record<string, string> {
    return this.options.callOptions ? { 'Sforce-Call-Options': this.options.callOptions } : {};
  }

  private recordUsage(headers: Record<string, string> | undefined): void {
    const usage = parseLimitInfo(headers?.['sforce-limit-info']);
    if (!usage) return;
    const last = this.latestUsage;
    this.latestUsage = usage;
    if (!last || last.used !== usage.used || last.max !== usage.max) {
      this.usage.next(usage);
      this.options.apiUsageShare?.publish(usage);
    }
  }

  private recordDate(headers: Record<string, string> | undefined): void {
    const date = headers?.date;
    if (typeof date !== 'string') return;
    const orgMs = Date.parse(date);
    if (!Number.isNaN(orgMs)) this.clockOffset = orgMs - this.localNow();
  }

  private budgetError(): ApiBudgetExceededError | undefined {
    const budget = this.options.apiBudget;
    const own = this.latestUsage;
    const shared = this.options.apiUsageShare?.latest();
    // another process may have seen the org use more of its allowance than this client has
    const usage = own && shared ? (shared.used / shared.max > own.used / own.max ? shared : own) : own ?? shared;
    if (budget === undefined || !usage) return undefined;
    return usage.used / usage.max >= budget ? new ApiBudgetExceededError(usage.used, usage.max, budget) : undefined;
  }

  private loginContext(previous?: Session): LoginContext {
    return {
      previous,
      post: async (url, body, headers) => {
        // a token request creates nothing a second try could duplicate, so a dropped connection or a 503 from the
        // login endpoint is retried like an idempotent call, inside the one login every waiting request shares, and
        // for at most LOGIN_RETRY_MAX_MS so the waiters hear of a down login endpoint in bounded time
        const config = resolveRetryConfig(this.options.retry);
        const bounded = config && { ...config, maxTotalMs: Math.min(config.maxTotalMs, LOGIN_RETRY_MAX_MS) };
        const wait = this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
        const res = await lastValueFrom(this.send$({ method: 'POST', url, headers: { ...this.baseHeaders(), ...headers },
          data: body, responseType: 'json' }, wait === false ? LOGIN_RETRY_MAX_MS : Math.min(wait, LOGIN_RETRY_MAX_MS))
          .pipe(retryPolicy(bounded, true, this.scheduler)));
        return { status: res.status, data: res.data, headers: res.headers };
      },
    };
  }
}

/** Every operation takes `{ client?: SalesforceClient | string }` and calls this. */
export function resolveClient(client?: SalesforceClient | string): SalesforceClient {
  return client instanceof SalesforceClient ? client : SalesforceClient.get(client);
}

function isLoginFlow(login: LoginFlow | Session): login is LoginFlow {
  return typeof (login as LoginFlow).login === 'function';
}

/**
 * A request body that is consumed by sending it: a Node Readable, a WHATWG ReadableStream, any async iterable. A
 * string, bytes, a Blob or FormData can be sent again as they are.
 */
export function isOneShotBody(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  return typeof (data as { pipe?: unknown }).pipe === 'function' || typeof (data as { getReader?: unknown }).getReader === 'function'
    || typeof (data as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

function isInvalidSession(err: unknown): err is ExpiredSessionError {
  return err instanceof ExpiredSessionError && (err.errorCode === 'INVALID_SESSION_ID' || err.errorCode === 'HTTP_401');
}

/** The highest `version` in the `/services/data/` listing. */
export function latestVersion(listing: unknown): string {
  const versions = Array.isArray(listing)
    ? listing.map(v => (v as { version?: unknown })?.version).filter((v): v is string => typeof v === 'string' && /^\d+\.\d+$/.test(v))
    : [];
  if (versions.length === 0) throw new TypeError('GET /services/data/ listed no API versions');
  return versions.reduce((a, b) => (Number(b) > Number(a) ? b : a));
}

function absoluteUrl(url: string, instanceUrl: string): string {
  if (/^https?:\/\//i.test(url)) return url;
  // bulk `contentUrl` comes without a leading slash ("services/data/v62.0/jobs/…")
  return `${instanceUrl}/${url.replace(/^\/+/, '')}`;
}

function withParams(url: string, params: SfRequest['params']): string {
  if (!params) return url;
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) search.append(k, String(v));
  const qs = search.toString();
  if (!qs) return url;
  return url + (url.includes('?') ? '&' : '?') + qs;
}

function sameOrigin(url: string, instanceUrl: string): boolean {
  try { return new URL(url).origin === new URL(instanceUrl).origin; } catch { return false; }
}
