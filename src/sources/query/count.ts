import { defer, first, lastValueFrom, map, type Observable } from 'rxjs';
import type { QueryOptions } from './pages.js';
import { pages$ } from './pages.js';
import type { QueryBuilderLike, QueryInput } from './querySource.js';

/** Options of a count: a count is one page, so no page size. */
export type CountOptions = Omit<QueryOptions, 'batchSize' | 'followSubqueries'>;

/** A builder that can turn itself into its `SELECT COUNT()` form. */
interface CountableBuilder extends QueryBuilderLike {
  count(): QueryBuilderLike;
}

function countQuery(q: QueryInput): QueryInput {
  if (typeof q !== 'string' && typeof (q as Partial<CountableBuilder>).count === 'function') return (q as CountableBuilder).count();
  return q;
}

/**
 * The number of rows a query matches: `totalSize` of its first page, in one request. Give `SELECT COUNT() FROM …`
 * or a builder (counted through its `count()` form); any other query works too but fetches its first page of rows.
 *
 * @example
 * import { count$ } from 'rxforce';
 * count$("SELECT COUNT() FROM Account WHERE Industry = 'Energy'", { client }).subscribe(n => console.log(n));
 *
 * @returns a cold Observable of one number
 */
export function count$(q: QueryInput, opts: CountOptions = {}): Observable<number> {
  return defer(() => pages$(countQuery(q), opts)).pipe(
    first(),
    map((page) => page.totalSize),
  );
}

/** Promise twin of {@link count$}. */
export function count(q: QueryInput, opts: CountOptions = {}): Promise<number> {
  return lastValueFrom(count$(q, opts));
}
