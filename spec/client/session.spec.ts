import { delay, merge, of, toArray, lastValueFrom } from 'rxjs';
import { SalesforceClient, resolveClient } from '../../src/client/client.js';
import { AuthenticationError, ExpiredSessionError } from '../../src/client/errors.js';
import { tokenLogin } from '../../src/client/auth/token.js';
import type { LoginFlow, Session } from '../../src/client/types.js';
import { type CannedResponse, createFakeTransport, ok, type Reply, respond } from '../../src/testing/index.js';

const instanceUrl = 'https://acme.my.salesforce.com';
const expired = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];

/** A login flow that hands out token-1, token-2 … and counts calls. */
function countingFlow(fail?: (n: number) => Error | undefined): LoginFlow & { calls: number; previous: Array<Session | undefined> } {
  const flow = {
    kind: 'test', calls: 0, previous: [] as Array<Session | undefined>,
    login: async (ctx: { previous?: Session }) => {
      flow.calls++;
      flow.previous.push(ctx.previous);
      await new Promise(r => setTimeout(r, 5));
      const err = fail?.(flow.calls);
      if (err) throw err;
      return { accessToken: `00D000000000001!token-${flow.calls}`, instanceUrl };
    },
  };
  return flow;
}

/** Answers 401 to any token but `valid()`, 200 otherwise, asynchronously. */
function sessionAwareTransport(valid: () => string) {
  return answering(req => {
    const token = req.headers.Authorization?.replace('Bearer ', '');
    return of(token === valid() ? ok({ url: req.url }) : { status: 401, data: expired }).pipe(delay(2));
  });
}

/** A transport answering every request with `reply`, logging each. */
const answering = (reply: Reply) => createFakeTransport({ routes: [respond('*', /./, reply)] });
const unauthorized = (data: unknown): CannedResponse => ({ status: 401, data });

describe('sessions', () => {
  afterEach(() => SalesforceClient.clearRegistry());

  it('logs in once on first use, however many requests start together', async () => {
    const flow = countingFlow();
    const fake = sessionAwareTransport(() => '00D000000000001!token-1');
    const client = new SalesforceClient({ login: flow, apiVersion: '62.0', transport: fake.transport, maxConcurrent: 25 });
    const all = await lastValueFrom(merge(...Array.from({ length: 20 }, (_, i) => client.request$({ method: 'GET', path: `x/${i}` }))).pipe(toArray()));
    expect(all.length).toBe(20);
    expect(flow.calls).toBe(1);
  });

  for (const n of [20, 100]) {
    it(`refreshes in a single flight when ${n} requests in flight find the session expired`, async () => {
      const flow = countingFlow();
      let valid = 'none yet';
      const fake = sessionAwareTransport(() => valid);
      const seen: Session[] = [];
      const refreshing = new SalesforceClient({
        login: flow, apiVersion: '62.0', transport: fake.transport, maxConcurrent: 100, onTokenRefresh: s => seen.push(s),
      });
      valid = '00D000000000001!token-1';
      await refreshing.session();
      valid = '00D000000000001!token-2'; // the org expires token-1
      const all = await lastValueFrom(merge(...Array.from({ length: n }, (_, i) => refreshing.request$({ method: 'GET', path: `x/${i}` }))).pipe(toArray()));
      expect(all.length).toBe(n);
      expect(all.every(r => r.status === 200)).toBeTrue();
      expect(flow.calls).toBe(2); // the first login and exactly one refresh
      expect(flow.previous[1]?.accessToken).toBe('00D000000000001!token-1');
      expect(seen.map(s => s.accessToken)).toEqual(['00D000000000001!token-1', '00D000000000001!token-2']);
      // every request was sent at most twice: once with the stale token, once with the new one
      expect(fake.requests.length).toBe(2 * n);
    });
  }

  it('fails with AuthenticationError when the refresh fails, without looping', async () => {
    const flow = countingFlow(n => n > 1 ? new AuthenticationError('invalid_grant', 'expired access/refresh token') : undefined);
    let valid = '00D000000000001!token-1';
    const fake = sessionAwareTransport(() => valid);
    const client = new SalesforceClient({ login: flow, apiVersion: '62.0', transport: fake.transport });
    await client.request({ method: 'GET', path: 'a' });
    valid = 'revoked';
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => client.request({ method: 'GET', path: `b/${i}` })));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(AuthenticationError);
    }
    expect(flow.calls).toBe(2);
    expect(fake.requests.length).toBe(1 + 5);
  });

  it('gives up after one refresh when the new token is refused too', async () => {
    const flow = countingFlow();
    const fake = sessionAwareTransport(() => 'never');
    const client = new SalesforceClient({ login: flow, apiVersion: '62.0', transport: fake.transport });
    await expectAsync(client.request({ method: 'GET', path: 'a' })).toBeRejectedWithError(ExpiredSessionError);
    expect(flow.calls).toBe(2);
    expect(fake.requests.length).toBe(2);
  });

  it('does not refresh when the token lacks REST API scope', async () => {
    const flow = countingFlow();
    const fake = answering(unauthorized([{ message: 'This session is not valid for use with the REST API', errorCode: 'INVALID_SESSION_ID' }]));
    const client = new SalesforceClient({ login: flow, apiVersion: '62.0', transport: fake.transport });
    await expectAsync(client.request({ method: 'GET', path: 'a' })).toBeRejectedWithError(ExpiredSessionError, /not valid for use with the REST API/);
    expect(flow.calls).toBe(1);
    expect(fake.requests.length).toBe(1);
  });

  it('a static token cannot refresh: the 401 surfaces as ExpiredSessionError', async () => {
    const fake = answering(unauthorized(expired));
    const client = new SalesforceClient({ login: tokenLogin({ instanceUrl, accessToken: '00D000000000001!static' }), apiVersion: '62.0', transport: fake.transport });
    await expectAsync(client.request({ method: 'GET', path: 'a' })).toBeRejectedWithError(ExpiredSessionError, 'Session expired or invalid');
    expect(fake.requests.length).toBe(1);
  });

  it('signIn after construction: a client made signed out logs in with the flow handed over later', async () => {
    const fake = sessionAwareTransport(() => '00D000000000001!token-1');
    const client = new SalesforceClient({ apiVersion: '62.0', transport: fake.transport });
    await expectAsync(client.request({ method: 'GET', path: 'a' })).toBeRejectedWithError(AuthenticationError, /no_login/);
    expect(fake.requests.length).toBe(0);
    const flow = countingFlow();
    client.signIn(flow);
    expect((await client.request({ method: 'GET', path: 'a' })).status).toBe(200);
    expect(flow.calls).toBe(1);
  });

  it('signIn as another user: no request goes out with the previous session, and its late login is dropped', async () => {
    let valid = '00D000000000001!token-1';
    const fake = sessionAwareTransport(() => valid);
    const first = countingFlow();
    const seen: string[] = [];
    const client = new SalesforceClient({ login: first, apiVersion: '62.0', transport: fake.transport, onTokenRefresh: s => seen.push(s.accessToken) });
    await client.request({ method: 'GET', path: 'a' });
    const late = client.request({ method: 'GET', path: 'b' }); // sent with token-1, before the switch
    client.signIn({ accessToken: '00D000000000002!other-user', instanceUrl });
    valid = '00D000000000002!other-user';
    await expectAsync(late).toBeResolved(); // refreshed onto the session now held, never a new login of the first flow
    await client.request({ method: 'GET', path: 'c' });
    const tokens = fake.requests.map(c => c.headers.Authorization);
    expect(tokens[tokens.length - 1]).toBe('Bearer 00D000000000002!other-user');
    expect(first.calls).toBe(1);
    expect(seen).toEqual(['00D000000000001!token-1']);

    // a login in flight when the user changes neither becomes the session nor is reported
    const slow = countingFlow();
    client.signIn(slow);
    const pending = client.session();
    client.signIn({ accessToken: '00D000000000003!third', instanceUrl });
    await pending;
    expect((await client.session()).accessToken).toBe('00D000000000003!third');
    expect(seen).toEqual(['00D000000000001!token-1']);
  });

  it('signOut forgets the session: later requests fail before anything is sent', async () => {
    const fake = sessionAwareTransport(() => '00D000000000001!token-1');
    const client = new SalesforceClient({ login: countingFlow(), apiVersion: '62.0', transport: fake.transport });
    await client.request({ method: 'GET', path: 'a' });
    client.signOut();
    await expectAsync(client.request({ method: 'GET', path: 'b' })).toBeRejectedWithError(AuthenticationError, /no_login/);
    expect(fake.requests.length).toBe(1);
    expect(() => client.signIn(undefined as never)).toThrowError(TypeError, /signIn needs a login flow or a session/);
  });

  it('refuses an instance URL that is plain http on a public host', async () => {
    const flow: LoginFlow = { kind: 'test', login: async () => ({ accessToken: '00D000000000001!x', instanceUrl: 'http://acme.my.salesforce.com' }) };
    const client = new SalesforceClient({ login: flow, apiVersion: '62.0', transport: answering(ok(1)).transport });
    await expectAsync(client.session()).toBeRejectedWithError(TypeError, /must use https/);
    expect(() => tokenLogin({ instanceUrl: 'http://example.com', accessToken: 'x' })).toThrowError(TypeError, /must use https/);
    expect(() => tokenLogin({ instanceUrl: 'http://127.0.0.5:8080', accessToken: 'x' })).not.toThrow();
    expect(() => tokenLogin({ instanceUrl: 'http://localhost:8080', accessToken: 'x' })).not.toThrow();
    expect(() => tokenLogin({ instanceUrl: 'http://[::1]:8080', accessToken: 'x' })).not.toThrow();
  });
});

describe('named connections', () => {
  afterEach(() => SalesforceClient.clearRegistry());

  it('registers, resolves by name, and uses the first (or setDefault) as the default', () => {
    const a = new SalesforceClient({ login: { accessToken: 't', instanceUrl } });
    const b = new SalesforceClient({ login: { accessToken: 't', instanceUrl } });
    SalesforceClient.register('prod', a);
    SalesforceClient.register('sandbox', b);
    expect(SalesforceClient.get()).toBe(a);
    expect(resolveClient('sandbox')).toBe(b);
    expect(resolveClient(b)).toBe(b);
    SalesforceClient.setDefault(b);
    expect(resolveClient()).toBe(b);
    expect(() => resolveClient('nope')).toThrowError(/No Salesforce connection named "nope" \(registered: prod, sandbox\)/);
  });

  it('says what to do when there is no default', () => {
    expect(() => resolveClient()).toThrowError(/setDefault/);
  });
});
