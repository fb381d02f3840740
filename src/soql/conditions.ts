/**
 * WHERE and HAVING conditions: field objects (`{ Name: 'x', Amount: { gt: 5 } }`), `and`, `or`, `not` and `raw`
 * with bound parameters. Values become literals through `soqlLiteral` only.
 */
import { ValidationError } from '../util/errors.js';
import { isValidId } from '../util/ids.js';
import { parseDatetime, type FieldDef, type FieldValue, type SObjectModel } from '../model/index.js';
import { dateOnly, datetimeLiteral, LikePattern, likeLiteral, soqlLiteral, SoqlToken, type SoqlScalar } from './literal.js';

/** A value a field is compared with. */
export type Scalar<T = unknown> = (unknown extends T ? SoqlScalar : NonNullable<T>) | null | SoqlToken;
type Ordered<T> = (unknown extends T ? SoqlScalar : NonNullable<T>) | SoqlToken;

/** Operators on one field; several in one object are ANDed. */
export interface FieldOps<T = unknown> {
  eq?: Scalar<T>;
  ne?: Scalar<T>;
  gt?: Ordered<T>;
  gte?: Ordered<T>;
  lt?: Ordered<T>;
  lte?: Ordered<T>;
  /**
   * A LIKE pattern: `%` and `_` are wildcards; `\%` and `\_` match a literal percent sign or underscore, and `\\` a
   * backslash (LIKE's own escapes, written `'100\\%'` in TypeScript source). `escape: true`, `likeLiteral` or
   * `likePattern` take text literally instead.
   */
  like?: string | LikePattern;
  /** With `like`: match the string literally (`%` and `_` escaped). */
  escape?: boolean;
  /** LIKE 'value%', the value taken literally. */
  startsWith?: string;
  /** LIKE '%value', the value taken literally. */
  endsWith?: string;
  /** LIKE '%value%', the value taken literally. */
  contains?: string;
  in?: readonly Scalar<T>[];
  /** NOT IN */
  nin?: readonly Scalar<T>[];
  /** Multi-select picklists: INCLUDES ('a', 'b;c'); `;` inside one value means "both". */
  includes?: readonly string[];
  excludes?: readonly string[];
}

/** What a field may be matched with: a value (equality) or operators. */
export type FieldCondition<T = unknown> = Scalar<T> | FieldOps<T>;

/** A condition object: field (or relationship path) → condition, ANDed. */
export type WhereObject = Record<string, FieldCondition>;

/** Condition objects typed by a model's fields; relationship paths (`Account.Name`) are accepted too. */
export type Where<M> = M extends SObjectModel<infer S>
  ? { [K in keyof S & string]?: FieldCondition<FieldValue<S[K]>> } & { [path: `${string}.${string}`]: FieldCondition }
  : WhereObject;

/** How the builder resolves a condition key to its SOQL expression. */
export interface RenderContext {
  sobject: string;
  resolve(key: string): { expr: string; field?: FieldDef | undefined };
}

interface Rendered {
  text: string;
  /** Holds a top-level AND/OR, so it needs parentheses inside another combinator. */
  compound: boolean;
}

const KEY = Symbol('SoqlCondition');

/** A combined condition (`and`, `or`, `not`, `raw`). */
export class SoqlCondition {
  /** @internal */
  constructor(key: symbol, private readonly renderFn: (ctx: RenderContext) => Rendered) {
    if (key !== KEY) throw new TypeError('use and(), or(), not() or raw()');
  }
  /** @internal */
  render(ctx: RenderContext): Rendered {
    return this.renderFn(ctx);
  }
}

/** A condition: an object of field conditions, or a combinator. */
export type Condition<W = WhereObject> = W | SoqlCondition;

/** Renders a condition to SOQL text. */
export function renderCondition(cond: Condition<unknown>, ctx: RenderContext): Rendered {
  if (cond instanceof SoqlCondition) return cond.render(ctx);
  if (!isOpsObject(cond)) throw new ValidationError({ sobject: ctx.sobject, reason: 'a condition must be an object of fields, and(), or(), not() or raw()' });
  const parts: string[] = [];
  for (const [key, value] of Object.entries(cond)) parts.push(...renderField(key, value as FieldCondition, ctx));
  if (parts.length === 0) throw new ValidationError({ sobject: ctx.sobject, reason: 'empty condition object' });
  return { text: parts.join(' AND '), compound: parts.length > 1 };
}

const wrap = (r: Rendered) => (r.compound ? `(${r.text})` : r.text);

function combine(op: 'AND' | 'OR', conds: Condition<unknown>[]): SoqlCondition {
  return new SoqlCondition(KEY, ctx => {
    if (conds.length === 0) throw new ValidationError({ sobject: ctx.sobject, reason: `${op.toLowerCase()}() needs at least one condition` });
    const parts = conds.map(c => renderCondition(c, ctx));
    if (parts.length === 1) return parts[0]!;
    return { text: parts.map(wrap).join(` ${op} `), compound: true };
  });
}

/** Every condition holds. */
export function and<W = WhereObject>(...conds: Condition<W>[]): SoqlCondition {
  return combine('AND', conds);
}

/** At least one condition holds. */
export function or<W = WhereObject>(...conds: Condition<W>[]): SoqlCondition {
  return combine('OR', conds);
}

/** The condition does not hold. */
export function not<W = WhereObject>(cond: Condition<W>): SoqlCondition {
  return new SoqlCondition(KEY, ctx => ({ text: `NOT (${renderCondition(cond, ctx).text})`, compound: false }));
}

/**
 * A hand-written condition with bound parameters: each `:name` outside quotes is replaced by the literal of
 * `params.name` (lists for arrays). Every parameter must be used and every placeholder bound.
 * @example
 * raw('Amount > :min AND Name = :n', { min: 5, n: "x'y" })   // Amount > 5 AND Name = 'x\'y'
 */
export function raw(template: string, params: Record<string, SoqlScalar | readonly SoqlScalar[]> = {}): SoqlCondition {
  return new SoqlCondition(KEY, ctx => ({ text: bind(template, params, ctx.sobject), compound: true }));
}

function bind(template: string, params: Record<string, SoqlScalar | readonly SoqlScalar[]>, sobject: string): string {
  const used = new Set<string>();
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c === "'") {
      let j = i + 1;
      while (j < template.length && template[j] !== "'") j += template[j] === '\\' ? 2 : 1;
      if (j >= template.length) throw new ValidationError({ sobject, reason: 'unterminated string in raw condition' });
      out += template.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const m = c === ':' && !/[A-Za-z0-9_]/.test(template[i - 1] ?? '') ? /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(template.slice(i)) : null;
    if (m) {
      const name = m[1]!;
      if (!Object.prototype.hasOwnProperty.call(params, name)) throw new ValidationError({ sobject, reason: `raw condition: no value bound to :${name}` });
      out += soqlLiteral(params[name]!);
      used.add(name);
      i += m[0].length;
      continue;
    }
    out += c;
    i++;
  }
  const unused = Object.keys(params).filter(k => !used.has(k));
  if (unused.length) throw new ValidationError({ sobject, reason: `raw condition: parameter(s) never used: ${unused.join(', ')}` });
  return out;
}

function isOpsObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) return false;
  if (SoqlToken.is(v) || v instanceof LikePattern || v instanceof SoqlCondition) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const COMPARE: Record<string, string> = { eq: '=', ne: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' };
const LIKE_SUGAR: Record<string, (s: string) => LikePattern> = {
  startsWith: s => LikePattern.of([{ text: s, literal: true }, { text: '%', literal: false }]),
  endsWith: s => LikePattern.of([{ text: '%', literal: false }, { text: s, literal: true }]),
  contains: s => LikePattern.of([{ text: '%', literal: false }, { text: s, literal: true }, { text: '%', literal: false }]),
};

function renderField(key: string, cond: FieldCondition, ctx: RenderContext): string[] {
  const { expr, field } = ctx.resolve(key);
  const fail = (reason: string) => new ValidationError({ sobject: ctx.sobject, field: key, reason });
  if (cond === undefined) throw fail('undefined is not a condition (it would silently widen the query); use null to match empty fields');
  if (!isOpsObject(cond)) return [`${expr} = ${valueLiteral(field, cond, fail)}`];
  const ops = cond as Record<string, unknown>;
  const out: string[] = [];
  for (const [op, v] of Object.entries(ops)) {
    if (op === 'escape') {
      if (!('like' in ops)) throw fail('escape goes with like');
      continue;
    }
    if (v === undefined) throw fail(`undefined value for ${op}`);
    if (op in COMPARE) {
      if (v === null && op !== 'eq' && op !== 'ne') throw fail(`null cannot be compared with ${op}`);
      out.push(`${expr} ${COMPARE[op]} ${valueLiteral(field, v, fail)}`);
    } else if (op === 'like') {
      const pattern = v instanceof LikePattern ? v : typeof v === 'string' ? (ops.escape ? likeLiteral(v) : LikePattern.of([{ text: v, literal: false }])) : undefined;
      if (!pattern) throw fail('like takes a string or a likePattern');
      out.push(`${expr} LIKE ${pattern.toSoql()}`);
    } else if (op in LIKE_SUGAR) {
      if (typeof v !== 'string') throw fail(`${op} takes a string`);
      out.push(`${expr} LIKE ${LIKE_SUGAR[op]!(v).toSoql()}`);
    } else if (op === 'in' || op === 'nin') {
      if (!Array.isArray(v) || v.length === 0) throw fail(`${op} takes a non-empty array (an empty list is not valid SOQL)`);
      out.push(`${expr} ${op === 'in' ? 'IN' : 'NOT IN'} (${v.map(x => valueLiteral(field, x, fail, false)).join(', ')})`);
    } else if (op === 'includes' || op === 'excludes') {
      if (!Array.isArray(v) || v.length === 0 || v.some(x => typeof x !== 'string')) throw fail(`${op} takes a non-empty array of strings`);
      out.push(`${expr} ${op.toUpperCase()} (${v.map(x => soqlLiteral(x as string)).join(', ')})`);
    } else {
      throw fail(`unknown operator ${JSON.stringify(op)}`);
    }
  }
  if (out.length === 0) throw fail('no operator given');
  return out;
}

const NUMBER_KINDS = new Set(['int', 'double', 'currency', 'percent']);
const TEXT_KINDS = new Set(['string', 'textarea', 'email', 'url', 'phone', 'picklist', 'time']);

/** A value as a literal, checked and converted for the field's kind when the model knows it. */
function valueLiteral(field: FieldDef | undefined, v: unknown, fail: (r: string) => ValidationError, allowMulti = true): string {
  try {
    if (v === null || SoqlToken.is(v)) return soqlLiteral(v);
    if (Array.isArray(v)) {
      if (field?.kind === 'multipicklist' && allowMulti && v.every(x => typeof x === 'string')) return soqlLiteral(v.join(';'));
      throw fail('an array is not a value; use { in: [...] }');
    }
    if (!field) return soqlLiteral(v as SoqlScalar);
    switch (field.kind) {
      case 'date':
        if (typeof v === 'string' || v instanceof Date) return dateOnly(v).toSoql();
        throw fail('expected a YYYY-MM-DD string, a Date or a date literal');
      case 'datetime': {
        const d = v instanceof Date ? v : typeof v === 'string' ? parseDatetime(v) : undefined;
        if (!d) throw fail(`expected a Date or a datetime string, got ${JSON.stringify(v)}`);
        return datetimeLiteral(d).toSoql();
      }
      case 'id': case 'reference':
        if (!isValidId(v)) throw fail(`malformed id ${JSON.stringify(v)}`);
        break;
      case 'boolean':
        if (typeof v !== 'boolean') throw fail(`expected a boolean, got ${typeof v}`);
        break;
      default:
        if (NUMBER_KINDS.has(field.kind) && typeof v !== 'number') throw fail(`expected a number, got ${typeof v}`);
        if (TEXT_KINDS.has(field.kind) && typeof v !== 'string') throw fail(`expected a string, got ${typeof v}`);
    }
    return soqlLiteral(v as SoqlScalar);
  } catch (e) {
    if (e instanceof ValidationError && e.field === undefined) throw fail(e.reason);
    throw e;
  }
}
