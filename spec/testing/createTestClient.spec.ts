import { filter, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { MalformedRequestError, ResourceNotFoundError } from '../../src/client/errors.js';
import { defineSObject, sf } from '../../src/model/index.js';
import { query$ } from '../../src/sources/query/query.js';
import { saveUpdate$ } from '../../src/sources/records/saveUpdate.js';
import { bulkInsert$ } from '../../src/sources/bulk/bulkInsert.js';
import {
  createTestClient, ingestJobRoutes, noContent, ok, queryPages, respond, sfError, sfRecord, TEST_INSTANCE_URL, unavailable,
} from '../../src/testing/index.js';

const Account = defineSObject('Account', { Id: sf.id(), Name: sf.string({ length: 255 }) });
const ID1 = '001000000000001AAA';

describe('createTestClient', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('answers query pages when their marbles say and logs each request with its virtual time', () => {
    scheduler.run(({ cold, expectObservable, flush }) => {
      const [p1, p2] = queryPages([[sfRecord('Account', { Id: 'a', Name: 'A' })], [sfRecord('Account', { Id: 'b', Name: 'B' })]]);
      const t = createTestClient(scheduler, {
        routes: [
          respond('GET', /\/query\?q=/, cold('--p|', { p: p1 })),
          respond('GET', '/query/01gTEST-', cold('---p|', { p: p2 })),
        ],
      });
      const names$ = query$('SELECT Id, Name FROM Account', { client: t.client }).pipe(map(r => (r as { Name: string }).Name));
      expectObservable(names$).toBe('--a--(b|)', { a: 'A', b: 'B' });
      flush();
      expect(t.requests.map(r => r.time)).toEqual([0, 2]); // the next page is asked for as page 1 arrives
      expect(t.requests[0].query.q).toBe('SELECT Id, Name FROM Account');
      expect(t.requests[0].url.startsWith(TEST_INSTANCE_URL)).toBeTrue();
      expect(t.requests[0].headers.Authorization).toMatch(/^Bearer /);
    });
  });

  it('retries a 503 on a GET after the backoff wait, in virtual time', () => {
    scheduler.run(({ expectObservable, flush }) => {
      const t = createTestClient(scheduler, {
        retry: { baseDelayMs: 100 },
        routes: [respond('GET', 'sobjects/Account/describe', unavailable(), ok({ name: 'Account' }))],
      });
      const name$ = t.client.request$<{ name: string }>({ method: 'GET', path: 'sobjects/Account/describe' }).pipe(map(r => r.data.name));
      expectObservable(name$).toBe('200ms (a|)', { a: 'Account' }); // 2 ** 1 * 100, no jitter
      flush();
      expect(t.requests.map(r => r.time)).toEqual([0, 200]);
    });
  });

  it('turns error statuses into the typed errors the real transport raises, with Salesforce error arrays', () => {
    scheduler.run(({ expectObservable }) => {
      const t = createTestClient(scheduler, {
        routes: [respond('PATCH', `sobjects/Account/${ID1}`, sfError(400, 'STRING_TOO_LONG', 'Name: data value too large', ['Name']))],
      });
      const result$ = saveUpdate$(Account, { Id: ID1, Name: 'x' }, { client: t.client });
      expectObservable(result$).toBe('#', undefined, jasmine.objectContaining({ errorCode: 'STRING_TOO_LONG', fields: ['Name'], status: 400 }));
    });
    scheduler.run(({ expectObservable }) => {
      const t = createTestClient(scheduler, { routes: [respond('PATCH', 'sobjects/Account/', noContent())] });
      expectObservable(saveUpdate$(Account, { Id: ID1, Name: 'Renamed' }, { client: t.client }))
        .toBe('(a|)', { a: jasmine.objectContaining({ id: ID1, success: true }) });
      scheduler.flush();
      expect(t.requestsTo('PATCH', /sobjects\/Account/)[0].body).toEqual({ Name: 'Renamed' });
    });
  });

  it('fails an unrouted request with a 404 that names it, instead of hanging', () => {
    scheduler.run(({ expectObservable }) => {
      const { client } = createTestClient(scheduler);
      expectObservable(client.request$({ method: 'GET', path: 'limits' })).toBe('#', undefined,
        jasmine.objectContaining({ status: 404, message: jasmine.stringMatching(/No test route for GET \/services\/data\/v62\.0\/limits/) }));
      let failure: unknown;
      client.request$({ method: 'GET', path: 'limits' }).subscribe({ error: e => { failure = e; } });
      scheduler.flush();
      expect(failure).toBeInstanceOf(ResourceNotFoundError);
    });
  });

  it('later routes override earlier ones, and a route replies in order with its last reply repeating', () => {
    scheduler.run(() => {
      const t = createTestClient(scheduler, { routes: [respond('GET', 'limits', ok({ n: 1 }), ok({ n: 2 }))] });
      const seen: unknown[] = [];
      for (let i = 0; i < 3; i++) t.client.request$({ method: 'GET', path: 'limits', retry: false }).subscribe({ next: r => seen.push(r.data) });
      t.respond(respond('GET', 'limits', sfError(400, 'MALFORMED_QUERY', 'bad')));
      t.client.request$({ method: 'GET', path: 'limits', retry: false }).subscribe({ error: e => seen.push(e instanceof MalformedRequestError) });
      scheduler.flush();
      expect(seen).toEqual([{ n: 1 }, { n: 2 }, { n: 2 }, true]);
    });
  });

  it('counts requests in flight, so concurrency limits can be asserted', () => {
    scheduler.run(({ cold, flush }) => {
      const t = createTestClient(scheduler, {
        client: { maxConcurrent: 2 },
        routes: [respond('GET', 'limits', cold('-----a|', { a: ok({}) }))],
      });
      for (let i = 0; i < 5; i++) t.client.request$({ method: 'GET', path: 'limits' }).subscribe();
      flush();
      expect(t.maxInFlight).toBe(2);
      expect(t.inFlight).toBe(0);
      expect(t.requests.map(r => r.time)).toEqual([0, 0, 5, 5, 10]);
    });
  });

  it('plays a bulk ingest job through polling in virtual time', () => {
    scheduler.run(({ expectObservable, flush }) => {
      const t = createTestClient(scheduler, {
        routes: ingestJobRoutes({
          polls: ['InProgress', 'InProgress', 'JobComplete'],
          info: { numberRecordsProcessed: 1 },
          successful: `"sf__Id","sf__Created",Name\n${ID1},true,Acme\n`,
        }),
      });
      const states$ = bulkInsert$(Account, [{ Name: 'Acme' }], { client: t.client, polling: { initialMs: 1000, factor: 2 } }).pipe(
        filter(e => e.type === 'job' || e.type === 'result'),
        map(e => (e.type === 'job' ? e.job.state : `${e.successful.length} saved`)),
      );
      // Open, UploadComplete at 0; polls at 1s, 3s (1 + 2), 7s (3 + 4) — distinct states only
      expectObservable(states$).toBe('(ab) 996ms c 5999ms (de|)', {
        a: 'Open', b: 'UploadComplete', c: 'InProgress', d: 'JobComplete', e: '1 saved',
      });
      flush();
      expect(t.requestsTo('GET', /jobs\/ingest\/\w+$/).map(r => r.time)).toEqual([1000, 3000, 7000]);
      expect(t.requestsTo('PUT', '/batches')[0].body).toBe('Name\nAcme\n');
    });
  });
});
