/**
 * Holds the client's session: logs in on first use, and refreshes in a single flight so that any number of requests
 * that got 401 with the same stale token share one login call.
 */
import { defer, finalize, from, map, type Observable, of, shareReplay, tap, throwError } from 'rxjs';
import { AuthenticationError } from './errors.js';
import { rememberSecret } from '../util/redact.js';
import { assertSecureUrl } from './secureUrl.js';
import type { LoginContext, LoginFlow, Session } from './types.js';

export class SessionManager {
  private session: Session | undefined;
  private inflight: Observable<Session> | undefined;
  /** Bumped by `replace`: a login started before it neither stores nor reports its session. */
  private generation = 0;

  constructor(
    private flow: LoginFlow | undefined,
    initial: Session | undefined,
    private readonly context: (previous?: Session) => LoginContext,
    private readonly onSession?: (session: Session) => void,
  ) {
    if (initial) this.session = checked(initial);
  }

  /** Whether a stale session can be replaced by logging in again. */
  get canRefresh(): boolean {
    return !!this.flow && this.flow.canRefresh !== false;
  }

  /** The session the client holds right now, if any (no login). */
  get current(): Session | undefined { return this.session; }

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
    const generation = this.generation;
    const shared = defer(() => from(flow.login(this.context(previous)))).pipe(
      map(checked),
      tap({
        next: session => {
          if (generation !== this.generation) return; // signed out or in again meanwhile
          this.session = session;
          this.onSession?.(session);
        },
        error: () => {
          // a failed refresh forgets the stale session: the next request starts a fresh login instead of a 401
          if (generation === this.generation && previous && this.session?.accessToken === previous.accessToken) this.session = undefined;
        },
      }),
      finalize(() => { if (this.inflight === shared) this.inflight = undefined; }),
      shareReplay({ bufferSize: 1, refCount: false }),
    );
    this.inflight = shared;
    return shared;
  }
}

function checked(session: Session): Session {
  if (!session || typeof session.accessToken !== 'string' || !session.accessToken) {
    throw new AuthenticationError('invalid_session', 'The login returned no access token');
  }
  rememberSecret(session.accessToken);
  rememberSecret(session.refreshToken);
  return { ...session, instanceUrl: assertSecureUrl(session.instanceUrl) };
}
