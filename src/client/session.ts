/**
 * Holds the client's session: logs in on first use, and refreshes in a single flight so that any number of requests
 * that got 401 with the same stale token share one login call. Failures are single-flight too: every request waiting
 * on a login that fails gets the same `AuthenticationError`, and no new login starts until a backoff has passed (a
 * daemon retrying a revoked refresh token or a wrong password would otherwise lock the user out).
 */
import {
  asyncScheduler, catchError, defer, finalize, from, map, type Observable, of, type SchedulerLike, shareReplay, tap,
  throwError,
} from 'rxjs';
import { rememberSecret } from '../util/redact.js';
import { AuthenticationError, NetworkError, SalesforceApiError } from './errors.js';
import { assertSecureUrl } from './secureUrl.js';
import type { LoginContext, LoginFlow, Session, SessionCache } from './types.js';

/** Wait after a failed login before the next one may start: 1 s, doubling per consecutive failure, at most 60 s. */
export const LOGIN_BACKOFF = Object.freeze({ baseDelayMs: 1000, maxDelayMs: 60_000 });

interface Failure {
  error: unknown;
  /** Scheduler time before which no new login starts. */
  until: number;
}

export class SessionManager {
  private session: Session | undefined;
  private inflight: Observable<Session> | undefined;
  /** Bumped by `replace`: a login started before it neither stores nor reports its session. */
  private generation = 0;
  private failure: Failure | undefined;
  private failures = 0;

  constructor(
    private flow: LoginFlow | undefined,
    initial: Session | undefined,
    private readonly context: (previous?: Session) => LoginContext,
    private readonly onSession?: (session: Session) => void,
    private readonly scheduler: SchedulerLike = asyncScheduler,
    private readonly cache?: SessionCache,
  ) {
    if (initial) this.session = checked(initial);
  }

  /** Whether a stale session can be replaced by logging in again. */
  get canRefresh(): boolean {
    return !!this.flow && this.flow.canRefresh !== false;
  }

  /** The session the client holds right now, if any (no login). */
  get current(): Session | undefined { return this.session; }

  /** The login flow in use, as its own `toString` describes it (flows never show their secrets). */
  get loginDescription(): string | undefined { return this.flow ? String(this.flow) : undefined; }

  /** What logs and `JSON.stringify` show: whether a session is held and where, never a token. */
  toJSON(): Record<string, unknown> {
    return { login: this.loginDescription, signedIn: !!this.session, instanceUrl: this.session?.instanceUrl };
  }

  /** `util.inspect` / `console.log` in Node: the same safe summary (a symbol, so no `node:` import). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SessionManager ${JSON.stringify(this.toJSON())}`;
  }

  /**
   * Swaps the login: the session held so far and any login in flight are forgotten, and the next `session$()` uses
   * `initial` or logs in with `flow`.
   */
  replace(flow: LoginFlow | undefined, initial: Session | undefined): void {
    const session = initial ? checked(initial) : undefined;
    this.generation++;
    this.flow = flow;
    this.session = session;
    this.inflight = undefined;
    this.failure = undefined;
    this.failures = 0;
  }

  /** The current session, logging in if there is none. */
  session$(): Observable<Session> {
    return defer(() => this.session ? of(this.session) : this.login$(undefined));
  }

  /**
   * A session newer than `stale`: the one another request already obtained, the refresh in flight, or a new login.
   */
  refresh$(stale: Session): Observable<Session> {
    return defer(() => {
      if (this.session && this.session.accessToken !== stale.accessToken) return of(this.session);
      if (!this.canRefresh) {
        return throwError(() => new AuthenticationError('session_expired',
          'The session expired and the client has no login flow to get a new one (static access token)'));
      }
      return this.login$(stale);
    });
  }

  private login$(previous: Session | undefined): Observable<Session> {
    if (this.inflight) return this.inflight;
    const flow = this.flow;
    if (!flow) return throwError(() => new AuthenticationError('no_login', 'The client has neither a session nor a login flow'));
    const failure = this.failure;
    // within the backoff, the last failure answers for the login that would have been attempted
    if (failure && this.scheduler.now() < failure.until) return throwError(() => failure.error);
    const generation = this.generation;
    const shared = defer(() => from(this.obtain(flow, previous))).pipe(
      map(checked),
      tap(session => {
        if (generation !== this.generation) return; // signed out or in again meanwhile
        this.session = session;
        this.failure = undefined;
        this.failures = 0;
        this.onSession?.(session);
      }),
      catchError((e: unknown) => {
        const error = asAuthenticationError(e);
        if (generation !== this.generation) return throwError(() => error);
        this.failures++;
        const wait = Math.min(LOGIN_BACKOFF.maxDelayMs, LOGIN_BACKOFF.baseDelayMs * 2 ** (this.failures - 1));
        this.failure = { error, until: this.scheduler.now() + wait };
        // forgotten before the error reaches anyone: a waiter that asks again while the error is being delivered
        // must meet the failure, not resubscribe to this login (which would start another one)
        if (this.inflight === shared) this.inflight = undefined;
        // a failed refresh forgets the stale session: after the backoff the next request logs in afresh
        if (previous && this.session?.accessToken === previous.accessToken) this.session = undefined;
        return throwError(() => error);
      }),
      finalize(() => { if (this.inflight === shared) this.inflight = undefined; }),
      shareReplay({ bufferSize: 1, refCount: false }),
    );
    this.inflight = shared;
    return shared;
  }

  /**
   * A session from the shared cache when it holds one other than the session just refused (another process logged
   * in already), else a login whose session is stored for the others. The cache only saves logins: when it cannot be
   * read or written the client logs in as it would without one.
   */
  private async obtain(flow: LoginFlow, previous: Session | undefined): Promise<Session> {
    const cache = this.cache;
    if (cache) {
      const cached = await cache.get().catch(() => undefined);
      if (cached?.accessToken && cached.accessToken !== previous?.accessToken) return cached;
    }
    const session = await flow.login(this.context(previous));
    if (cache && session?.accessToken) await cache.set(session).catch(() => undefined);
    return session;
  }
}

/**
 * What a failed login hands its waiters: the flow's own AuthenticationError, an AuthenticationError carrying an
 * unreachable token endpoint's failure as cause, or a configuration error (an insecure instance URL) as it is.
 */
function asAuthenticationError(e: unknown): unknown {
  if (e instanceof SalesforceApiError) {
    return new AuthenticationError('login_unavailable', `the login endpoint answered ${e.status} ${e.errorCode}`,
      { status: e.status, method: e.method, url: e.url, cause: e });
  }
  if (e instanceof NetworkError) {
    return new AuthenticationError('login_unavailable', `the login endpoint could not be reached (${e.code})`,
      { method: e.method, url: e.url, cause: e });
  }
  return e;
}

function checked(session: Session): Session {
  if (!session || typeof session.accessToken !== 'string' || !session.accessToken) {
    throw new AuthenticationError('invalid_session', 'The login returned no access token');
  }
  rememberSecret(session.accessToken);
  rememberSecret(session.refreshToken);
  return { ...session, instanceUrl: assertSecureUrl(session.instanceUrl) };
}
