import type { IncomingMessage, ServerResponse } from 'node:http';
import { createQueryRoutes } from '../../../src/emulator/soql/routes.js';
import { type RouteContext, SfHttpError, type StoredRecord } from '../../../src/emulator/types.js';
import { ids, NOW, seed, type Seeded } from './fixture.js';

interface Reply { status: number; body: { totalSize: number; done: boolean; nextRecordsUrl?: string; records: Record<string, unknown>[] } }

describe('query routes', () => {
  let s: Seeded;
  let clock: { t: number; now(): number };
  let routes: ReturnType<typeof createQueryRoutes>;

  const call = async (url: string, headers: Record<string, string> = {}, userId = 'user-a'): Promise<Reply> => {
    const u = new URL(url, 'http://localhost');
    const m = /^\/services\/data\/v(\d+\.\d+)(\/.*)$/.exec(u.pathname)!;
    let reply: Reply | undefined;
    const ctx = {
      req: { method: 'GET', headers } as unknown as IncomingMessage,
      res: {} as ServerResponse,
      path: m[2]!, version: m[1]!, query: u.searchParams,
      session: { userId, orgId: '00D', username: 'u', accessToken: 't' },
      store: s.store,
      body: async () => Buffer.alloc(0),
      json: (status: number, body: unknown) => { reply = { status, body: body as Reply['body'] }; },
      text: () => { throw new Error('unexpected text reply'); },
    } satisfies RouteContext;
    const handled = await routes(ctx);
    if (!handled) throw new Error(`not handled: ${url}`);
    return reply!;
  };
  const q = (soql: string) => `/services/data/v62.0/query?q=${encodeURIComponent(soql)}`;
  const callError = async (url: string, userId = 'user-a'): Promise<SfHttpError> => {
    try { await call(url, {}, userId); } catch (e) { return e as SfHttpError; }
    throw new Error('expected an error');
  };

  beforeAll(() => { s = seed(10_000); });
  beforeEach(() => {
    clock = { t: NOW, now() { return this.t; } };
    routes = createQueryRoutes({ scheduler: clock, ttlMs: 60_000 });
  });

  it('pages 2,000 rows by default and follows nextRecordsUrl to the end', async () => {
    const first = await call(q('SELECT Id FROM Account'));
    const live = s.accounts.filter(a => !a.IsDeleted);
    expect(first.body.totalSize).toBe(live.length);
    expect(first.body.done).toBeFalse();
    expect(first.body.records.length).toBe(2000);
    expect(first.body.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]{15}-2000$/);
    expect(Object.keys(first.body)).toEqual(['totalSize', 'done', 'nextRecordsUrl', 'records']);
    const all = [...first.body.records];
    let next = first.body.nextRecordsUrl;
    while (next) {
      const page = await call(next);
      all.push(...page.body.records);
      next = page.body.nextRecordsUrl;
      if (!next) expect(page.body.done).toBeTrue();
    }
    expect(ids(all)).toEqual(ids(live));
  });

  it('honours Sforce-Query-Options batchSize, clamped to 200..2,000', async () => {
    const small = await call(q('SELECT Id FROM Account'), { 'sforce-query-options': 'batchSize=500' });
    expect(small.body.records.length).toBe(500);
    expect(small.body.nextRecordsUrl).toMatch(/-500$/);
    const tiny = await call(q('SELECT Id FROM Account'), { 'sforce-query-options': 'batchSize=10' });
    expect(tiny.body.records.length).toBe(200);
    const huge = await call(q('SELECT Id FROM Account'), { 'sforce-query-options': 'batchSize=5000' });
    expect(huge.body.records.length).toBe(2000);
  });

  it('answers a small result in one page without a locator', async () => {
    const r = await call(q(`SELECT Id, Name FROM Account WHERE External_Id__c = 'EXT-5'`));
    expect(r.body).toEqual({ totalSize: 1, done: true, records: [jasmine.objectContaining({ Name: 'Account 00005' })] });
    expect(routes.locators(s.store).size).toBe(0);
  });

  it('includes deleted rows under /queryAll only', async () => {
    const soql = 'SELECT COUNT() FROM Account';
    expect((await call(q(soql))).body.totalSize).toBe(s.accounts.filter(a => !a.IsDeleted).length);
    expect((await call(`/services/data/v62.0/queryAll?q=${encodeURIComponent(soql)}`)).body.totalSize).toBe(s.accounts.length);
  });

  it('expires an idle locator and releases the oldest past 10 per user', async () => {
    const first = await call(q('SELECT Id FROM Account'));
    clock.t += 61_000;
    const expired = await callError(first.body.nextRecordsUrl!);
    expect([expired.status, expired.errorCode]).toEqual([400, 'INVALID_QUERY_LOCATOR']);

    const urls: string[] = [];
    for (let i = 0; i < 11; i++) urls.push((await call(q('SELECT Id FROM Account'))).body.nextRecordsUrl!);
    expect((await callError(urls[0]!)).errorCode).toBe('INVALID_QUERY_LOCATOR');
    expect((await call(urls[1]!)).body.records.length).toBe(2000);
    expect((await callError(urls[2]!, 'user-b')).errorCode).toBe('INVALID_QUERY_LOCATOR');
  });

  it('serves a last page again when it is asked twice (a lost answer), then forgets the finished cursor', async () => {
    const first = await call(q('SELECT Id FROM Account'), { 'sforce-query-options': 'batchSize=2000' });
    let url = first.body.nextRecordsUrl!;
    let last: Reply | undefined;
    for (;;) {
      last = await call(url);
      if (last.body.done) break;
      url = last.body.nextRecordsUrl!;
    }
    expect(routes.locators(s.store).size).toBe(0);                 // finished: no longer open
    const again = await call(url);
    expect(again.body).toEqual(last.body);
    clock.t += 61_000;
    expect((await callError(url)).errorCode).toBe('INVALID_QUERY_LOCATOR');
  });

  it('gives a child subquery above 200 rows its own nextRecordsUrl', async () => {
    const r = await call(q(`SELECT Id, (SELECT Id FROM Contacts) FROM Account WHERE External_Id__c = 'EXT-0'`));
    const kids = r.body.records[0]!.Contacts as Reply['body'];
    const want = s.contacts.filter(c => c.AccountId === s.accounts[0]!.Id && !c.IsDeleted);
    expect(kids.totalSize).toBe(want.length);
    expect(kids.done).toBeFalse();
    expect(kids.records.length).toBe(200);
    const rest = await call(kids.nextRecordsUrl!);
    expect(rest.body.done).toBeTrue();
    expect(ids([...kids.records, ...rest.body.records] as StoredRecord[])).toEqual(ids(want));
  });

  it('serves the Tooling API and reports malformed requests', async () => {
    const tooling = await call(`/services/data/v62.0/tooling/query?q=${encodeURIComponent('SELECT Id FROM ApexClass')}`);
    expect(tooling.body).toEqual({ totalSize: 0, done: true, records: [] });
    const missing = await callError('/services/data/v62.0/query');
    expect([missing.status, missing.errorCode]).toEqual([400, 'MALFORMED_QUERY']);
    const bad = await callError(q('SELECT Id, FullName FROM Account'));
    expect(bad.errorCode).toBe('INVALID_FIELD');
    expect((await callError('/services/data/v62.0/query/01g000000000000AAA-2000')).errorCode).toBe('INVALID_QUERY_LOCATOR');
  });
});
