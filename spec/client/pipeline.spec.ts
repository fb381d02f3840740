import { count, merge, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { SalesforceClient } from '../../src/client/client.js';
import type { Limiter } from '../../src/client/limiter.js';
import {
  ApiBudgetExceededError, MalformedRequestError, NetworkError, RequestLimitExceededError, ServerUnavailableError,
} from '../../src/client/errors.js';
import type { SfResponse } from '../../src/client/types.js';
import { type CannedResponse, createFakeTransport, ok, type Reply, respond } from '../../src/testing/index.js';

const session = { accessToken: '00D000000000001!AQ4AQ.fake', instanceUrl: 'https://acme.my.salesforce.com' };
const VERSIONS = [{ label: "Summer '14", url: '/services/data/v31.0', version: '31.0' },
  { label: "Winter '25", url: '/services/data/v62.0', version: '62.0' }, { label: "Spring '24", url: '/services/data/v60.0', version: '60.0' }];

/** A transport answering every request with `replies` in order (the last repeats), logging each. */
const answering = (...replies: Reply[]) => createFakeTransport({ routes: [respond('*', /./, ...replies)] });
/** A non-2xx answer, which the fake raises as the client's typed error, as the real transport does. */
const status = (code: number, data: unknown, headers: Record<string, string> = {}): CannedResponse => ({ status: code, data, headers });

describe('request pipeline (virtual time)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => { scheduler = new TestScheduler((a, e) => expect(a).toEqual(e)); });

  it('is cold: nothing is sent before subscribe', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const fake = answering(cold('-r|', { r: ok(1) }));
      const client = new SalesforceClient({ login: session, apiVersion: '62.0', transport: fake.transport, scheduler });
      const req$ = client.request$({ method: 'GET', path: 'limits' });
      expect(fake.requests.length).toBe(0);
      expectObservable(req$.pipe(m => m as Observable<SfResponse<unknown>>)).toBe('-(r|)', { r: jasmine.objectContaining({ data: 1 }) });
    });
  });

  it('builds the url from the versioned root and sends the bearer token and call options', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const fake = answering(cold('r|', { r: ok(null) }));
      const client = new SalesforceClient({ login: session, apiVersion: '62.0', transport: fake.transport, callOptions: 'client=rxforce' });
      expectObservable(merge(
        client.request$({ method: 'GET', path: 'query', params: { q: 'SELECT Id FROM Account', skip: undefined } }),
        client.request$({ method: 'GET', url: '/services/data/v62.0/query/01gRO0000016PIAYA2-2000' }),
        client.request$({ method: 'GET', url: 'services/data/v62.0/jobs/ingest/7506g00000DhRA2AAN/batches' }),
        client.request$({ method: 'GET', url: 'https://elsewhere.example.com/x' }),
      ).pipe(count())).toBe('(n|)', { n: 4 });
      scheduler.flush();
      expect(fake.requests.map(c => c.url)).toEqual([
        'https://acme.my.salesforce.com/services/data/v62.0/query?q=SELECT+Id+FROM+Account',
        'https://acme.my.salesforce.com/services/data/v62.0/query/01gRO0000016PIAYA2-2000',
        'https://acme.my.salesforce.com/services/data/v62.0/jobs/ingest/7506g00000DhRA2AAN/batches',
        'https://elsewhere.example.com/x',
      ]);
      expect(fake.requests[0]!.headers).toEqual({ Authorization: `Bearer ${session.accessToken}`, 'Sforce-Call-Options': 'client=rxforce' });
      // the token never goes to another host
      expect(fake.requests[3]!.headers.Authorization).toBeUndefined();
    });
  });

  it('discovers the latest API version once, even with many requests at once', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const fake = answering(req => cold('-r|', { r: ok(req.url) }));
      fake.respond(respond('GET', /^\/services\/data\/$/, cold('---v|', { v: ok(VERSIONS) })));
      const client = new SalesforceClient({ login: session, transport: fake.transport, scheduler });
      const all = merge(...Array.from({ length: 10 }, (_, i) => client.request$({ method: 'GET', path: `sobjects/X${i}` })));
      // the listing answers at 3, every request at 4 (a transport completes with its answer)
      expectObservable(all.pipe(count())).toBe('----(n|)', { n: 10 });
      scheduler.flush();
      expect(fake.requests.filter(c => c.url.endsWith('/services/data/')).length).toBe(1);
      expect(fake.requests[0]!.headers.Authorization).toBeUndefined(); // the listing is anonymous
      expect(fake.requests.slice(1).every(c => c.url.startsWith('https://acme.my.salesforce.com/services/data/v62.0/sobjects/X'))).toBeTrue();
    });
  });

  it('skips discovery when the version is pinned', () => {
    scheduler.run(({ cold }) => {
      const fake = answering(cold('r|', { r: ok(null) }));
      const client = new SalesforceClient({ login: session, apiVersion: '58.0', transport: fake.transport });
      client.request$({ method: 'GET', path: 'limits' }).subscribe();
      scheduler.flush();
      expect(fake.requests.map(c => c.url)).toEqual(['https://acme.my.salesforce.com/services/data/v58.0/limits']);
    });
  });

  it('never has more than maxConcurrent requests in flight, and starts queued ones as slots free', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const fake = answering(req => cold('----r|', { r: ok(req.url.slice(-1)) }));
      const client = new SalesforceClient({ login: session, apiVersion: '62.0', maxConcurrent: 2, transport: fake.transport });
      const five = merge(...[1, 2, 3, 4, 5].map(i => client.request$<string>({ method: 'GET', path: `x/${i}` })));
      expectObservable(five.pipe(m => m as Observable<SfResponse<string>>), '^').toBe('----(ab)(cd)(e|)', {
        a: jasmine.objectContaining({ data: '1' }), b: jasmine.objectContaining({ data: '2' }),
        c: jasmine.objectContaining({ data: '3' }), d: jasmine.objectContaining({ data: '4' }),
        e: jasmine.objectContaining({ data: '5' }),
      });
      scheduler.flush();
      expect(fake.maxInFlight).toBe(2);
      expect((client.limiter as Limiter).active).toBe(0);
    });
  });

  it('drops a queued request when it is unsubscribed before it got a slot', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const fake = answering(req => cold('----r|', { r: ok(req.url.slice(-1)) }));
      const client = new SalesforceClient({ login: session, apiVersion: '62.0', maxConcurrent: 1, transport: fake.transport });
      expectObservable(client.request$({ method: 'GET', path: 'x/1' }).pipe(m => m as Observable<unknown>)).toBe('----(r|)', { r: jasmine.anything() });
      expectObservable(client.request$({ method: 'GET', path: 'x/2' }), '^-!').toBe('---');
      expectObservable(client.request$({ method: 'GET', path: 'x/3' }).pipe(m => m as Observable<unknown>)).toBe('--------(r|)', { r: jasmine.anything() });
      scheduler.flush();
      expect(fake.requests.map(c => c.url.slice(-1))).toEqual(['1', '3']);
      expect((client.limiter as Limiter).queued).toBe(0);
    });
  });

  it('unsubscribing a running request unsubscribes the transport (which aborts)', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const response = cold('------r|', { r: ok(1) });
      const fake = answering(response);
      const client = new SalesforceClient({ login: session, apiVersion: '62.0', transport: fake.transport });
      expectObservable(client.request$({ method: 'GET', path: 'x' }), '^--!').toBe('---');
      expectSubscriptions(response.subscriptions).toBe('^--!');
    });
  });
});

describe('retry policy (virtual time)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => { scheduler = new TestScheduler((a, e) => expect(a).toEqual(e)); });

  const noJitter = { baseDelayMs: 100, jitter: 'none' as const };

  /** A client whose n-th request gets the n-th reply (the last repeats). */
  function clientWith(replies: Reply[], retry: object = noJitter) {
    const fake = createFakeTransport({ routes: [respond('*', /./, ...replies)], scheduler });
    const client = new SalesforceClient({ login: session, apiVersion: '62.0', transport: fake.transport, scheduler, retry });
    return { fake, client };
  }

  it('retries transient statuses with 2 ** n * base backoff, then succeeds', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { fake, client } = clientWith([
        cold('--e|', { e: status(503, '<html>down</html>') }), cold('--e|', { e: status(503, '<html>down</html>') }),
        cold('--r|', { r: ok('done') })]);
      // attempt 1 fails at 2, waits 200 → attempt 2 fails at 204, waits 400 → attempt 3 answers at 606
      expectObservable(client.request$({ method: 'GET', path: 'x' }).pipe(m => m as Observable<unknown>))
        .toBe('606ms (r|)', { r: jasmine.objectContaining({ data: 'done' }) });
      scheduler.flush();
      expect(fake.requests.length).toBe(3);
    });
  });

  it('gives up after maxAttempts with the last error', () => {
    scheduler.run(({ expectObservable }) => {
      const { fake, client } = clientWith([status(500, [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'x' }])],
        { ...noJitter, maxAttempts: 3 });
      expectObservable(client.request$({ method: 'GET', path: 'x' })).toBe('600ms #', undefined, jasmine.any(Error));
      scheduler.flush();
      expect(fake.requests.length).toBe(3);
    });
  });

  it('waits at least Retry-After (delta seconds)', () => {
    scheduler.run(({ expectObservable }) => {
      const { client } = clientWith([status(429, '', { 'retry-after': '3' }), ok(1)]);
      expectObservable(client.request$({ method: 'GET', path: 'x' }).pipe(m => m as Observable<unknown>))
        .toBe('3000ms (r|)', { r: jasmine.anything() });
    });
  });

  it('waits at least Retry-After given as an HTTP-date', () => {
    scheduler.run(({ expectObservable }) => {
      // virtual time starts at 0, so the date is 5 s after the epoch
      const { client } = clientWith([status(503, '', { 'retry-after': new Date(5000).toUTCString() }), ok(1)]);
      expectObservable(client.request$({ method: 'GET', path: 'x' }).pipe(m => m as Observable<unknown>))
        .toBe('5000ms (r|)', { r: jasmine.anything() });
    });
  });

  it('keeps each delay within [0, 2 ** n * base] with full jitter', () => {
    scheduler.run(() => {
      const { fake, client } = clientWith([status(502, ''), status(502, ''), status(502, ''), ok(1)], { baseDelayMs: 1000 });
      client.request$({ method: 'GET', path: 'x' }).subscribe();
      scheduler.flush();
      const times = fake.requests.map(r => r.time);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      expect(gaps.length).toBe(3);
      gaps.forEach((g, i) => { expect(g).toBeGreaterThanOrEqual(0); expect(g).toBeLessThanOrEqual(2 ** (i + 1) * 1000); });
    });
  });

  it('stops when the next delay would pass maxTotalMs', () => {
    scheduler.run(({ expectObservable }) => {
      const { fake, client } = clientWith([status(503, '')], { ...noJitter, maxTotalMs: 500, maxAttempts: 10 });
      // 200 (t=200) → 400 would end at 600 > 500: stop after the second attempt
      expectObservable(client.request$({ method: 'GET', path: 'x' })).toBe('200ms #', undefined, jasmine.any(ServerUnavailableError));
      scheduler.flush();
      expect(fake.requests.length).toBe(2);
    });
  });

  it('does not retry a POST that may have reached the server', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { fake, client } = clientWith([cold('--e|', { e: status(503, '') })]);
      expectObservable(client.request$({ method: 'POST', path: 'sobjects/Account', data: { Name: 'x' } })).toBe('--#', undefined, jasmine.any(ServerUnavailableError));
      scheduler.flush();
      expect(fake.requests.length).toBe(1);
    });
  });

  it('does not retry a connection reset on a POST, but does on a PATCH marked idempotent', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const reset: Reply = req => cold<CannedResponse>('#', undefined, new NetworkError({ code: 'ECONNRESET', message: 'socket hang up', method: req.method, url: req.url }));
      const { fake, client } = clientWith([reset, reset, ok(1)]);
      expectObservable(client.request$({ method: 'POST', path: 'sobjects/Account' })).toBe('#', undefined, jasmine.any(NetworkError));
      expectObservable(client.request$({ method: 'PATCH', path: 'composite/sobjects', idempotent: true }).pipe(m => m as Observable<unknown>))
        .toBe('200ms (r|)', { r: jasmine.anything() });
      scheduler.flush();
      expect(fake.requests.length).toBe(3);
    });
  });

  it('retries a POST that provably never left (ECONNREFUSED)', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { fake, client } = clientWith([
        req => cold<CannedResponse>('#', undefined, new NetworkError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED', method: req.method, url: req.url })),
        { status: 201, data: { id: '001D000000IqhSLIAZ', success: true, errors: [] } }]);
      expectObservable(client.request$({ method: 'POST', path: 'sobjects/Account' }).pipe(m => m as Observable<unknown>))
        .toBe('200ms (r|)', { r: jasmine.objectContaining({ status: 201 }) });
      scheduler.flush();
      expect(fake.requests.length).toBe(2);
    });
  });

  it('retries 403 ConcurrentRequests, stops at once on the daily limit', () => {
    scheduler.run(({ expectObservable }) => {
      const concurrent = [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentRequests (Concurrent API Requests) Limit exceeded.' }];
      const daily = [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }];
      const a = clientWith([status(403, concurrent), ok(1)]);
      expectObservable(a.client.request$({ method: 'POST', path: 'sobjects/Account' }).pipe(m => m as Observable<unknown>))
        .toBe('200ms (r|)', { r: jasmine.anything() });
      const b = clientWith([status(403, daily)]);
      expectObservable(b.client.request$({ method: 'GET', path: 'limits' })).toBe('#', undefined, jasmine.any(RequestLimitExceededError));
      scheduler.flush();
      expect(b.fake.requests.length).toBe(1);
    });
  });

  it('does not retry a 400, and honours retry: false per call', () => {
    scheduler.run(({ expectObservable }) => {
      const { fake, client } = clientWith([status(400, [{ errorCode: 'MALFORMED_QUERY', message: 'unexpected token' }]), status(503, '')]);
      expectObservable(client.request$({ method: 'GET', path: 'query' })).toBe('#', undefined, jasmine.any(MalformedRequestError));
      expectObservable(client.request$({ method: 'GET', path: 'x', retry: false })).toBe('#', undefined, jasmine.any(ServerUnavailableError));
      scheduler.flush();
      expect(fake.requests.length).toBe(2);
    });
  });
});

describe('API usage', () => {
  it('publishes Sforce-Limit-Info and refuses new work past the budget without sending', async () => {
    const fake = answering(ok({}, { 'sforce-limit-info': 'api-usage=90/100, per-app-api-usage=3/250(appName=rxforce)' }));
    const client = new SalesforceClient({ login: session, apiVersion: '62.0', transport: fake.transport, apiBudget: 0.9 });
    const seen: unknown[] = [];
    client.apiUsage$.subscribe(u => seen.push(u));
    await client.request({ method: 'GET', path: 'limits' });
    expect(seen).toEqual([{ used: 90, max: 100 }]);
    expect(client.apiUsage).toEqual({ used: 90, max: 100 });
    await expectAsync(client.request({ method: 'GET', path: 'limits' })).toBeRejectedWithError(ApiBudgetExceededError, /90\/100.*no request was sent/);
    expect(fake.requests.length).toBe(1);
  });

  it('reads usage from error responses too', async () => {
    const fake = answering(status(404, [{ errorCode: 'NOT_FOUND', message: 'x' }], { 'sforce-limit-info': 'api-usage=18/5000' }));
    const client = new SalesforceClient({ login: session, apiVersion: '62.0', transport: fake.transport });
    await expectAsync(client.request({ method: 'GET', path: 'x' })).toBeRejected();
    expect(client.apiUsage).toEqual({ used: 18, max: 5000 });
  });

  it('limits$ returns the org limits', async () => {
    const limits = { DailyApiRequests: { Max: 15000, Remaining: 14998 } };
    const fake = answering(ok(limits));
    const client = new SalesforceClient({ login: session, apiVersion: '62.0', transport: fake.transport });
    expect(await client.limits()).toEqual(limits);
    expect(fake.requests[0]!.url).toBe('https://acme.my.salesforce.com/services/data/v62.0/limits');
  });
});
