import { defer, map, type Observable } from 'rxjs';
import { resolveClient } from '../client/client.js';
import type { SourceOptions } from './options.js';
import { pageStream } from './internal/pageStream.js';
import { modelOf, soqlOf, type QueryInput } from './internal/querySource.js';
import { isAggregateRow, reviveRecord, stripAttributes } from './internal/revive.js';

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

/**
 * A query's results page by page. The next page is requested only after the current one was delivered and only
 * while the subscriber is still subscribed; unsubscribing aborts the request in flight.
 *
 * Records of a SOQL string come as Salesforce sent them, `attributes` included. With a builder that knows its model,
 * records are revived through the model (dates as Date, multipicklists as arrays, snapshotted for `onlyChanges`)
 * and carry no `attributes`, nested parent records and subquery rows included; aggregate rows (`expr0`, aliases)
 * stay plain objects without `attributes`.
 *
 * @example
 * import { pages$ } from 'rxforce';
 * pages$('SELECT Id FROM Account', { client, batchSize: 500 }).subscribe(p => console.log(p.records.length, p.done));
 *
 * @returns a cold Observable of pages; it completes after the page with `done: true`
 */
export function pages$<T = Record<string, unknown>>(q: QueryInput, opts: QueryOptions = {}): Observable<QueryPage<T>> {
  return defer(() => {
    const soql = soqlOf(q);
    const headers = queryHeaders(opts.batchSize);
    const mapRow = rowMapper(q);
    const client = resolveClient(opts.client);
    const resource = `${opts.tooling ? 'tooling/' : ''}${opts.all ? 'queryAll' : 'query'}`;
    return pageStream(client, { method: 'GET', path: resource, params: { q: soql }, headers }, headers, opts.followSubqueries ?? false).pipe(
      map((page): QueryPage<T> => {
        const out: QueryPage<T> = { totalSize: page.totalSize, done: page.done, records: page.records.map(mapRow) as T[] };
        if (page.nextRecordsUrl) out.nextRecordsUrl = page.nextRecordsUrl;
        return out;
      }),
    );
  });
}
