/**
 * Bulk query preparation: the SOQL engine compiles the query (its errors are REST's), then what Bulk API 2.0 refuses
 * (GROUP BY, ORDER BY, OFFSET, TYPEOF, aggregates, parent-to-child subqueries) fails the job creation.
 */
import { parseQuery } from '@jetstreamapp/soql-parser-js';
import { compileQuery } from '../soql/engine.js';
import { SfHttpError, type OrgStore } from '../types.js';
import type { BulkQueryRows } from './queryProcessor.js';

function unsupportedClause(soql: string): string | undefined {
  const q = parseQuery(soql);
  if (q.groupBy) return 'GROUP BY';
  if (q.orderBy) return 'ORDER BY';
  if (q.offset !== undefined) return 'OFFSET';
  if ((q.fields ?? []).some(f => f.type === 'FieldTypeof')) return 'TYPEOF';
  return undefined;
}

/**
 * Validates a bulk query and returns its lazy rows (columns in SELECT order, parents as `Account.Name`).
 * @throws SfHttpError 400: the SOQL engine's MALFORMED_QUERY / INVALID_FIELD, or API_ERROR (code unconfirmed) for
 * what Bulk API 2.0 query jobs do not support.
 */
export function prepareBulkQuery(store: OrgStore, soql: string, operation: 'query' | 'queryAll'): BulkQueryRows {
  const compiled = compileQuery(store, soql, { includeDeleted: operation === 'queryAll' });
  const refuse = (what: string): never => {
    throw new SfHttpError(400, 'API_ERROR', `${what} is not supported by Bulk API 2.0 query jobs`);
  };
  const clause = unsupportedClause(soql);
  if (clause) refuse(clause);
  if (compiled.kind !== 'records') refuse('Aggregate functions');
  if (compiled.hasSubqueries) refuse('Parent-to-child relationship queries');
  return { columns: compiled.columns, rows: { [Symbol.iterator]: () => compiled.rows()[Symbol.iterator]() } };
}
