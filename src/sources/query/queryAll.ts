import type { Observable } from 'rxjs';
import type { RecordOf, SObjectModel } from '../../model/index.js';
import type { QueryBuilder } from '../../soql/index.js';
import type { QueryOptions } from './pages.js';
import { query, query$, type TypedQuery } from './query.js';
import type { QueryInput } from './querySource.js';

/** Options of a queryAll: everything a query takes but `all`, which is implied. */
export type QueryAllOptions = Omit<QueryOptions, 'all'>;

/**
 * {@link query$} over `/queryAll`: deleted rows still in the recycle bin and archived activities included
 * (filter them with `WHERE IsDeleted = true`).
 *
 * @example
 * import { queryAll$ } from 'rxforce';
 * queryAll$('SELECT Id FROM Account WHERE IsDeleted = true', { client }).subscribe(r => console.log(r.Id));
 */
export function queryAll$<R>(q: QueryBuilder<any, R>, opts?: QueryAllOptions): Observable<R>;
export function queryAll$<M extends SObjectModel<any>>(q: TypedQuery<M>, opts?: QueryAllOptions): Observable<RecordOf<M>>;
export function queryAll$<T = Record<string, unknown>>(q: QueryInput, opts?: QueryAllOptions): Observable<T>;
export function queryAll$(q: QueryInput, opts: QueryAllOptions = {}): Observable<unknown> {
  return query$<unknown>(q, { ...opts, all: true });
}

/** Promise twin of {@link queryAll$}. */
export function queryAll<R>(q: QueryBuilder<any, R>, opts?: QueryAllOptions): Promise<R[]>;
export function queryAll<M extends SObjectModel<any>>(q: TypedQuery<M>, opts?: QueryAllOptions): Promise<RecordOf<M>[]>;
export function queryAll<T = Record<string, unknown>>(q: QueryInput, opts?: QueryAllOptions): Promise<T[]>;
export function queryAll(q: QueryInput, opts: QueryAllOptions = {}): Promise<unknown[]> {
  return query<unknown>(q, { ...opts, all: true });
}
