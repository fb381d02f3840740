/**
 * GROUP BY, aggregate functions (COUNT, COUNT_DISTINCT, SUM, AVG, MIN, MAX) and HAVING: rows become
 * `AggregateResult`s named by alias, by field name for grouped fields, or `expr0, expr1…` in SELECT order.
 */
import type { FieldFunctionExpression, FunctionExp, Query } from '@jetstreamapp/soql-parser-js';

/** The parts of a SELECT item an aggregate query reads. */
type SelectItem = { type: string; field?: string; relationships?: string[]; alias?: string } &
  Partial<Omit<FieldFunctionExpression, 'type' | 'alias'>>;
import { SfHttpError, type StoredRecord } from '../types.js';
import { locate, malformed, positioned } from './errors.js';
import { type Comparable, comparable, compare, type Kind } from './values.js';
import type { Operand } from './where.js';

/** A value read from a record: a field path or a date function over one. */
export interface Expr {
  kind: Kind;
  raw(rec: StoredRecord): unknown;
  key(rec: StoredRecord): Comparable | null;
  /** Canonical text (`Industry`, `CALENDAR_YEAR(CreatedDate)`) to match GROUP BY items with SELECT and HAVING. */
  text: string;
  /** Output name for an unaliased grouped field. */
  name: string;
}

export interface Group {
  values: unknown[];
  rows: StoredRecord[];
}

const AGGREGATES = new Set(['COUNT', 'COUNT_DISTINCT', 'SUM', 'AVG', 'MIN', 'MAX']);

export function isAggregateFn(name: string): boolean {
  return AGGREGATES.has(name.toUpperCase());
}

/** The value of an aggregate function over a group's rows. */
export function aggregate(fn: string, expr: Expr | undefined, rows: StoredRecord[]): unknown {
  const f = fn.toUpperCase();
  if (!expr) return rows.length;                                   // COUNT()
  if (f === 'COUNT') return rows.reduce((n, r) => n + (expr.key(r) === null ? 0 : 1), 0);
  if (f === 'COUNT_DISTINCT') {
    const seen = new Set<Comparable>();
    for (const r of rows) { const k = expr.key(r); if (k !== null) seen.add(k); }
    return seen.size;
  }
  if (f === 'SUM' || f === 'AVG') {
    let sum = 0;
    let n = 0;
    for (const r of rows) { const k = expr.key(r); if (typeof k === 'number') { sum += k; n++; } }
    if (n === 0) return null;
    return f === 'SUM' ? sum : sum / n;
  }
  let best: StoredRecord | undefined;
  let bestKey: Comparable | null = null;
  for (const r of rows) {
    const k = expr.key(r);
    if (k === null) continue;
    if (bestKey === null || (f === 'MIN' ? compare(k, bestKey) < 0 : compare(k, bestKey) > 0)) { best = r; bestKey = k; }
  }
  return best ? expr.raw(best) : null;
}

/**
 * SUM and AVG add numbers: on any other field Salesforce refuses the query (INVALID_FIELD, "field Name does not
 * support aggregate operator SUM"; error code unconfirmed) instead of answering 200.
 */
function checkOperand(soql: string, fn: string, expr: Expr | undefined): void {
  const f = fn.toUpperCase();
  if ((f === 'SUM' || f === 'AVG') && expr && expr.kind !== 'number') {
    throw new SfHttpError(400, 'INVALID_FIELD', positioned(soql, locate(soql, fn),
      `field ${expr.name} does not support aggregate operator ${f}`));
  }
}

export interface AggregateColumn {
  name: string;
  value(group: Group): unknown;
}

/** Output columns of an aggregate SELECT. */
export function aggregateColumns(
  soql: string,
  fields: SelectItem[],
  groupBy: Expr[],
  exprOf: (text: string | FunctionExp) => Expr,
): AggregateColumn[] {
  let exprIndex = 0;
  return fields.map(item => {
    if (item.type === 'FieldFunctionExpression' && isAggregateFn(item.functionName ?? '')) {
      const param = item.parameters?.[0];
      const expr = param === undefined ? undefined : exprOf(param as string);
      checkOperand(soql, item.functionName as string, expr);
      const name = item.alias ?? `expr${exprIndex++}`;
      return { name, value: g => aggregate(item.functionName as string, expr, g.rows) };
    }
    const text = item.type === 'FieldFunctionExpression' ? exprOf(item as FunctionExp).text
      : exprOf(itemText(item)).text;
    const at = groupBy.findIndex(e => e.text.toLowerCase() === text.toLowerCase());
    if (at < 0) {
      throw malformed(soql, locate(soql, item.rawValue ?? itemText(item)),
        `Field must be grouped or aggregated: ${item.rawValue ?? itemText(item)}`);
    }
    const name = item.alias ?? (item.type === 'FieldFunctionExpression' ? `expr${exprIndex++}` : (groupBy[at] as Expr).name);
    return { name, value: g => g.values[at] };
  });
}

function itemText(item: { field?: string; relationships?: string[] }): string {
  return [...(item.relationships ?? []), item.field ?? ''].join('.');
}

/** Groups rows by the GROUP BY expressions (one group over everything when there are none). */
export function groupRows(rows: Iterable<StoredRecord>, groupBy: Expr[]): Group[] {
  if (groupBy.length === 0) return [{ values: [], rows: [...rows] }];
  const groups = new Map<string, Group>();
  for (const r of rows) {
    const keys = groupBy.map(e => e.key(r));
    const id = JSON.stringify(keys);
    let g = groups.get(id);
    if (!g) { g = { values: groupBy.map(e => e.raw(r)), rows: [] }; groups.set(id, g); }
    g.rows.push(r);
  }
  return [...groups.values()];
}

/** The operand a HAVING condition reads from a group. */
export function havingOperand(
  soql: string, cond: { field?: string; fn?: FunctionExp }, groupBy: Expr[], exprOf: (text: string | FunctionExp) => Expr,
): Operand<Group> {
  if (cond.fn && isAggregateFn(cond.fn.functionName ?? '')) {
    const param = cond.fn.parameters?.[0];
    const expr = param === undefined ? undefined : exprOf(param as string);
    const fn = (cond.fn.functionName as string).toUpperCase();
    checkOperand(soql, cond.fn.functionName as string, expr);
    const kind: Kind = fn === 'MIN' || fn === 'MAX' ? (expr?.kind ?? 'number') : 'number';
    const raw = (g: Group): unknown => aggregate(fn, expr, g.rows);
    return { kind, raw, key: g => comparable(kind, raw(g)) };
  }
  const text = cond.fn ? exprOf(cond.fn).text : exprOf(cond.field ?? '').text;
  const at = groupBy.findIndex(e => e.text.toLowerCase() === text.toLowerCase());
  if (at < 0) throw malformed(soql, locate(soql, text, locate(soql, 'HAVING')), `Field must be grouped or aggregated: ${text}`);
  const e = groupBy[at] as Expr;
  return { kind: e.kind, raw: g => g.values[at], key: g => comparable(e.kind, g.values[at]) };
}

export function hasAggregates(q: Query): boolean {
  return (q.fields ?? []).some(f => f.type === 'FieldFunctionExpression' && isAggregateFn(f.functionName)) ||
    q.groupBy !== undefined;
}
