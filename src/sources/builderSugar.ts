/**
 * Sugar on the SOQL builder: `select(Account).where(…).query$()` and `.bulk$()`. The builder lives in `src/soql`,
 * which may not import sources, so the methods are attached here, where both layers are in reach.
 */
import type { Observable } from 'rxjs';
import type { SObjectModel } from '../model/types.js';
import { QueryBuilder } from '../soql/query.js';
import { bulkQuery$, type BulkQueryOptions } from './bulk/bulkQuery.js';
import type { QueryOptions } from './pages.js';
import { query$ } from './query.js';

declare module '../soql/query.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- must repeat the class's type parameters to merge
  interface QueryBuilder<M extends SObjectModel<any> | undefined, R> {
    /** Runs this query through REST, lazily paged: `query$(this, opts)`. */
    query$(opts?: QueryOptions): Observable<R>;
    /** Runs this query as a Bulk API 2.0 query job, streaming rows in constant memory: `bulkQuery$(this, opts)`. */
    bulk$(opts?: BulkQueryOptions): Observable<R>;
  }
}

QueryBuilder.prototype.query$ = function (this: QueryBuilder<any, any>, opts?: QueryOptions) {
  return query$(this, opts);
};
QueryBuilder.prototype.bulk$ = function (this: QueryBuilder<any, any>, opts?: BulkQueryOptions) {
  return bulkQuery$(this, opts);
};
