import type { SchedulerLike } from 'rxjs';
import { SalesforceClient } from '../client/client.js';
import type { RetryConfig, SalesforceClientOptions, Session } from '../client/types.js';
import { createFakeTransport, type FakeTransport } from './fakeTransport.js';
import type { Route } from './types.js';

/** The instance URL test clients talk to. */
export const TEST_INSTANCE_URL = 'https://test.my.salesforce.com';

export interface TestClientOptions {
  routes?: Route[];
  /** Pinned API version, so no `/services/data/` call happens. Default '62.0'. */
  apiVersion?: string;
  /** Default: a ready session for `TEST_INSTANCE_URL`; pass a login flow to test logins. */
  login?: SalesforceClientOptions['login'];
  /**
   * The retry policy. Default: the client's defaults with `jitter: 'none'`, so backoff waits are exactly
   * `2 ** n * baseDelayMs` and marble diagrams stay deterministic.
   */
  retry?: Partial<RetryConfig> | false;
  /** Any other client option (maxConcurrent, apiBudget, callOptions …). */
  client?: Omit<SalesforceClientOptions, 'transport' | 'scheduler' | 'login' | 'apiVersion' | 'retry'>;
}

export interface TestClient extends FakeTransport {
  client: SalesforceClient;
  /** The fake transport (also spread onto this object). */
  fake: FakeTransport;
}

/**
 * A `SalesforceClient` on a fake transport, with every timer on `scheduler`, so a pipeline built on rxforce can be
 * marble-tested: responses arrive when their marbles say, polling and retry backoff run in virtual time.
 *
 * @example
 * import { TestScheduler } from 'rxjs/testing';
 * import { createTestClient, respond, queryPage } from 'rxforce/testing';
 * scheduler.run(({ cold, expectObservable }) => {
 *   const { client } = createTestClient(scheduler, {
 *     routes: [respond('GET', /\/query\?/, cold('--a|', { a: queryPage([{ Id: '001' }]) }))],
 *   });
 *   expectObservable(query$('SELECT Id FROM Account', { client })).toBe('--a|', { a: { Id: '001' } });
 * });
 */
export function createTestClient(scheduler: SchedulerLike, options: TestClientOptions = {}): TestClient {
  const fake = createFakeTransport({ routes: options.routes, scheduler });
  const session: Session = { accessToken: '00DTEST!fake-access-token', instanceUrl: TEST_INSTANCE_URL };
  const client = new SalesforceClient({
    ...options.client,
    login: options.login ?? session,
    apiVersion: options.apiVersion ?? '62.0',
    retry: options.retry === false ? false : { jitter: 'none', ...options.retry },
    transport: fake.transport,
    scheduler,
  });
  return Object.assign(Object.create(fake) as FakeTransport, {
    client, fake,
    transport: fake.transport, requests: fake.requests, respond: fake.respond, requestsTo: fake.requestsTo,
  }) as TestClient;
}
