import { concatMap, from, lastValueFrom, toArray, type Observable } from 'rxjs';
import type { RecordOf, SObjectModel } from '../../model/index.js';
import type { QueryBuilder } from '../../soql/index.js';
import { pages$, type QueryOptions } from './pages.js';
import type { QueryBuilderLike, QueryInput } from './querySource.js';

/** Any builder-like object whose model is known, so its records are typed by the model. */
export type TypedQuery<M extends SObjectModel<any>> = QueryBuilderLike & { readonly model: M };

/**
 * The records of a query, one emission each, page after page. Lazy: the next page is requested only once the
 * current page was delivered and the subscriber still wants more, so `take(10)` costs one request and there is no
 * cap on what a full subscription reads. Unsubscribing aborts the request in flight.
 *
 * Records of a SOQL string come as Salesforce sent them (`attributes` included); a builder with a model gives typed
 * records without `attributes`; aggregate rows (`expr0`, aliases) are plain objects. See {@link pages$}.
 *
 * A push stream: page N+1 is requested once every record of page N has been emitted, not once an asynchronous
 * consumer has finished with them, so a consumer slower than the network accumulates records downstream (as
 * `eachValueFrom` does in its buffer). To hold each request back until the consumer is ready, pull with
 * {@link queryRecords} or {@link queryPages}.
 *
 * @example
 * import { query$, select } from 'rxforce';
 * import { eachValueFrom } from 'rxjs-for-await';
 * for await (const account of eachValueFrom(query$(select(Account).where({ Industry: 'Energy' }), { client }))) {
 *   console.log(account.Name);
 * }
 *
 * @param q a SOQL string or a query builder
 * @returns a cold Observable of records
 */
export function query$<R>(q: QueryBuilder<any, R>, opts?: QueryOptions): Observable<R>;
export function query$<M extends SObjectModel<any>>(q: TypedQuery<M>, opts?: QueryOptions): Observable<RecordOf<M>>;
export function query$<T = Record<string, unknown>>(q: QueryInput, opts?: QueryOptions): Observable<T>;
export function query$(q: QueryInput, opts: QueryOptions = {}): Observable<unknown> {
  return pages$<unknown>(q, opts).pipe(concatMap((page) => from(page.records)));
}

/** Promise twin of {@link query$}: every record, in an array. */
export function query<R>(q: QueryBuilder<any, R>, opts?: QueryOptions): Promise<R[]>;
export function query<M extends SObjectModel<any>>(q: TypedQuery<M>, opts?: QueryOptions): Promise<RecordOf<M>[]>;
export function query<T = Record<string, unknown>>(q: QueryInput, opts?: QueryOptions): Promise<T[]>;
export function query(q: QueryInput, opts: QueryOptions = {}): Promise<unknown[]> {
  return lastValueFrom(query$(q, opts).pipe(toArray()));
}
