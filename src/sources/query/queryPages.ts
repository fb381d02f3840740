import { firstValueFrom, Observable } from 'rxjs';
import type { RecordOf, SObjectModel } from '../../model/index.js';
import type { QueryBuilder } from '../../soql/index.js';
import { planPages, type QueryOptions, type QueryPage } from './pages.js';
import { onePage$, type RawQueryPage } from './pageStream.js';
import type { QueryInput } from './querySource.js';
import type { TypedQuery } from './query.js';

export interface QueryPagesOptions extends QueryOptions {
  /** Aborts the page request in flight; the pending `next()` then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The source, ended early (request aborted) with the signal's reason when the signal fires. */
function untilAborted<T>(source: Observable<T>, signal: AbortSignal | undefined): Observable<T> {
  if (!signal) return source;
  return new Observable<T>((subscriber) => {
    const onAbort = (): void => subscriber.error(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const inner = source.subscribe(subscriber);
    return () => {
      signal.removeEventListener('abort', onAbort);
      inner.unsubscribe();
    };
  });
}

/**
 * A query's pages to pull: each page is requested only when the consumer asks for it (`next()`, or the next turn
 * of a `for await` loop), so a slow consumer — a file writer waiting for `drain`, say — holds the next request back
 * and at most one page is in memory. The pull twin of {@link pages$}, which pushes.
 *
 * Breaking out of the loop makes no further request and leaves nothing open on the client side.
 *
 * @example
 * import { queryPages, select } from 'rxforce';
 * for await (const page of queryPages(select(Account).where({ Industry: 'Energy' }), { client })) {
 *   await writer.write(page.records);        // the next page is fetched only after this resolves
 * }
 *
 * @param q a SOQL string or a query builder
 * @returns an async iterable of pages; the last one has `done: true`
 */
export function queryPages<R>(q: QueryBuilder<any, R>, opts?: QueryPagesOptions): AsyncGenerator<QueryPage<R>, void, undefined>;
export function queryPages<M extends SObjectModel<any>>(q: TypedQuery<M>, opts?: QueryPagesOptions): AsyncGenerator<QueryPage<RecordOf<M>>, void, undefined>;
export function queryPages<T = Record<string, unknown>>(q: QueryInput, opts?: QueryPagesOptions): AsyncGenerator<QueryPage<T>, void, undefined>;
export async function* queryPages(q: QueryInput, opts: QueryPagesOptions = {}): AsyncGenerator<QueryPage<unknown>, void, undefined> {
  const plan = planPages<unknown>(q, opts);
  let req = plan.first;
  for (;;) {
    const raw: RawQueryPage = await firstValueFrom(untilAborted(onePage$(plan.client, req, plan.headers, plan.followSubqueries), opts.signal));
    yield plan.toPage(raw);
    if (raw.done || !raw.nextRecordsUrl) return;
    req = { method: 'GET', url: raw.nextRecordsUrl, headers: plan.headers };
  }
}

/**
 * The records of a query, pulled: the record-by-record form of {@link queryPages}, fetching a page only when the
 * consumer reaches its first record.
 *
 * @example
 * import { queryRecords } from 'rxforce';
 * for await (const account of queryRecords('SELECT Id, Name FROM Account', { client })) await slowWork(account);
 */
export function queryRecords<R>(q: QueryBuilder<any, R>, opts?: QueryPagesOptions): AsyncGenerator<R, void, undefined>;
export function queryRecords<M extends SObjectModel<any>>(q: TypedQuery<M>, opts?: QueryPagesOptions): AsyncGenerator<RecordOf<M>, void, undefined>;
export function queryRecords<T = Record<string, unknown>>(q: QueryInput, opts?: QueryPagesOptions): AsyncGenerator<T, void, undefined>;
export async function* queryRecords(q: QueryInput, opts: QueryPagesOptions = {}): AsyncGenerator<unknown, void, undefined> {
  for await (const page of queryPages<unknown>(q, opts)) yield* page.records;
}
