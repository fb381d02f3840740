import { asyncScheduler, delay, lastValueFrom, merge, of, type SchedulerLike, toArray } from 'rxjs';
import { SalesforceClient } from '../../src/client/client.js';
import { refreshTokenLogin } from '../../src/client/auth/refreshToken.js';
import { AuthenticationError, ServerUnavailableError } from '../../src/client/errors.js';
import { LOGIN_BACKOFF } from '../../src/client/session.js';
import { type CannedResponse, createFakeTransport, ok, respond } from '../../src/testing/index.js';

const instanceUrl = 'https://acme.my.salesforce.com';
const expired = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];
const TOKEN = 'https://login.salesforce.com/services/oauth2/token';

/** asyncScheduler with a clock that only the spec moves (timers still run in real time, and are short here). */
function clockScheduler(): SchedulerLike & { advance(ms: number): void } {
  let offset = 0;
  const start = Date.now();
  return Object.assign(Object.create(asyncScheduler) as SchedulerLike, {
    now: () => start + offset,
    advance(ms: number) { offset += ms; },
  });
}

/**
 * A token endpoint answering `tokenAnswer(n)` to its n-th call (an Error fails it), and an API answering 401 to any
 * token other than the one last issued.
 */
function org(tokenAnswer: (n: number) => CannedResponse | undefined) {
  let issued = 0;
  let valid = '';
  const tokenCalls = () => fake.requests.filter(c => c.url === TOKEN).length;
  const fake = createFakeTransport({ routes: [
    respond('*', /./, req => of(req.headers.Authorization?.replace('Bearer ', '') === valid ? ok({}) : { status: 401, data: expired }).pipe(delay(1))),
    respond('POST', '/services/oauth2/token', () => {
      const failure = tokenAnswer(tokenCalls());
      if (failure) return of(failure).pipe(delay(2));
      valid = `00D000000000001!token-${++issued}`;
      return of(ok({ access_token: valid, instance_url: instanceUrl, token_type: 'Bearer', issued_at: '1', signature: 's' })).pipe(delay(2));
    }),
  ] });
  return { fake, tokenCalls, revoke: () => { valid = 'revoked'; } };
}

const invalidGrant = (): CannedResponse => ({ status: 400, data: { error: 'invalid_grant', error_description: 'expired access/refresh token' } });

async function settleAll(client: SalesforceClient, n: number): Promise<PromiseSettledResult<unknown>[]> {
  return Promise.allSettled(Array.from({ length: n }, (_, i) => client.request({ method: 'GET', path: `sobjects/Account/${i}` })));
}

describe('a failed refresh', () => {
  it('is one login attempt for 100 concurrent requests, failing all of them with AuthenticationError', async () => {
    const o = org(n => (n > 1 ? invalidGrant() : undefined));
    const client = new SalesforceClient({ login: refreshTokenLogin({ refreshToken: '5Aep-refresh', consumerKey: 'key' }),
      apiVersion: '62.0', transport: o.fake.transport });
    await client.request({ method: 'GET', path: 'limits' });
    o.revoke();
    const results = await settleAll(client, 100);
    expect(o.tokenCalls()).toBe(2); // the first login and one refresh
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const e = (r as PromiseRejectedResult).reason;
      expect(e).toBeInstanceOf(AuthenticationError);
      expect((e as AuthenticationError).error).toBe('invalid_grant');
    }
  });

  it('retries a 503 from the token endpoint inside the one attempt, then fails every waiter with the 503 as cause', async () => {
    const o = org(n => (n > 1 ? { status: 503, data: 'down' } : undefined));
    const client = new SalesforceClient({ login: refreshTokenLogin({ refreshToken: '5Aep-refresh', consumerKey: 'key' }),
      apiVersion: '62.0', transport: o.fake.transport, retry: { baseDelayMs: 1, maxAttempts: 3 } });
    await client.request({ method: 'GET', path: 'limits' });
    o.revoke();
    const results = await settleAll(client, 100);
    expect(o.tokenCalls()).toBe(1 + 3);
    for (const r of results) {
      const e = (r as PromiseRejectedResult).reason as AuthenticationError;
      expect(e).toBeInstanceOf(AuthenticationError);
      expect(e.cause).toBeInstanceOf(ServerUnavailableError);
      expect(e.status).toBe(503);
    }
  });

  it('starts no new login until the backoff has passed, then logs in again', async () => {
    let down = true;
    const o = org(n => (n > 1 && down ? invalidGrant() : undefined));
    const scheduler = clockScheduler();
    const client = new SalesforceClient({ login: refreshTokenLogin({ refreshToken: '5Aep-refresh', consumerKey: 'key' }),
      apiVersion: '62.0', transport: o.fake.transport, scheduler });
    await client.request({ method: 'GET', path: 'limits' });
    o.revoke();
    await settleAll(client, 10);
    expect(o.tokenCalls()).toBe(2);
    // within the backoff: every request fails at once with the same error, and the token endpoint hears nothing
    scheduler.advance(LOGIN_BACKOFF.baseDelayMs - 10);
    const during = await settleAll(client, 10);
    expect(o.tokenCalls()).toBe(2);
    expect(during.every(r => r.status === 'rejected' && r.reason instanceof AuthenticationError)).toBeTrue();
    // after it: one new attempt; failing again doubles the wait
    scheduler.advance(20);
    await settleAll(client, 10);
    expect(o.tokenCalls()).toBe(3);
    scheduler.advance(LOGIN_BACKOFF.baseDelayMs + 10);
    await settleAll(client, 10);
    expect(o.tokenCalls()).withContext('second backoff is twice the first').toBe(3);
    scheduler.advance(LOGIN_BACKOFF.baseDelayMs);
    down = false;
    const all = await lastValueFrom(merge(...Array.from({ length: 10 }, (_, i) => client.request$({ method: 'GET', path: `x/${i}` }))).pipe(toArray()));
    expect(all.length).toBe(10);
    expect(o.tokenCalls()).toBe(4);
  });
});
