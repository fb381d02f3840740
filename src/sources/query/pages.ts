import { defer, map, type Observable } from 'rxjs';
import { resolveClient, type SalesforceClient } from '../../client/client.js';
import type { SfRequest } from '../../client/types.js';
import type { SourceOptions } from '../options.js';
import { pageStream, type RawQueryPage } from './pageStream.js';
import { modelOf, soqlOf, type QueryInput } from './querySource.js';
import { isAggregateRow, reviveRecord, stripAttributes } from '../internal/revive.js';

export interface QueryOptions extends SourceOptions {
  /**
   * Records per page, 200 to 2,000 (`Sforce-Query-Options: batchSize=N`). A hint: Salesforce may return fewer,
   * for example when the query selects many fields. Default: Salesforce's 2,000.
   */
  batchSize?: number;
  /** Include deleted and archived rows (`/queryAll`). */
  all?: boolean;
  /** Query Tooling API objects (`/tooling/query`). */
  tooling?: boolean;
  /**
   * Fetch every page of each child subquery (`SELECT …, (SELECT … FROM Contacts) FROM Account`), which Salesforce
   * returns with its own `nextRecordsUrl` after the first rows. Off by default: each extra page is a request.
   */
  followSubqueries?: boolean;
}

/** One page of query results. */
export interface QueryPage<T> {
  /** Rows the whole query matches (for `SELECT COUNT()`, the count). */
  totalSize: number;
  /** Whether this is the last page. */
  done: boolean;
  /** Where the next page is, while `done` is false. */
  nextRecordsUrl?: string;
  records: T[];
}

/** The request header for a page size, checked against Salesforce's range before any request. */
function queryHeaders(batchSize: number | undefined): Record<string, string> | undefined {
  if (batchSize === undefined) return undefined;
  if (!Number.isInteger(batchSize) || batchSize < 200 || batchSize > 2000) {
    throw new RangeError(`batchSize is a whole number from 200 to 2,000, got ${batchSize}`);
  }
  return { 'Sforce-Query-Options': `batchSize=${batchSize}` };
}

/** How rows are handed out: raw for SOQL strings, revived through the model for a builder that has one. */
function rowMapper(q: QueryInput): (raw: Record<string, unknown>) => unknown {
  const model = modelOf(q);
  if (!model) return (raw) => raw;
  return (raw) => (isAggregateRow(raw) ? stripAttributes(raw) : reviveRecord(model, raw));
}

/** What fetching a query's pages needs, worked out (and validated) before the first request. */
export interface PagePlan<T> {
  client: SalesforceClient;
  first: SfRequest;
  headers: Record<string, string> | undefined;
  followSubqueries: boolean;
  /** A raw page as the caller sees it: rows revived through the model when the builder has one. */
  toPage(raw: RawQueryPage): QueryPage<T>;
}

/** @internal shared by {@link pages$} and {@link queryPages}. */
export function planPages<T>(q: QueryInput, opts: QueryOptions): PagePlan<T> {
  const soql = soqlOf(q);
  const headers = queryHeaders(opts.batchSize);
  const mapRow = rowMapper(q);
  const client = resolveClient(opts.client);
  const resource = `${opts.tooling ? 'tooling/' : ''}${opts.all ? 'queryAll' : 'query'}`;
  return {
    client, headers, followSubqueries: opts.followSubqueries ?? false,
    first: { method: 'GET', path: resource, params: { q: soql }, headers },
    toPage: (page) => {
      const out: QueryPage<T> = { totalSize: page.totalSize, done: page.done, records: page.records.map(mapRow) as T[] };
      if (page.nextRecordsUrl) out.nextRecordsUrl = page.nextRecordsUrl;
      return out;
    },
  };
}

/**
 * A query's results page by page. The next page is requested only after the current one was delivered and only
 * while the subscriber is still subscribed; unsubscribing aborts the request in flight.
 *
 * Records of a SOQL string come as Salesforce sent them, `attributes` included. With a builder that knows its model,
 * records are revived through the model (dates as Date, multipicklists as arrays, snapshotted for `onlyChanges`)
 * and carry no `attributes`, nested parent records and subquery rows included; aggregate rows (`expr0`, aliases)
 * stay plain objects without `attributes`.
 *
 * Delivered means handed to `next()`: like any push stream, this one cannot wait for a consumer that works
 * asynchronously (a `concatMap` into a file writer, `eachValueFrom`), so pages such a consumer has not processed
 * yet queue up downstream. At most one request is ever in flight and none is made ahead of the last delivered page;
 * when the consumer must hold the next request back until it is ready, pull with {@link queryPages} instead.
 *
 * @example
 * import { pages$ } from 'rxforce';
 * pages$('SELECT Id FROM Account', { client, batchSize: 500 }).subscribe(p => console.log(p.records.length, p.done));
 *
 * @returns a cold Observable of pages; it completes after the page with `done: true`
 */
export function pages$<T = Record<string, unknown>>(q: QueryInput, opts: QueryOptions = {}): Observable<QueryPage<T>> {
  return defer(() => {
    const plan = planPages<T>(q, opts);
    return pageStream(plan.client, plan.first, plan.headers, plan.followSubqueries).pipe(map(plan.toPage));
  });
}
