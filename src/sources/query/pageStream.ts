import { concatMap, defer, endWith, from, ignoreElements, Observable, of, Subscription, tap } from 'rxjs';
import type { SalesforceClient } from '../../client/client.js';
import type { SfRequest } from '../../client/types.js';

/** One page of a REST query, as Salesforce sends it. */
export interface RawQueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Record<string, unknown>[];
}

function isQueryResult(value: unknown): value is RawQueryPage {
  return typeof value === 'object' && value !== null && Array.isArray((value as RawQueryPage).records) &&
    typeof (value as RawQueryPage).done === 'boolean';
}

/**
 * Pages of one query: the first request, then each `nextRecordsUrl` — requested only after the previous page was
 * handed to the subscriber and only if it is still subscribed. A consumer that stops early (`take`, `first`) so costs
 * no request beyond the page it was reading. A flat loop rather than recursion, so a million-row query does not
 * build a million-deep subscription chain.
 */
export function pageStream(
  client: SalesforceClient,
  first: SfRequest,
  headers: Record<string, string> | undefined,
  followSubqueries: boolean,
): Observable<RawQueryPage> {
  return new Observable<RawQueryPage>((subscriber) => {
    const subscriptions = new Subscription();
    const load = (req: SfRequest): void => {
      const page$ = onePage$(client, req, headers, followSubqueries);
      subscriptions.add(
        page$.subscribe({
          next: (page) => {
            subscriber.next(page);
            if (subscriber.closed) return;
            if (page.done || !page.nextRecordsUrl) subscriber.complete();
            else load({ method: 'GET', url: page.nextRecordsUrl, headers });
          },
          error: (err: unknown) => subscriber.error(err),
        }),
      );
    };
    load(first);
    return subscriptions;
  });
}

/** One page of a query (`req`), its child subqueries completed first when `followSubqueries` is set. */
export function onePage$(
  client: SalesforceClient,
  req: SfRequest,
  headers: Record<string, string> | undefined,
  followSubqueries: boolean,
): Observable<RawQueryPage> {
  return client
    .request$<RawQueryPage>(req)
    .pipe(concatMap((res) => (followSubqueries ? withAllChildren$(client, res.data, headers) : of(res.data))));
}

/**
 * The page with every child subquery result completed: a subquery returns its first rows only, with its own
 * `nextRecordsUrl`; those pages are fetched one after another and appended, so each child result ends `done`.
 */
function withAllChildren$(client: SalesforceClient, page: RawQueryPage, headers: Record<string, string> | undefined): Observable<RawQueryPage> {
  return defer(() => {
    const pending: { record: Record<string, unknown>; key: string; child: RawQueryPage }[] = [];
    for (const record of page.records) {
      for (const [key, value] of Object.entries(record)) {
        if (isQueryResult(value) && !value.done && value.nextRecordsUrl) pending.push({ record, key, child: value });
      }
    }
    if (pending.length === 0) return of(page);
    return from(pending).pipe(
      concatMap(({ record, key, child }) => {
        const records = [...child.records];
        return pageStream(client, { method: 'GET', url: child.nextRecordsUrl!, headers }, headers, false).pipe(
          tap((next) => {
            records.push(...next.records);
            if (next.done || !next.nextRecordsUrl) record[key] = { totalSize: child.totalSize, done: true, records };
          }),
        );
      }),
      ignoreElements(),
      endWith(page),
    );
  });
}
