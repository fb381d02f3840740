/**
 * WHERE and HAVING: the parser hands conditions over as a flat chain with parenthesis counts; this rebuilds the tree
 * (NOT binds to the next condition or group, mixing AND and OR without parentheses is a MALFORMED_QUERY as Salesforce
 * requires) and compiles it into one predicate closure per query, so scans evaluate no SOQL per row.
 */
import type { FunctionExp, HavingClause, Query, WhereClause } from '@jetstreamapp/soql-parser-js';
import { SfHttpError } from '../types.js';
import { locate, malformed, positioned } from './errors.js';
import { compileLike, type EvaluationBudget } from './like.js';
import { type Literal, toLiteral, unquote } from './literals.js';
import { type Comparable, type Kind, multiSet } from './values.js';

/** What a condition's left side reads from a row. */
export interface Operand<T> {
  kind: Kind;
  /** Comparable value (lower-cased strings, epoch dates), null when empty. */
  key(row: T): Comparable | null;
  /** The wire value (LIKE and INCLUDES read it). */
  raw(row: T): unknown;
}

export interface ConditionNode {
  field?: string;
  fn?: FunctionExp;
  operator: string;
  value?: string | string[];
  literalType?: string | string[];
  valueQuery?: Query;
}

export type WhereNode =
  | { op: 'AND' | 'OR'; items: WhereNode[] }
  | { op: 'NOT'; item: WhereNode }
  | { op: 'COND'; cond: ConditionNode };

export interface WhereContext<T> {
  soql: string;
  now: number;
  /** Work allowed to the whole statement (LIKE charges it). */
  budget: EvaluationBudget;
  operand(cond: ConditionNode): Operand<T>;
  /** Values selected by a semi-join subquery (`Id IN (SELECT AccountId FROM Contact)`), in comparable form. */
  semiJoin(query: Query, kind: Kind): Set<Comparable | null>;
}

type Tok = '(' | ')' | 'NOT' | 'AND' | 'OR' | ConditionNode;

function flatten(w: WhereClause | HavingClause | undefined, out: Tok[]): void {
  let node = w as (WhereClause & { operator?: string; right?: WhereClause }) | undefined;
  while (node) {
    const left = node.left as (ConditionNode & { openParen?: number; closeParen?: number }) | null;
    const isCondition = left !== null && ('field' in left || 'fn' in left);
    for (let i = 0; i < (left?.openParen ?? 0); i++) out.push('(');
    if (isCondition) {
      out.push(left);
      for (let i = 0; i < (left.closeParen ?? 0); i++) out.push(')');
    }
    if (node.operator) out.push(node.operator as Tok);
    node = node.right as typeof node;
  }
}

/** The condition tree of a WHERE or HAVING clause. */
export function buildTree(w: WhereClause | HavingClause | undefined, soql: string): WhereNode | undefined {
  if (!w) return undefined;
  const toks: Tok[] = [];
  flatten(w, toks);
  let pos = 0;
  const fail = (): never => {
    const t = toks[pos];
    const text = typeof t === 'string' ? t : '<EOF>';
    throw malformed(soql, text === '<EOF>' ? soql.length : locate(soql, text, locate(soql, 'WHERE')),
      `unexpected token: '${text}'`);
  };
  const unary = (): WhereNode => {
    const t = toks[pos];
    if (t === 'NOT') { pos++; return { op: 'NOT', item: unary() }; }
    if (t === '(') {
      pos++;
      const inner = expr();
      if (toks[pos] !== ')') fail();
      pos++;
      return inner;
    }
    if (t === undefined || typeof t === 'string') return fail();
    pos++;
    return { op: 'COND', cond: t };
  };
  const expr = (): WhereNode => {
    const first = unary();
    const t = toks[pos];
    if (t !== 'AND' && t !== 'OR') return first;
    const items = [first];
    while (toks[pos] === t) { pos++; items.push(unary()); }
    const other = toks[pos];
    // "Parentheses are required whenever you mix the operators" (SOQL logical operators).
    if (other === 'AND' || other === 'OR') fail();
    return { op: t, items };
  };
  const tree = expr();
  if (pos !== toks.length) fail();
  return tree;
}

/** Compiles a condition tree into a predicate. */
export function compileTree<T>(node: WhereNode, ctx: WhereContext<T>): (row: T) => boolean {
  switch (node.op) {
    case 'AND': {
      const parts = node.items.map(n => compileTree(n, ctx));
      return row => parts.every(p => p(row));
    }
    case 'OR': {
      const parts = node.items.map(n => compileTree(n, ctx));
      return row => parts.some(p => p(row));
    }
    case 'NOT': {
      const inner = compileTree(node.item, ctx);
      return row => !inner(row);
    }
    case 'COND': return compileCondition(node.cond, ctx);
  }
}

function asArray<V>(v: V | V[] | undefined): V[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function compileCondition<T>(cond: ConditionNode, ctx: WhereContext<T>): (row: T) => boolean {
  const operand = ctx.operand(cond);
  const op = cond.operator.toUpperCase();
  const name = cond.field ?? cond.fn?.rawValue ?? '';
  if (cond.valueQuery) {
    if (op !== 'IN' && op !== 'NOT IN') throw malformed(ctx.soql, locate(ctx.soql, 'SELECT', 1), `unexpected token: 'SELECT'`);
    const set = ctx.semiJoin(cond.valueQuery, operand.kind);
    return op === 'IN' ? row => { const k = operand.key(row); return k !== null && set.has(k); }
      : row => !set.has(operand.key(row));
  }
  const raws = asArray(cond.value);
  const types = asArray(cond.literalType);
  const lit = (i: number): Literal => toLiteral(raws[i] as string, (types[i] ?? types[0]) as string | undefined,
    operand.kind, { soql: ctx.soql, field: name, now: ctx.now });
  switch (op) {
    case 'LIKE': {
      if (types[0] && types[0] !== 'STRING') throw malformed(ctx.soql, locate(ctx.soql, 'LIKE'), `unexpected token: LIKE`);
      const like = compileLike(unquote(raws[0] as string, ctx.soql, true));
      const { budget } = ctx;
      return row => { const v = operand.raw(row); return v !== null && v !== undefined && like(String(v), budget); };
    }
    case 'INCLUDES': case 'EXCLUDES': {
      if (operand.kind !== 'multi') {
        // wording as Salesforce reports it (error code unconfirmed)
        throw new SfHttpError(400, 'INVALID_FIELD', positioned(ctx.soql, locate(ctx.soql, cond.operator),
          'includes or excludes operator only valid on multipicklist field'));
      }
      const wanted = raws.map(r => multiSet(unquote(r, ctx.soql)));
      const includes = (row: T): boolean => {
        const have = multiSet(operand.raw(row));
        return wanted.some(w => [...w].every(x => have.has(x)));
      };
      return op === 'INCLUDES' ? includes : row => !includes(row);
    }
    case 'IN': case 'NOT IN': {
      const lits = raws.map((_r, i) => lit(i));
      const eqs = lits.map(l => equality(l, operand));
      const inList = (row: T): boolean => eqs.some(eq => eq(row));
      return op === 'IN' ? inList : row => !inList(row);
    }
    case '=': return equality(lit(0), operand);
    case '!=': case '<>': { const eq = equality(lit(0), operand); return row => !eq(row); }
    case '<': case '<=': case '>': case '>=': return ordering(op, lit(0), operand);
    default: throw malformed(ctx.soql, locate(ctx.soql, cond.operator), `unexpected token: '${cond.operator}'`);
  }
}

function equality<T>(l: Literal, operand: Operand<T>): (row: T) => boolean {
  if (l.type === 'null') return row => operand.key(row) === null;
  if (l.type === 'range') {
    const { start, end } = l.range;
    return row => { const k = operand.key(row); return k !== null && (k as number) >= start && (k as number) < end; };
  }
  if (operand.kind === 'multi') {
    const want = multiSet(l.text ?? '');
    return row => {
      const have = multiSet(operand.raw(row));
      return have.size === want.size && [...want].every(x => have.has(x));
    };
  }
  const v = l.value;
  return row => operand.key(row) === v;
}

function ordering<T>(op: string, l: Literal, operand: Operand<T>): (row: T) => boolean {
  if (l.type === 'null') return () => false;
  let lo: Comparable;
  let hi: Comparable;
  if (l.type === 'range') { lo = l.range.start; hi = l.range.end; } else { lo = l.value; hi = l.value; }
  const exclusiveEnd = l.type === 'range';
  switch (op) {
    case '<': return row => { const k = operand.key(row); return k !== null && k < lo; };
    case '<=': return exclusiveEnd ? row => { const k = operand.key(row); return k !== null && k < hi; }
      : row => { const k = operand.key(row); return k !== null && k <= hi; };
    case '>': return exclusiveEnd ? row => { const k = operand.key(row); return k !== null && k >= hi; }
      : row => { const k = operand.key(row); return k !== null && k > hi; };
    default: return row => { const k = operand.key(row); return k !== null && k >= lo; };
  }
}
