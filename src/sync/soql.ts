/** The SOQL a replication sends: keyset pages ordered by the watermark field and Id. */
import { datetimeLiteral, soqlLiteral } from '../soql/index.js';
import type { FieldPlan } from './schema.js';

/** Rows per keyset page: a REST query's largest page, so a page is one request. */
export const PAGE_SIZE = 2000;

/** The last row a page ended with: the next page starts strictly after it in (stamp, Id) order. */
export interface KeysetPosition {
  stamp: number;
  id: string;
}

export interface PageQuery {
  plan: FieldPlan;
  /** Rows stamped at or after this instant (epoch ms); undefined for a full load. */
  from?: number;
  /**
   * With `recentFrom`: only the rows stamped in [`from`, `settledTo`) or at or after `recentFrom` (a later instant),
   * leaving out the stretch between, which later rounds read once it has settled.
   */
  settledTo?: number;
  recentFrom?: number;
  after?: KeysetPosition;
  where?: string;
  /** Select IsDeleted too (incremental rounds read deletes through queryAll). */
  withIsDeleted: boolean;
  /** Leave the user's filter out (membership is checked by a second query). */
  ignoreWhere?: boolean;
}

/**
 * One keyset page: `ORDER BY <stamp>, Id LIMIT 2000`, resuming strictly after the last (stamp, Id) read, so rows that
 * share one stamp are neither skipped nor read twice however many pages they span. Datetimes are whole-second
 * literals as the SOQL reference documents them (`2024-05-01T10:00:00Z`), with milliseconds only for a stamp that
 * has them.
 */
export function pageSoql(q: PageQuery): string {
  const w = q.plan.watermark;
  const names = q.plan.fields.map(f => f.name);
  if (q.withIsDeleted && !names.some(n => n.toLowerCase() === 'isdeleted')) names.push('IsDeleted');
  const conditions: string[] = [];
  const at = (ms: number) => datetimeLiteral(new Date(ms)).toSoql();
  if (q.from !== undefined) {
    if (q.settledTo !== undefined && q.recentFrom !== undefined && q.from < q.settledTo && q.settledTo < q.recentFrom) {
      conditions.push(`((${w} >= ${at(q.from)} AND ${w} < ${at(q.settledTo)}) OR ${w} >= ${at(q.recentFrom)})`);
    } else {
      conditions.push(`${w} >= ${at(q.from)}`);
    }
  }
  if (q.after) {
    const last = at(q.after.stamp);
    conditions.push(`(${w} > ${last} OR (${w} = ${last} AND Id > ${soqlLiteral(q.after.id)}))`);
  }
  if (q.where && !q.ignoreWhere) conditions.push(`(${q.where})`);
  const whereClause = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  return `SELECT ${names.join(', ')} FROM ${q.plan.object}${whereClause} ORDER BY ${w} ASC, Id ASC LIMIT ${PAGE_SIZE}`;
}

/** The whole object (or its filtered part), unordered, for a Bulk API 2.0 query. */
export function fullSoql(plan: FieldPlan, where: string | undefined): string {
  return `SELECT ${plan.fields.map(f => f.name).join(', ')} FROM ${plan.object}${where ? ` WHERE (${where})` : ''}`;
}

export function countSoql(plan: FieldPlan, where: string | undefined): string {
  return `SELECT COUNT() FROM ${plan.object}${where ? ` WHERE (${where})` : ''}`;
}

/** Which of `ids` match the filter (a row changed so it no longer matches leaves the mirror). */
export function membershipSoql(plan: FieldPlan, ids: readonly string[], where: string): string {
  return `SELECT Id FROM ${plan.object} WHERE Id IN ${soqlLiteral(ids)} AND (${where})`;
}

/** `2024-05-01T10:00:00+00:00`: the form getDeleted's `start` and `end` take (whole minutes count). */
export function replicationDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
