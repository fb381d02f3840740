import { catchError, map, Observable, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { SalesforceClient } from '../../src/client/client.js';
import { passwordLogin } from '../../src/client/auth/password.js';
import { AuthenticationError, NetworkError } from '../../src/client/errors.js';
import { type CannedResponse, createFakeTransport, type LoggedRequest, ok, type Reply, respond } from '../../src/testing/index.js';
import { defineSObject, sf } from '../../src/model/index.js';
import { insertList } from '../../src/operators/insertList.js';

const instanceUrl = 'https://acme.my.salesforce.com';
const session = { accessToken: '00D000000000001!token', instanceUrl };
const Account = defineSObject('Account', { Id: sf.id(), Name: sf.string({ length: 255 }) });

/** A transport answering every request with `reply`, logging each. */
const answering = (reply: Reply) => createFakeTransport({ routes: [respond('*', /./, reply)] });

/** A transport that never answers the requests `hangs` picks, counting how many of them were given up (aborted). */
function hangingTransport(hangs: (req: LoggedRequest) => boolean) {
  let aborted = 0;
  const fake = answering(req => hangs(req)
    ? new Observable<CannedResponse>(() => () => { aborted++; })
    : of(ok({})));
  return { fake, aborted: () => aborted };
}

/** An answer `ms` later (real time). */
const answerAfter = (ms: () => number, data: unknown) => () => new Observable<CannedResponse>(s => {
  const t = setTimeout(() => { s.next(ok(data)); s.complete(); }, ms());
  return () => clearTimeout(t);
});

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e);
}

describe('request timeouts', () => {
  it('give up an idempotent request that gets no answer, abort it, and retry it', async () => {
    const { fake, aborted } = hangingTransport(() => true);
    const client = new SalesforceClient({ login: session, apiVersion: '62.0', transport: fake.transport,
      requestTimeoutMs: 20, retry: { maxAttempts: 3, baseDelayMs: 1 } });
    const e = await failure(client.request({ method: 'GET', path: 'sobjects/Account/001000000000001AAA' })) as NetworkError;
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.code).toBe('ETIMEDOUT');
    expect(e.sent).toBeTrue();
    expect(fake.requests.length).toBe(3);
    expect(aborted()).toBe(3);
  });

  it('a call can wait longer, or forever, than the client default', async () => {
    let delayMs = 60;
    const fake = answering(answerAfter(() => delayMs, {}));
    const client = new SalesforceClient({ login: session, apiVersion: '62.0', transport: fake.transport,
      requestTimeoutMs: 10, retry: false });
    expect(await failure(client.request({ method: 'GET', path: 'a' }))).toBeInstanceOf(NetworkError);
    expect((await client.request({ method: 'GET', path: 'a', timeoutMs: 5_000 })).status).toBe(200);
    delayMs = 30;
    expect((await client.request({ method: 'GET', path: 'a', timeoutMs: false })).status).toBe(200);
  });

  it('gives bulk uploads and downloads the longer transfer timeout', async () => {
    const fake = answering(answerAfter(() => 40, ''));
    const client = new SalesforceClient({ login: session, apiVersion: '62.0', transport: fake.transport,
      requestTimeoutMs: 10, transferTimeoutMs: 5_000, retry: false });
    const put = await client.request({ method: 'PUT', path: 'jobs/ingest/750/batches', data: 'Name\na\n', transfer: true, responseType: 'text' });
    expect(put.status).toBe(200);
    const stream = await client.request({ method: 'GET', path: 'jobs/query/750/results', responseType: 'stream' });
    expect(stream.status).toBe(200);
    expect(await failure(client.request({ method: 'PUT', path: 'jobs/ingest/750/batches', data: 'x', responseType: 'text' })))
      .toBeInstanceOf(NetworkError);
  });

  it('a create that times out is reported AMBIGUOUS_REQUEST and never re-sent', async () => {
    const { fake } = hangingTransport(req => req.method === 'POST');
    const client = new SalesforceClient({ login: session, apiVersion: '62.0', transport: fake.transport,
      requestTimeoutMs: 20, retry: { maxAttempts: 3, baseDelayMs: 1 } });
    const results = await insertList(Account, [{ Name: 'a' }, { Name: 'b' }], { client });
    expect(results.map(r => r.errors[0]?.statusCode)).toEqual(['AMBIGUOUS_REQUEST', 'AMBIGUOUS_REQUEST']);
    expect(fake.requests.filter(c => c.method === 'POST').length).toBe(1);
  });

  it('a token endpoint that never answers fails every waiting call with AuthenticationError, in bounded time', async () => {
    const { fake } = hangingTransport(req => req.url.endsWith('/services/oauth2/token'));
    const client = new SalesforceClient({
      login: passwordLogin({ username: 'u@example.com', password: 'pw', consumerKey: 'key', consumerSecret: 'secret' }),
      apiVersion: '62.0', transport: fake.transport, requestTimeoutMs: 20, retry: { maxAttempts: 2, baseDelayMs: 1 },
    });
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => client.request({ method: 'GET', path: `x/${i}` })));
    for (const r of results) {
      const e = (r as PromiseRejectedResult).reason as AuthenticationError;
      expect(e).toBeInstanceOf(AuthenticationError);
      expect((e.cause as NetworkError).code).toBe('ETIMEDOUT');
    }
    expect(fake.requests.length).toBe(2);
  });
});

describe('request timeout defaults', () => {
  it('are 120 s for a call and 600 s for a transfer (virtual time)', () => {
    const { fake } = hangingTransport(() => true);
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ expectObservable }) => {
      const client = new SalesforceClient({ login: session, apiVersion: '62.0', transport: fake.transport, retry: false, scheduler });
      const code = (e: unknown) => of((e as NetworkError).code);
      expectObservable(client.request$({ method: 'GET', path: 'a' }).pipe(map(() => 'answered'), catchError(code)))
        .toBe('120000ms (e|)', { e: 'ETIMEDOUT' });
      expectObservable(client.request$({ method: 'GET', path: 'b', transfer: true }).pipe(map(() => 'answered'), catchError(code)))
        .toBe('600000ms (e|)', { e: 'ETIMEDOUT' });
    });
  });
});
