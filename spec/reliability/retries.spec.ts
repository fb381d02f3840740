import { TestScheduler } from 'rxjs/testing';
import { SalesforceClient } from '../../src/client/client.js';
import { RequestLimitExceededError, ServerUnavailableError } from '../../src/client/errors.js';
import type { RetryEvent } from '../../src/client/types.js';
import { type CannedResponse, createFakeTransport, ok, type Reply, respond } from '../../src/testing/index.js';
import { loginTo } from '../support/org.js';
import { startChaosOrg } from './support.js';

const session = { accessToken: '00D000000000001!AQ4AQ.fake', instanceUrl: 'https://acme.my.salesforce.com' };
const unavailable = (data: unknown, status = 503): CannedResponse => ({ status, data });

describe('retries as the caller sees them', () => {
  let scheduler: TestScheduler;
  beforeEach(() => { scheduler = new TestScheduler((a, e) => expect(a).toEqual(e)); });

  /** A client whose n-th request gets the n-th reply (the last repeats). */
  function clientWith(replies: Reply[], onRetry: (r: RetryEvent) => void, maxAttempts = 4) {
    const fake = createFakeTransport({ routes: [respond('*', /./, ...replies)], scheduler });
    const client = new SalesforceClient({ login: session, apiVersion: '62.0', transport: fake.transport, scheduler,
      retry: { baseDelayMs: 100, jitter: 'none', maxAttempts, onRetry } });
    return { fake, client };
  }

  it('onRetry hears each re-send with its number, delay and cause, and nothing for the final failure', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const events: RetryEvent[] = [];
      const { fake, client } = clientWith([cold('-e|', { e: unavailable('<html>down</html>') })], e => events.push(e), 3);
      expectObservable(client.request$({ method: 'GET', path: 'x' })).toBe('603ms #', undefined, jasmine.any(ServerUnavailableError));
      scheduler.flush();
      expect(fake.requests.length).toBe(3);
      expect(events.map(e => [e.retry, e.delayMs])).toEqual([[1, 200], [2, 400]]);
      expect(events.every(e => e.error instanceof ServerUnavailableError)).toBeTrue();
    });
  });

  it('onRetry is silent for a request that is not retried (a create answered 503)', () => {
    scheduler.run(() => {
      const events: RetryEvent[] = [];
      const { client } = clientWith([unavailable('')], e => events.push(e));
      client.request$({ method: 'POST', path: 'sobjects/Account', data: { Name: 'x' } }).subscribe({ error: () => undefined });
      scheduler.flush();
      expect(events).toEqual([]);
    });
  });

  it('a per-call retry setting keeps the client-wide onRetry', () => {
    scheduler.run(() => {
      const events: RetryEvent[] = [];
      const { client } = clientWith([unavailable('', 502), ok(1)], e => events.push(e));
      client.request$({ method: 'GET', path: 'x', retry: { maxAttempts: 2 } }).subscribe();
      scheduler.flush();
      expect(events.length).toBe(1);
    });
  });
});

describe('Salesforce request limits against the emulator', () => {
  it('backs off and retries the concurrency limit until every request succeeds', async () => {
    const { emu } = await startChaosOrg({ maxConcurrent: 2, latencyMs: 20 });
    const retried: RetryEvent[] = [];
    // more in flight than the org allows: the org refuses the excess before processing it
    const busy = new SalesforceClient({ login: loginTo(emu), maxConcurrent: 6,
      retry: { baseDelayMs: 10, maxDelayMs: 40, maxAttempts: 20, onRetry: e => retried.push(e) } });
    try {
      await busy.apiVersion();
      const answers = await Promise.all(Array.from({ length: 6 }, () => busy.request({ method: 'GET', path: 'limits' })));
      expect(answers.every(a => a.status === 200)).toBeTrue();
      expect(emu.stats.faults.concurrency).toBeGreaterThan(0);
      expect(retried.length).toBe(emu.stats.faults.concurrency);
      expect(retried.every(e => e.error instanceof RequestLimitExceededError && e.error.concurrent)).toBeTrue();
    } finally {
      await emu.stop();
    }
  });

  it('stops at once with REQUEST_LIMIT_EXCEEDED when the daily allowance is spent', async () => {
    const { emu, client } = await startChaosOrg({ dailyApiLimit: 3 });
    try {
      for (let i = 0; i < 3; i++) await client.request({ method: 'GET', path: 'limits' });
      const before = emu.stats.requests;
      const e = await client.request({ method: 'GET', path: 'limits' }).then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(RequestLimitExceededError);
      expect((e as RequestLimitExceededError).concurrent).toBeFalse();
      expect(String(e)).toContain('TotalRequests Limit exceeded');
      expect(emu.stats.requests - before).withContext('requests for the refused call').toBe(1);
      expect(client.apiUsage).toEqual({ used: 3, max: 3 });
    } finally {
      await emu.stop();
    }
  });
});
