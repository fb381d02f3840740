/**
 * REST query resources: `GET /query?q=`, `GET /queryAll?q=`, `GET /query/{locator}-{offset}` and the same under
 * `/tooling/`. Pages hold `Sforce-Query-Options: batchSize` rows (200..2,000, default 2,000); a child subquery
 * with more than 200 rows on a page returns its first 200 with its own `nextRecordsUrl` (our choice: Salesforce
 * pages large child sets the same way, the exact threshold is unconfirmed).
 */
import { registerRouteFactory } from '../routes-registry.js';
import type { OrgStore, RouteContext, RouteHandler } from '../types.js';
import { SfHttpError } from '../types.js';
import { compileQuery, type QueryResult } from './engine.js';
import { type Cursor, type LocatorOptions, QueryLocators } from './locators.js';

export const DEFAULT_BATCH_SIZE = 2000;
export const MIN_BATCH_SIZE = 200;
/** Child rows returned inline per parent record before the subquery gets its own locator. */
export const CHILD_PAGE_SIZE = 200;

/** `Sforce-Query-Options: batchSize=N`, clamped to 200..2,000; undefined when absent. */
export function batchSizeOf(header: string | string[] | undefined): number | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  const m = text ? /batchSize\s*=\s*(\d+)/i.exec(text) : null;
  if (!m) return undefined;
  return Math.min(DEFAULT_BATCH_SIZE, Math.max(MIN_BATCH_SIZE, Number(m[1])));
}

const LOCATOR_PATH = /^\/(tooling\/)?(?:query|queryAll)\/(01g[A-Za-z0-9]{12,15})-(\d+)$/;
const QUERY_PATH = /^\/(tooling\/)?(query|queryAll)\/?$/;

/** A query route handler with its own locator settings (the exported `queryRoutes` uses the defaults). */
export function createQueryRoutes(opts: LocatorOptions = {}): RouteHandler & { locators(store: OrgStore): QueryLocators } {
  const perStore = new WeakMap<OrgStore, QueryLocators>();
  const locatorsOf = (store: OrgStore): QueryLocators => {
    // keyed by the org's store, not a request's view of it, so a cursor outlives the request that opened it
    let l = perStore.get(store.org);
    if (!l) { l = new QueryLocators(opts); perStore.set(store.org, l); }
    return l;
  };

  const respond = (ctx: RouteContext, cursor: Cursor, offset: number, existingId?: string): void => {
    const locators = locatorsOf(ctx.store);
    const size = batchSizeOf(ctx.req.headers['sforce-query-options']) ?? cursor.batchSize;
    const { result } = cursor;
    const records = result.page(offset, size);
    const next = offset + records.length;
    const base = `/services/data/v${ctx.version}/${cursor.tooling ? 'tooling/' : ''}query`;
    for (const rec of records) pageChildren(ctx, locators, rec, base, cursor.tooling);
    const done = next >= result.totalSize || records.length === 0;
    const body: Record<string, unknown> = { totalSize: result.totalSize, done };
    if (done) {
      if (existingId) locators.release(existingId);
    } else {
      const id = existingId ?? locators.open(ctx.session.userId, cursor);
      body.nextRecordsUrl = `${base}/${id}-${next}`;
    }
    body.records = records;
    ctx.json(200, body);
  };

  const handler = (ctx: RouteContext): boolean => {
    if (ctx.req.method !== 'GET') return false;
    const byLocator = LOCATOR_PATH.exec(ctx.path);
    if (byLocator) {
      const cursor = locatorsOf(ctx.store).take(ctx.session.userId, byLocator[2] as string);
      respond(ctx, cursor, Number(byLocator[3]), byLocator[2]);
      return true;
    }
    const m = QUERY_PATH.exec(ctx.path);
    if (!m) return false;
    const soql = ctx.query.get('q');
    if (soql === null || soql.trim() === '') {
      throw new SfHttpError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    }
    const tooling = m[1] !== undefined;
    const compiled = compileQuery(ctx.store, soql, {
      includeDeleted: m[2] === 'queryAll', version: ctx.version, tooling,
      now: opts.scheduler?.now(),
    });
    const result = compiled.execute();
    const batchSize = batchSizeOf(ctx.req.headers['sforce-query-options']) ?? DEFAULT_BATCH_SIZE;
    respond(ctx, { result, batchSize, tooling }, 0);
    return true;
  };
  return Object.assign(handler, { locators: locatorsOf });
}

/** Cuts child subquery results above CHILD_PAGE_SIZE rows to one page with their own locator. */
function pageChildren(ctx: RouteContext, locators: QueryLocators, rec: Record<string, unknown>, base: string,
  tooling: boolean): void {
  for (const [key, value] of Object.entries(rec)) {
    if (key === 'attributes' || value === null || typeof value !== 'object') continue;
    const child = value as { totalSize?: number; done?: boolean; records?: Record<string, unknown>[] };
    if (!Array.isArray(child.records) || child.records.length <= CHILD_PAGE_SIZE) continue;
    const all = child.records;
    const result: QueryResult = { totalSize: all.length, page: (offset, size) => all.slice(offset, offset + size) };
    const id = locators.open(ctx.session.userId, { result, batchSize: DEFAULT_BATCH_SIZE, tooling }, false);
    rec[key] = {
      totalSize: all.length, done: false, nextRecordsUrl: `${base}/${id}-${CHILD_PAGE_SIZE}`,
      records: all.slice(0, CHILD_PAGE_SIZE),
    };
  }
}

/** The query resources with Salesforce's locator limits (15 min idle, 10 per user). */
export const queryRoutes = createQueryRoutes();

// Each started emulator gets its own locators, on the emulator's clock.
registerRouteFactory(host => createQueryRoutes({ scheduler: { now: () => host.now() } }));
