/**
 * The emulator's SOQL engine: parses with @jetstreamapp/soql-parser-js and evaluates against an OrgStore, answering
 * with Salesforce's record shapes and error bodies. REST (`routes.ts`) pages through `execute()`; the Bulk 2.0 engine
 * streams `rows()`.
 */
import { type FunctionExp, parseQuery, type Query, type Subquery } from '@jetstreamapp/soql-parser-js';
import { type ObjectSchema, type OrgStore, SfHttpError, type StoredRecord } from '../types.js';
import { aggregateColumns, type Expr, type Group, groupRows, hasAggregates, havingOperand } from './aggregate.js';
import { locate, malformed, positioned, unknownChildRelationship, unsupportedObject } from './errors.js';
import { dateFunction } from './functions.js';
import { EvaluationBudget } from './like.js';
import { unquote } from './literals.js';
import { attributes, planSelect, type ShapeNode } from './plan.js';
import { type ResolveContext, resolvePath, typeOfId } from './resolve.js';
import { type Comparable, comparable, compare, parseDateTime, to18 } from './values.js';
import { buildTree, compileTree, type ConditionNode, type Operand, type WhereNode } from './where.js';

/** Salesforce refuses OFFSET above 2,000 (NUMBER_OUTSIDE_VALID_RANGE). */
export const MAX_OFFSET = 2000;

export interface QueryOptions {
  /** queryAll semantics: rows with IsDeleted = true are included. */
  includeDeleted?: boolean;
  /** Clock for date literals (epoch ms); defaults to Date.now(). */
  now?: number;
  /** API version for `attributes.url` (default 62.0). */
  version?: string;
  /** Tooling API query: record urls under `/tooling/sobjects/`. */
  tooling?: boolean;
  /** Steps one run may spend on LIKE matching before QUERY_TIMEOUT (default `DEFAULT_EVALUATION_BUDGET`). */
  evaluationBudget?: number;
}

/** The answer of one execution, paged by the caller. */
export interface QueryResult {
  /** Matching rows after LIMIT/OFFSET (the COUNT() value for `SELECT COUNT()`). */
  totalSize: number;
  /** REST-shaped records `[offset, offset + size)`; child subqueries come back whole (the route pages them). */
  page(offset: number, size: number): Record<string, unknown>[];
}

/**
 * A compiled query. Compile once (validates names and literals, throws SfHttpError 400 as Salesforce would), then
 * run it as often as needed.
 *
 * For the Bulk 2.0 query engine: `columns` are the CSV headers in SELECT order, parents spelled `Account.Name`,
 * aggregates by alias or `expr0…`; `rows()` yields one array of wire values per row, aligned with `columns` (null
 * for an empty value or a missing parent). Without ORDER BY or aggregates it streams straight off `store.scan`
 * (constant memory, LIMIT/OFFSET applied on the fly); otherwise it sorts or groups first. Child subqueries are not
 * part of `columns` (Bulk API 2.0 rejects them: check `hasSubqueries`).
 *
 * @example
 * const q = compileQuery(store, 'SELECT Id, Account.Name FROM Contact', { includeDeleted: false });
 * for (const row of q.rows()) csv.write(row);      // q.columns → ['Id', 'Account.Name']
 */
export interface CompiledQuery {
  /** Canonical name of the FROM object. */
  readonly sobject: string;
  readonly columns: string[];
  readonly kind: 'records' | 'aggregate' | 'count';
  readonly hasSubqueries: boolean;
  /** True when rows() streams without materialising the result. */
  readonly streaming: boolean;
  execute(): QueryResult;
  rows(): Iterable<unknown[]>;
}

interface Env {
  store: OrgStore;
  soql: string;
  now: number;
  version: string;
  tooling: boolean;
  includeDeleted: boolean;
  budget: EvaluationBudget;
}

/** Parses and compiles a SOQL statement; see CompiledQuery. */
export function compileQuery(store: OrgStore, soql: string, opts: QueryOptions = {}): CompiledQuery {
  const env: Env = {
    store, soql, now: opts.now ?? Date.now(), version: opts.version ?? '62.0', tooling: opts.tooling ?? false,
    includeDeleted: opts.includeDeleted ?? false, budget: new EvaluationBudget(opts.evaluationBudget),
  };
  const compiled = compileParsed(env, parse(soql));
  // each run gets the whole allowance; compiling (semi-joins included) spent from the same one
  return {
    ...compiled,
    execute: () => { env.budget.reset(); return compiled.execute(); },
    rows: () => { env.budget.reset(); return compiled.rows(); },
  };
}

function parse(soql: string): Query {
  if (soql.trim() === '') throw malformed(soql, 0, `unexpected token: '<EOF>'`);
  try {
    return parseQuery(soql);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const lex = /at offset: (\d+)/.exec(msg);
    if (lex) throw malformed(soql, Number(lex[1]), `unexpected token: '${soql[Number(lex[1])] ?? '<EOF>'}'`);
    const found = /but found:? (?:--> )?'([^']*)'/.exec(msg);
    const token = found?.[1] ?? '';
    // Unconfirmed wording: Salesforce names the first token it could not use.
    if (token === '') throw malformed(soql, soql.trimEnd().length, `unexpected token: '<EOF>'`);
    throw malformed(soql, locate(soql, token, locate(soql, 'SELECT') + 1), `unexpected token: '${token}'`);
  }
}

function schemaOf(env: Env, name: string | undefined): ObjectSchema {
  const s = name ? env.store.schema.get(name) : undefined;
  if (!s || (env.tooling ? false : s.tooling === true)) throw unsupportedObject(env.soql, name ?? '');
  return s;
}

function checkLimits(env: Env, q: Query): void {
  if (q.offset !== undefined && q.offset > MAX_OFFSET) {
    throw new SfHttpError(400, 'NUMBER_OUTSIDE_VALID_RANGE', positioned(env.soql, locate(env.soql, 'OFFSET'),
      `Maximum SOQL offset allowed is ${MAX_OFFSET}`));
  }
  const fieldsAll = (q.fields ?? []).some(f => f.type === 'FieldFunctionExpression' &&
    f.functionName.toUpperCase() === 'FIELDS' && String(f.parameters[0]).toUpperCase() !== 'STANDARD');
  if (fieldsAll && (q.limit === undefined || q.limit > 200)) {
    // Unconfirmed wording of the FIELDS(ALL)/FIELDS(CUSTOM) bound.
    throw malformed(env.soql, locate(env.soql, 'FIELDS'), 'The SOQL FIELDS function must have a LIMIT of at most 200');
  }
}

function compileParsed(env: Env, q: Query): CompiledQuery {
  const schema = schemaOf(env, q.sObject);
  checkLimits(env, q);
  const rctx: ResolveContext = { soql: env.soql, store: env.store, includeDeleted: env.includeDeleted, alias: q.sObjectAlias };
  const exprOf = exprFactory(env, rctx, schema);
  const tree = buildTree(q.where, env.soql);
  const predicate = tree ? compileTree<StoredRecord>(tree, {
    soql: env.soql, now: env.now, budget: env.budget,
    operand: cond => operandOf(exprOf, cond),
    semiJoin: (inner, kind) => semiJoin(env, inner, kind),
  }) : undefined;
  const candidates = candidateSource(env, schema, tree, rctx);
  const matching = function* (): Iterable<StoredRecord> {
    for (const rec of candidates()) if (!predicate || predicate(rec)) yield rec;
  };
  const first = q.fields?.[0];
  const isCount = q.fields?.length === 1 && first?.type === 'FieldFunctionExpression' &&
    first.functionName.toUpperCase() === 'COUNT' && first.parameters.length === 0 && !q.groupBy;
  if (isCount) return countQuery(schema, q, matching);
  if (hasAggregates(q)) return aggregateQuery(env, schema, q, matching, exprOf);
  return recordQuery(env, schema, q, rctx, matching, exprOf);
}

type ExprOf = (text: string | FunctionExp) => Expr;

function exprFactory(env: Env, rctx: ResolveContext, schema: ObjectSchema): ExprOf {
  return (item: string | FunctionExp): Expr => {
    if (typeof item === 'string') {
      const path = resolvePath(rctx, schema, item);
      return { kind: path.kind, raw: path.get, key: path.key, text: path.column, name: path.field.name };
    }
    const name = item.functionName ?? '';
    const fn = dateFunction(name);
    const param = item.parameters?.[0];
    if (!fn || typeof param !== 'string') {
      throw malformed(env.soql, locate(env.soql, name), `unexpected token: '${name}'`);
    }
    const path = resolvePath(rctx, schema, param);
    const raw = (rec: StoredRecord): unknown => {
      const v = path.get(rec);
      return v === null || v === undefined || v === '' ? null : fn.apply(parseDateTime(String(v)));
    };
    return {
      kind: fn.kind, raw, key: rec => comparable(fn.kind, raw(rec)),
      text: `${name.toUpperCase()}(${path.column})`, name,
    };
  };
}

function operandOf(exprOf: ExprOf, cond: ConditionNode): Operand<StoredRecord> {
  const e = exprOf(cond.fn ?? cond.field ?? '');
  return { kind: e.kind, key: e.key, raw: e.raw };
}

function semiJoin(env: Env, inner: Query, kind: Operand<StoredRecord>['kind']): Set<Comparable | null> {
  const compiled = compileParsed(env, inner);
  if (compiled.columns.length !== 1) {
    throw malformed(env.soql, locate(env.soql, 'SELECT', 1), 'unexpected token: \',\'');
  }
  const set = new Set<Comparable | null>();
  for (const [v] of compiled.rows()) set.add(comparable(kind, v));
  return set;
}

/** Rows worth testing: an index lookup when a top-level `Id =`/`IN` or unique/external-id equality allows it. */
function candidateSource(env: Env, schema: ObjectSchema, tree: WhereNode | undefined, rctx: ResolveContext):
  () => Iterable<StoredRecord> {
  const scan = (): Iterable<StoredRecord> => env.store.scan(schema.name, { includeDeleted: env.includeDeleted });
  const conds = !tree ? [] : tree.op === 'COND' ? [tree.cond]
    : tree.op === 'AND' ? tree.items.flatMap(n => (n.op === 'COND' ? [n.cond] : [])) : [];
  for (const c of conds) {
    const op = c.operator.toUpperCase();
    if (!c.field || c.valueQuery || (op !== '=' && op !== 'IN')) continue;
    const path = resolvePath(rctx, schema, c.field);
    const f = path.field;
    if (path.hops.length > 0 || !(f.name === 'Id' || f.externalId || f.unique)) continue;
    const types = Array.isArray(c.literalType) ? c.literalType : [c.literalType];
    if (types.some(t => t !== 'STRING')) continue;
    const values = (Array.isArray(c.value) ? c.value : [c.value ?? '']).map(v => unquote(v, env.soql));
    return function* () {
      const seen = new Set<string>();
      for (const v of values) {
        const found = f.name === 'Id'
          ? [env.store.get(to18(v), { includeDeleted: env.includeDeleted })].filter(r => r !== undefined)
          : env.store.findBy(schema.name, f.name, v);
        for (const rec of found) {
          if (seen.has(rec.Id) || rec.Id.slice(0, 3) !== schema.keyPrefix) continue;
          if (rec.IsDeleted && !env.includeDeleted) continue;
          seen.add(rec.Id);
          yield rec;
        }
      }
    };
  }
  return scan;
}

function window<T>(items: Iterable<T>, offset: number, limit: number | undefined): Iterable<T> {
  return (function* () {
    if (limit === 0) return;
    let skipped = 0;
    let taken = 0;
    for (const item of items) {
      if (skipped < offset) { skipped++; continue; }
      yield item;
      if (limit !== undefined && ++taken >= limit) return;
    }
  })();
}

function countQuery(schema: ObjectSchema, q: Query, matching: () => Iterable<StoredRecord>): CompiledQuery {
  const count = (): number => {
    let n = 0;
    for (const _ of window(matching(), q.offset ?? 0, q.limit)) n++;
    return n;
  };
  return {
    sobject: schema.name, columns: [], kind: 'count', hasSubqueries: false, streaming: true,
    execute: () => ({ totalSize: count(), page: () => [] }),
    rows: () => [],
  };
}

interface SortKey<T> {
  key(row: T): Comparable | null;
  desc: boolean;
  nullsLast: boolean;
}

/** Case-insensitive multi-key sort; nulls first unless NULLS LAST ("By default, null values are sorted first"). */
function sortRows<T>(rows: T[], keys: SortKey<T>[]): T[] {
  const decorated = rows.map(r => ({ r, k: keys.map(s => s.key(r)) }));
  decorated.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const s = keys[i] as SortKey<T>;
      const x = a.k[i] ?? null;
      const y = b.k[i] ?? null;
      if (x === null && y === null) continue;
      if (x === null) return s.nullsLast ? 1 : -1;
      if (y === null) return s.nullsLast ? -1 : 1;
      const c = compare(x, y);
      if (c !== 0) return s.desc ? -c : c;
    }
    return 0;
  });
  return decorated.map(d => d.r);
}

function orderItems(q: Query | Subquery): Array<{ field?: string; fn?: FunctionExp; order?: string; nulls?: string }> {
  return q.orderBy === undefined ? [] : Array.isArray(q.orderBy) ? q.orderBy : [q.orderBy];
}

function recordSortKeys(q: Query | Subquery, exprOf: ExprOf): SortKey<StoredRecord>[] {
  return orderItems(q).map(o => ({
    key: exprOf(o.fn ?? o.field ?? '').key,
    desc: o.order === 'DESC',
    nullsLast: o.nulls === 'LAST',
  }));
}

/** Child rows by parent id for one subquery, built on first use by a single scan of the child object. */
interface ChildPlan {
  name: string;
  lookup(parentId: string): Record<string, unknown> | null;
}

function childPlan(env: Env, parent: ObjectSchema, sub: Subquery): ChildPlan {
  const rel = parent.childRelationships.find(r => r.relationshipName?.toLowerCase() === sub.relationshipName.toLowerCase());
  const child = rel ? env.store.schema.get(rel.childSObject) : undefined;
  if (!rel || !child) throw unknownChildRelationship(env.soql, sub.relationshipName);
  const rctx: ResolveContext = { soql: env.soql, store: env.store, includeDeleted: env.includeDeleted };
  const exprOf = exprFactory(env, rctx, child);
  const tree = buildTree(sub.where, env.soql);
  const predicate = tree ? compileTree<StoredRecord>(tree, {
    soql: env.soql, now: env.now, budget: env.budget, operand: cond => operandOf(exprOf, cond),
    semiJoin: (inner, kind) => semiJoin(env, inner, kind),
  }) : undefined;
  const plan = planSelect(rctx, child, sub.fields ?? []);
  const shaper = shapeFactory(env, plan.nodes);
  const keys = recordSortKeys(sub, exprOf);
  let index: Map<string, StoredRecord[]> | undefined;
  const build = (): Map<string, StoredRecord[]> => {
    const m = new Map<string, StoredRecord[]>();
    for (const rec of env.store.scan(child.name, { includeDeleted: env.includeDeleted })) {
      const pid = rec[rel.field];
      if (typeof pid !== 'string' || pid === '' || (predicate && !predicate(rec))) continue;
      const k = to18(pid);
      const list = m.get(k);
      if (list) list.push(rec); else m.set(k, [rec]);
    }
    return m;
  };
  return {
    name: rel.relationshipName as string,
    lookup: parentId => {
      index ??= build();
      let rows = index.get(to18(parentId)) ?? [];
      if (keys.length > 0) rows = sortRows(rows, keys);
      rows = [...window(rows, sub.offset ?? 0, sub.limit)];
      if (rows.length === 0) return null;
      return { totalSize: rows.length, done: true, records: rows.map(r => shaper(r, child.name)) };
    },
  };
}

function shapeFactory(env: Env, nodes: ShapeNode[], parentSchema?: ObjectSchema):
  (rec: StoredRecord, type: string) => Record<string, unknown> {
  const subs = new Map<ShapeNode, ChildPlan>();
  if (parentSchema) {
    for (const n of nodes) if (n.t === 'sub') subs.set(n, childPlan(env, parentSchema, n.subquery));
  }
  const get = { includeDeleted: env.includeDeleted };
  const shape = (rec: StoredRecord, type: string, level: ShapeNode[]): Record<string, unknown> => {
    const out: Record<string, unknown> = { attributes: attributes(type, rec.Id, env.version, env.tooling) };
    for (const n of level) {
      if (n.t === 'field') out[n.name] = rec[n.name] ?? null;
      else if (n.t === 'parent') {
        const id = rec[n.hop.refField];
        const p = typeof id === 'string' && id !== '' ? env.store.get(id, get) : undefined;
        out[n.name] = p ? shape(p, n.hop.targets.length === 1 ? (n.hop.targets[0] as string)
          : typeOfId(env.store, p.Id, n.hop.targets[0] ?? ''), n.children) : null;
      } else {
        const plan = subs.get(n) as ChildPlan;
        out[plan.name] = plan.lookup(rec.Id);
      }
    }
    return out;
  };
  return (rec, type) => shape(rec, type, nodes);
}

function recordQuery(env: Env, schema: ObjectSchema, q: Query, rctx: ResolveContext,
  matching: () => Iterable<StoredRecord>, exprOf: ExprOf): CompiledQuery {
  const plan = planSelect(rctx, schema, q.fields ?? []);
  const shaper = shapeFactory(env, plan.nodes, schema);
  const keys = recordSortKeys(q, exprOf);
  const selected = (): Iterable<StoredRecord> => keys.length === 0
    ? window(matching(), q.offset ?? 0, q.limit)
    : window(sortRows([...matching()], keys), q.offset ?? 0, q.limit);
  return {
    sobject: schema.name,
    columns: plan.paths.map(p => p.column),
    kind: 'records',
    hasSubqueries: plan.nodes.some(n => n.t === 'sub'),
    streaming: keys.length === 0,
    execute: () => {
      const rows = [...selected()];
      return {
        totalSize: rows.length,
        page: (offset, size) => rows.slice(offset, offset + size).map(r => shaper(r, schema.name)),
      };
    },
    rows: function* () {
      for (const rec of selected()) yield plan.paths.map(p => p.get(rec));
    },
  };
}

function aggregateQuery(env: Env, schema: ObjectSchema, q: Query, matching: () => Iterable<StoredRecord>,
  exprOf: ExprOf): CompiledQuery {
  const groupItems = q.groupBy === undefined ? [] : Array.isArray(q.groupBy) ? q.groupBy : [q.groupBy];
  const groupBy = groupItems.map(g => {
    if ('fn' in g && ['ROLLUP', 'CUBE'].includes((g.fn.functionName ?? '').toUpperCase())) {
      throw malformed(env.soql, locate(env.soql, g.fn.functionName ?? ''), `unexpected token: '${g.fn.functionName}'`);
    }
    return exprOf('fn' in g ? g.fn : g.field);
  });
  const columns = aggregateColumns(env.soql, (q.fields ?? []) as never, groupBy, exprOf);
  const having = buildTree(q.having, env.soql);
  const havingPredicate = having ? compileTree<Group>(having, {
    soql: env.soql, now: env.now, budget: env.budget,
    operand: cond => havingOperand(env.soql, cond, groupBy, exprOf),
    semiJoin: () => { throw malformed(env.soql, locate(env.soql, 'SELECT', 1), `unexpected token: 'SELECT'`); },
  }) : undefined;
  const sortKeys: SortKey<Group>[] = orderItems(q).map(o => {
    const operand = havingOperand(env.soql, { field: o.field, fn: o.fn }, groupBy, exprOf);
    return { key: operand.key, desc: o.order === 'DESC', nullsLast: o.nulls === 'LAST' };
  });
  const results = (): Group[] => {
    let groups = groupRows(matching(), groupBy);
    if (havingPredicate) groups = groups.filter(havingPredicate);
    if (sortKeys.length > 0) groups = sortRows(groups, sortKeys);
    return [...window(groups, q.offset ?? 0, q.limit)];
  };
  const toRecord = (g: Group): Record<string, unknown> => {
    const out: Record<string, unknown> = { attributes: { type: 'AggregateResult' } };
    for (const c of columns) out[c.name] = c.value(g) ?? null;
    return out;
  };
  return {
    sobject: schema.name,
    columns: columns.map(c => c.name),
    kind: 'aggregate',
    hasSubqueries: false,
    streaming: false,
    execute: () => {
      const rows = results();
      return { totalSize: rows.length, page: (offset, size) => rows.slice(offset, offset + size).map(toRecord) };
    },
    rows: function* () {
      for (const g of results()) yield columns.map(c => c.value(g) ?? null);
    },
  };
}
