/**
 * Bulk query preparation: SOQL that Bulk API 2.0 refuses (GROUP BY, ORDER BY, OFFSET, TYPEOF, aggregates,
 * parent-to-child subqueries) fails at job creation; the rest goes to the SOQL engine's lazy row iteration.
 */
import { parseQuery, type Query } from '@jetstreamapp/soql-parser-js';
import { SfHttpError, type OrgStore } from '../types.js';
import type { BulkQueryRows } from './queryProcessor.js';

/** Flat rows for a query, lazily: the SOQL engine's entry point for bulk query jobs. */
export type BulkQueryRunner = (store: OrgStore, soql: string, opts: { includeDeleted: boolean }) => BulkQueryRows;

let runner: BulkQueryRunner | undefined;

/** Plugs in the SOQL engine (done once by the emulator's route registry). */
export function setBulkQueryRunner(r: BulkQueryRunner): void {
  runner = r;
}

function unsupported(soql: string): string | undefined {
  let q: Query;
  try {
    q = parseQuery(soql, { allowApexBindVariables: false });
  } catch {
    return undefined; // the engine words syntax errors (MALFORMED_QUERY)
  }
  if (q.groupBy) return 'GROUP BY';
  if (q.orderBy) return 'ORDER BY';
  if (q.offset !== undefined) return 'OFFSET';
  for (const f of q.fields ?? []) {
    if (f.type === 'FieldSubquery') return 'Parent-to-child relationship queries';
    if (f.type === 'FieldTypeof') return 'TYPEOF';
    if (f.type === 'FieldFunctionExpression' && f.isAggregateFn) return 'Aggregate functions';
  }
  if (q.fields?.length === 1 && q.fields[0].type === 'FieldFunctionExpression') return 'Aggregate functions';
  return undefined;
}

/**
 * Validates a bulk query and returns its lazy rows.
 * @throws SfHttpError 400 for unsupported clauses (code API_ERROR, unconfirmed) or what the SOQL engine rejects.
 */
export function prepareBulkQuery(store: OrgStore, soql: string, operation: 'query' | 'queryAll'): BulkQueryRows {
  const clause = unsupported(soql);
  if (clause) throw new SfHttpError(400, 'API_ERROR', `${clause} is not supported by Bulk API 2.0 query jobs`);
  if (!runner) throw new SfHttpError(500, 'UNKNOWN_EXCEPTION', 'The SOQL engine is not available');
  return runner(store, soql, { includeDeleted: operation === 'queryAll' });
}
