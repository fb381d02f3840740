/**
 * The immutable SOQL query builder. Every method returns a new builder; `toSoql()` renders the query. Field names
 * are checked as they are given (syntax always, existence when the builder has a model), values become literals
 * only through `soqlLiteral`.
 */
import { ValidationError } from '../util/errors.js';
import type { SObjectModel, ShapeRecord, Simplify } from '../model/index.js';
import { Aggregate } from './aggregates.js';
import { renderCondition, type Condition, type RenderContext, type Where, type WhereObject } from './conditions.js';
import { checkFieldPath } from './fieldPath.js';

/** The record type of a model, or a loose record without one. */
export type RecordFor<M> = M extends SObjectModel<infer S> ? ShapeRecord<S> : Record<string, unknown>;

/** Field names a builder accepts: the model's fields, or relationship paths. */
export type FieldPathOf<M> = M extends SObjectModel<infer S> ? (keyof S & string) | `${string}.${string}` : string;

type ParentsOf<F extends string> = { [K in F as K extends `${infer P}.${string}` ? P : never]?: Record<string, unknown> | null };

/** The row type of a query selecting fields `F`: the model's types for its fields, parents as loose records. */
export type Selected<M, F extends string> = Simplify<
  (M extends SObjectModel<infer S>
    ? Pick<ShapeRecord<S>, F & keyof ShapeRecord<S>>
    : { [K in F as K extends `${string}.${string}` ? never : K]?: unknown }) & ParentsOf<F>>;

/** A child relationship in a row: a nested, separately paged query result, or null when empty. */
export interface SubqueryResult<R> {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: R[];
}

export type SortDirection = 'asc' | 'desc';
export type NullsOrder = 'nullsFirst' | 'nullsLast';

type AnyModel = SObjectModel<any> | undefined;

interface State {
  readonly sobject: string;
  readonly model: AnyModel;
  readonly fields?: readonly string[];
  readonly subqueries: readonly string[];
  readonly where: readonly { text: string; compound: boolean }[];
  readonly groupBy: readonly string[];
  readonly having: readonly Condition<unknown>[];
  readonly aggregates: readonly (readonly [string, Aggregate])[];
  readonly orderBy: readonly { key: string | Aggregate; dir: SortDirection; nulls?: NullsOrder }[];
  readonly limit?: number;
  readonly offset?: number;
  readonly countOnly: boolean;
  readonly subquery: boolean;
}

const RESERVED = new Set(['AND', 'ASC', 'DESC', 'EXCLUDES', 'FIRST', 'FROM', 'GROUP', 'HAVING', 'IN', 'INCLUDES', 'LAST',
  'LIKE', 'LIMIT', 'NOT', 'NULL', 'NULLS', 'OR', 'SELECT', 'WHERE', 'WITH', 'OFFSET', 'ORDER', 'BY', 'USING', 'TYPEOF']);
const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Salesforce refuses OFFSET above 2,000. */
const MAX_OFFSET = 2000;

/** A SOQL query under construction; `R` is the type of one result row. */
export class QueryBuilder<M extends AnyModel, R> {
  /** Phantom: the row type. */
  declare readonly _row: R;

  /** @internal use `select()` */
  constructor(private readonly state: State) {}

  /** The model the query reads, when built with `select(Model)`; the sources layer uses it to type rows. */
  get model(): M {
    return this.state.model as M;
  }
  /** The object queried (or, in a subquery, the child relationship). */
  get sobject(): string {
    return this.state.sobject;
  }
  /** `SELECT COUNT()`: the answer is `totalSize`, with no records. */
  get isCount(): boolean {
    return this.state.countOnly;
  }
  /** Has aggregate expressions: rows are AggregateResult, not records of the model. */
  get isAggregate(): boolean {
    return this.state.aggregates.length > 0;
  }

  private next<R2 = R>(patch: Partial<State>): QueryBuilder<M, R2> {
    return new QueryBuilder<M, R2>({ ...this.state, ...patch });
  }

  private fail(reason: string, field?: string): ValidationError {
    return new ValidationError({ sobject: this.state.sobject, reason, ...(field !== undefined ? { field } : {}) });
  }

  private check(path: string): void {
    checkFieldPath(path, this.state.model, this.state.sobject);
  }

  /**
   * The fields to select, replacing the model's full list.
   * @example select(Contact).fields('Id', 'Email', 'Account.Name')
   */
  fields<F extends FieldPathOf<M>>(...fields: F[]): QueryBuilder<M, Selected<M, F>> {
    if (fields.length === 0) throw this.fail('fields() needs at least one field');
    fields.forEach(f => this.check(f));
    return this.next({ fields: [...new Set<string>(fields)] });
  }

  /** Adds a condition; several calls are ANDed. */
  where(cond: Condition<Where<M>>): QueryBuilder<M, R> {
    const rendered = renderCondition(cond, this.context(false));
    return this.next({ where: [...this.state.where, rendered] });
  }

  /**
   * A child relationship subquery.
   * @example select(Account).subquery('Contacts', q => q.fields('Id', 'Email').where({ Email: { like: '%@acme.com' } }))
   */
  subquery<K extends string, R2>(relationship: K, build: (q: QueryBuilder<undefined, Record<string, unknown>>) => QueryBuilder<undefined, R2>): QueryBuilder<M, Simplify<R & { [P in K]?: SubqueryResult<R2> | null }>>;
  /** A child relationship subquery whose fields are checked against the child's model. */
  subquery<K extends string, CM extends SObjectModel<any>, R2>(relationship: K, child: CM, build: (q: QueryBuilder<CM, RecordFor<CM>>) => QueryBuilder<CM, R2>): QueryBuilder<M, Simplify<R & { [P in K]?: SubqueryResult<R2> | null }>>;
  subquery(relationship: string, a: unknown, b?: unknown): QueryBuilder<M, any> {
    if (!IDENT.test(relationship)) throw this.fail(`not a child relationship name: ${JSON.stringify(relationship)}`);
    if (this.state.subquery) throw this.fail('subqueries cannot nest here');
    const child = typeof a === 'function' ? undefined : (a as SObjectModel<any>);
    const build = (typeof a === 'function' ? a : b) as (q: QueryBuilder<any, any>) => QueryBuilder<any, any>;
    const q = build(new QueryBuilder({ ...emptyState(relationship, child), subquery: true }));
    return this.next({ subqueries: [...this.state.subqueries, `(${q.toSoql()})`] });
  }

  /** ORDER BY; call again for more keys. A key may be an aggregate or an aggregate's alias. */
  orderBy(key: FieldPathOf<M> | Aggregate | (keyof R & string), dir: SortDirection = 'asc', nulls?: NullsOrder): QueryBuilder<M, R> {
    if (dir !== 'asc' && dir !== 'desc') throw this.fail(`sort direction must be 'asc' or 'desc', got ${JSON.stringify(dir)}`);
    if (nulls !== undefined && nulls !== 'nullsFirst' && nulls !== 'nullsLast') throw this.fail(`nulls must be 'nullsFirst' or 'nullsLast'`);
    if (typeof key === 'string' && !IDENT.test(key)) this.check(key);
    return this.next({ orderBy: [...this.state.orderBy, { key, dir, ...(nulls ? { nulls } : {}) }] });
  }

  limit(n: number): QueryBuilder<M, R> {
    if (!Number.isSafeInteger(n) || n < 0) throw this.fail(`LIMIT must be a non-negative integer, got ${n}`);
    return this.next({ limit: n });
  }

  /** OFFSET (at most 2,000 in Salesforce; not allowed in bulk queries). */
  offset(n: number): QueryBuilder<M, R> {
    if (!Number.isSafeInteger(n) || n < 0 || n > MAX_OFFSET) throw this.fail(`OFFSET must be an integer from 0 to ${MAX_OFFSET}, got ${n}`);
    return this.next({ offset: n });
  }

  /** GROUP BY fields or date functions (`dateFunction('CALENDAR_YEAR', 'CloseDate')`). */
  groupBy(...keys: (FieldPathOf<M> | Aggregate)[]): QueryBuilder<M, R> {
    const rendered = keys.map(k => (k instanceof Aggregate ? this.renderAggregate(k) : (this.check(k), k)));
    return this.next({ groupBy: [...this.state.groupBy, ...rendered] });
  }

  /** HAVING: keys are aggregate aliases (from `aggregate()`) or grouped fields. */
  having(cond: Condition<WhereObject>): QueryBuilder<M, R> {
    return this.next({ having: [...this.state.having, cond] });
  }

  /**
   * Aggregate expressions with their aliases; rows become `{ alias: value }` plus the grouped fields.
   * @example select(Opportunity).groupBy('StageName').aggregate({ total: sum('Amount'), n: count() })
   */
  aggregate<A extends Record<string, Aggregate>>(aggregates: A): QueryBuilder<M, Simplify<{ [K in keyof A]: A[K]['_type'] } & Record<string, unknown>>> {
    const entries = Object.entries(aggregates).map(([alias, agg]) => {
      if (!IDENT.test(alias) || RESERVED.has(alias.toUpperCase())) throw this.fail(`not a usable alias: ${JSON.stringify(alias)}`);
      if (!(agg instanceof Aggregate)) throw this.fail(`${alias} is not an aggregate (use sum(), count()…)`);
      this.renderAggregate(agg);
      return [alias, agg] as const;
    });
    if (entries.length === 0) throw this.fail('aggregate() needs at least one expression');
    return this.next({ aggregates: [...this.state.aggregates, ...entries] });
  }

  /** `SELECT COUNT() FROM …`: the answer is `totalSize`. ORDER BY, OFFSET and subqueries are dropped. */
  count(): QueryBuilder<M, never> {
    return this.next<never>({ countOnly: true });
  }

  private renderAggregate(agg: Aggregate): string {
    if (agg.field !== undefined) this.check(agg.field);
    return agg.toSoql();
  }

  private context(having: boolean): RenderContext {
    const { model, sobject, aggregates } = this.state;
    return {
      sobject,
      resolve: key => {
        const agg = having ? aggregates.find(([alias]) => alias.toLowerCase() === key.toLowerCase()) : undefined;
        if (agg) return { expr: agg[1].toSoql() };
        return { expr: key, field: checkFieldPath(key, model, sobject) };
      },
    };
  }

  private selectList(): string {
    const s = this.state;
    if (s.countOnly) return 'COUNT()';
    const fields = s.fields ?? (s.aggregates.length ? s.groupBy : s.model?.fieldNames);
    if (!fields || (fields.length === 0 && s.aggregates.length === 0)) {
      throw this.fail(`no fields to select (use .fields(…) with select('${s.sobject}'))`);
    }
    return [...fields, ...s.subqueries, ...s.aggregates.map(([alias, agg]) => `${agg.toSoql()} ${alias}`)].join(', ');
  }

  /** The query text. */
  toSoql(): string {
    const s = this.state;
    if (s.subquery && (s.countOnly || s.aggregates.length || s.groupBy.length || s.offset !== undefined)) {
      throw this.fail('a subquery cannot count, aggregate, group or use OFFSET');
    }
    const parts = [`SELECT ${this.selectList()} FROM ${s.sobject}`];
    if (s.where.length) parts.push(`WHERE ${joinAnd(s.where)}`);
    if (s.groupBy.length) parts.push(`GROUP BY ${s.groupBy.join(', ')}`);
    if (s.having.length) {
      const ctx = this.context(true);
      parts.push(`HAVING ${joinAnd(s.having.map(c => renderCondition(c, ctx)))}`);
    }
    if (s.orderBy.length && !s.countOnly) {
      parts.push(`ORDER BY ${s.orderBy.map(o => `${this.orderKey(o.key)} ${o.dir.toUpperCase()}` +
        (o.nulls ? (o.nulls === 'nullsFirst' ? ' NULLS FIRST' : ' NULLS LAST') : '')).join(', ')}`);
    }
    if (s.limit !== undefined) parts.push(`LIMIT ${s.limit}`);
    if (s.offset !== undefined && !s.countOnly) parts.push(`OFFSET ${s.offset}`);
    return parts.join(' ');
  }

  private orderKey(key: string | Aggregate): string {
    if (key instanceof Aggregate) return this.renderAggregate(key);
    const agg = this.state.aggregates.find(([alias]) => alias.toLowerCase() === key.toLowerCase());
    if (agg) return agg[1].toSoql();
    this.check(key);
    return key;
  }

  toString(): string {
    return this.toSoql();
  }
}

/** Conditions ANDed, each compound one in parentheses when there are several. */
function joinAnd(conds: readonly { text: string; compound: boolean }[]): string {
  return conds.map(c => (c.compound && conds.length > 1 ? `(${c.text})` : c.text)).join(' AND ');
}

function emptyState(sobject: string, model: AnyModel): State {
  return { sobject, model, subqueries: [], where: [], groupBy: [], having: [], aggregates: [], orderBy: [], countOnly: false, subquery: false };
}

/**
 * Starts a query on a model (every field of the model, rows typed by it) or on an object by name.
 * @example
 * import { select, dateLiteral } from 'rxforce';
 * select(Opportunity).where({ StageName: 'Closed Won', CloseDate: { gte: dateLiteral('LAST_N_DAYS', 30) } }).toSoql();
 */
export function select<M extends SObjectModel<any>>(model: M): QueryBuilder<M, RecordFor<M>>;
export function select(sobject: string): QueryBuilder<undefined, Record<string, unknown>>;
export function select(target: string | SObjectModel<any>): QueryBuilder<any, any> {
  if (typeof target === 'string') {
    if (!IDENT.test(target)) throw new ValidationError({ reason: `not an sObject API name: ${JSON.stringify(target)}` });
    return new QueryBuilder(emptyState(target, undefined));
  }
  return new QueryBuilder(emptyState(target.apiName, target));
}
