/**
 * The typed subrequest builder for `composite$`, `compositeBatch$` and `compositeGraph$`:
 *
 * ```ts
 * import { subrequest, ref } from 'rxforce';
 * const acct = subrequest.create(Account, { Name: 'Acme' }, { referenceId: 'newAccount' });
 * const contact = subrequest.create(Contact, { LastName: 'Smith', AccountId: acct.ref.id });   // @{newAccount.id}
 * const q = subrequest.query(select(Account).where({ Name: 'Acme' }));
 * const rename = subrequest.update('Account', ref('q').records[0].Id, { Name: 'Acme 2' });
 * ```
 *
 * Records given with a model are validated and serialized by it before anything is sent; answers of `get` and
 * `query` with a model come back as typed records.
 */
import { ValidationError } from '../../client/index.js';
import type { InsertOf, RecordOf, SObjectModel } from '../../model/index.js';
import type { QueryBuilderLike } from '../index.js';
import { apiNameOf, checkedId, isModel, type SObjectTarget } from '../internal/target.js';
import { isReference, referencesIn, type Referable, type Reference, stepReference } from './reference.js';

export type SubrequestMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Which of Salesforce's per-request limits a subrequest counts against. */
export type StepKind = 'sobject' | 'query' | 'collection' | 'other';

/** One subrequest, as the builder makes it. `TAnswer` types its answer. */
export interface CompositeStep<TAnswer = unknown> {
  readonly method: SubrequestMethod;
  /** Url parts after `/services/data/vXX.X/` (`sobjects/Account/`, a reference, …), joined when the request is built. */
  readonly url: readonly (string | Reference)[];
  /** Given by the caller, or generated when the request is built. */
  readonly referenceId?: string;
  readonly body?: unknown;
  readonly httpHeaders?: Readonly<Record<string, string>>;
  readonly kind: StepKind;
  /** The object the step works on (Composite Graph counts distinct objects). */
  readonly sobject?: string;
  /** This step's answer, for later steps: `step.ref.id`, `step.ref.records[0].Id`. */
  readonly ref: Reference;
  /** Turns a successful answer into the typed result (a model's `fromWire`). */
  readonly decode?: (body: unknown) => TAnswer;
  /** Type carrier only. */
  readonly __answer?: TAnswer;
}

/** The answer type a step declares. */
export type AnswerOf<S> = S extends CompositeStep<infer T> ? T : unknown;

export interface StepOptions {
  /** The subrequest's referenceId (letters, digits and _); generated when left out. */
  referenceId?: string;
  /** Extra headers for this subrequest (never Accept, Authorization or Content-Type: those are the request's). */
  httpHeaders?: Record<string, string>;
}

/** `{ id, success, errors }` of a create. */
export interface CreateAnswer { id: string; success: boolean; errors: unknown[] }
/** An upsert's answer adds `created`. */
export interface UpsertAnswer extends CreateAnswer { created: boolean }
/** One page of a query. */
export interface QueryAnswer<R> { totalSize: number; done: boolean; nextRecordsUrl?: string; records: R[] }

/** A record whose values may be references into earlier answers. */
export type WithReferences<T> = { [K in keyof T]?: Referable<T[K]> };

const INHERITED = new Set(['accept', 'authorization', 'content-type']);

function checkOptions(sobject: string, opts: StepOptions): void {
  if (opts.referenceId !== undefined && !/^[A-Za-z0-9_]+$/.test(opts.referenceId)) {
    throw new ValidationError({ sobject, field: 'referenceId', reason: `'${opts.referenceId}' may contain only letters, digits and _` });
  }
  for (const h of Object.keys(opts.httpHeaders ?? {})) {
    if (INHERITED.has(h.toLowerCase())) {
      throw new ValidationError({ sobject, reason: `a subrequest cannot set ${h}: it is inherited from the composite request` });
    }
  }
}

function step<T>(init: Omit<CompositeStep<T>, 'ref'>, opts: StepOptions): CompositeStep<T> {
  checkOptions(init.sobject ?? '', opts);
  const s = { ...init, referenceId: opts.referenceId, httpHeaders: opts.httpHeaders } as CompositeStep<T> & { ref: Reference };
  Object.defineProperty(s, 'ref', { value: stepReference(s), enumerable: false });
  return Object.freeze(s);
}

/** Serializes a record through its model (when there is one), keeping references as they are. */
function wireBody(target: SObjectTarget, record: unknown, op: 'insert' | 'update' | 'upsert'): Record<string, unknown> {
  if (!record || typeof record !== 'object' || Array.isArray(record)) {
    throw new ValidationError({ sobject: apiNameOf(target), reason: 'the record must be an object' });
  }
  const fields = record as Record<string, unknown>;
  if (!isModel(target)) return { ...fields };
  const refs = Object.entries(fields).filter(([, v]) => isReference(v));
  const plain = Object.fromEntries(Object.entries(fields).filter(([, v]) => !isReference(v)));
  for (const [, v] of Object.entries(plain)) {
    if (referencesIn(v).length) {
      throw new ValidationError({ sobject: target.apiName, reason: 'a reference can stand for a whole field value only' });
    }
  }
  let out: Record<string, unknown>;
  try {
    out = target.toWire(plain as never, op);
  } catch (e) {
    // a required field given as a reference is present on the wire; the model only saw it missing
    if (!(e instanceof ValidationError && refs.some(([k]) => k === e.field))) throw e;
    out = { ...plain };
  }
  for (const [k, v] of refs) {
    if (!target.field(k) && !target.passthrough) {
      throw new ValidationError({ sobject: target.apiName, field: k, reason: 'not a field of the model' });
    }
    out[target.field(k)?.name ?? k] = v;
  }
  return out;
}

function idPart(target: SObjectTarget, id: Referable<string>): string | Reference {
  return isReference(id) ? id : encodeURIComponent(checkedId(target, id));
}

function sobjectUrl(target: SObjectTarget): string {
  return `sobjects/${encodeURIComponent(apiNameOf(target))}/`;
}

function decodeRecord<M extends SObjectModel<any>>(model: M) {
  return (body: unknown) => model.fromWire(body as Record<string, unknown>) as RecordOf<M>;
}

function create<M extends SObjectModel<any>>(target: M, record: WithReferences<InsertOf<M>>, opts?: StepOptions): CompositeStep<CreateAnswer>;
function create(target: string, record: Record<string, unknown>, opts?: StepOptions): CompositeStep<CreateAnswer>;
function create(target: SObjectTarget, record: unknown, opts: StepOptions = {}): CompositeStep<CreateAnswer> {
  return step({ method: 'POST', url: [sobjectUrl(target)], body: wireBody(target, record, 'insert'), kind: 'sobject',
    sobject: apiNameOf(target) }, opts);
}

function update<M extends SObjectModel<any>>(target: M, id: Referable<string>, record: WithReferences<RecordOf<M>>,
  opts?: StepOptions): CompositeStep<null>;
function update(target: string, id: Referable<string>, record: Record<string, unknown>, opts?: StepOptions): CompositeStep<null>;
function update(target: SObjectTarget, id: Referable<string>, record: unknown, opts: StepOptions = {}): CompositeStep<null> {
  const fields = { ...(record as Record<string, unknown>) };
  for (const k of Object.keys(fields)) if (k.toLowerCase() === 'id') delete fields[k];
  const body = isModel(target) ? wireBody(target, { ...fields, Id: '000000000000000AAA' }, 'update') : wireBody(target, fields, 'update');
  delete body.Id;
  return step({ method: 'PATCH', url: [sobjectUrl(target), idPart(target, id)], body, kind: 'sobject', sobject: apiNameOf(target) }, opts);
}

function upsert<M extends SObjectModel<any>>(target: M, externalIdField: string, value: Referable<string>,
  record: WithReferences<RecordOf<M>>, opts?: StepOptions): CompositeStep<UpsertAnswer>;
function upsert(target: string, externalIdField: string, value: Referable<string>, record: Record<string, unknown>,
  opts?: StepOptions): CompositeStep<UpsertAnswer>;
function upsert(target: SObjectTarget, externalIdField: string, value: Referable<string>, record: unknown,
  opts: StepOptions = {}): CompositeStep<UpsertAnswer> {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(externalIdField)) {
    throw new ValidationError({ sobject: apiNameOf(target), field: externalIdField, reason: 'not a field name' });
  }
  if (!isReference(value) && (typeof value !== 'string' || !value)) {
    throw new ValidationError({ sobject: apiNameOf(target), field: externalIdField, reason: 'the external id value is missing' });
  }
  const fields = { ...(record as Record<string, unknown>) };
  for (const k of Object.keys(fields)) if (k.toLowerCase() === externalIdField.toLowerCase()) delete fields[k];
  return step({ method: 'PATCH', url: [`${sobjectUrl(target)}${encodeURIComponent(externalIdField)}/`,
    isReference(value) ? value : encodeURIComponent(value)], body: wireBody(target, fields, 'upsert'), kind: 'sobject',
  sobject: apiNameOf(target) }, opts);
}

function remove(target: SObjectTarget, id: Referable<string>, opts: StepOptions = {}): CompositeStep<null> {
  return step({ method: 'DELETE', url: [sobjectUrl(target), idPart(target, id)], kind: 'sobject', sobject: apiNameOf(target) }, opts);
}

function get<M extends SObjectModel<any>>(target: M, id: Referable<string>, opts?: StepOptions & { fields?: string[] }): CompositeStep<RecordOf<M>>;
function get(target: string, id: Referable<string>, opts?: StepOptions & { fields?: string[] }): CompositeStep<Record<string, unknown>>;
function get(target: SObjectTarget, id: Referable<string>, opts: StepOptions & { fields?: string[] } = {}): CompositeStep<unknown> {
  const fields = opts.fields ?? (isModel(target) ? target.fieldNames : undefined);
  for (const f of fields ?? []) {
    if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(f)) throw new ValidationError({ sobject: apiNameOf(target), field: f, reason: 'not a field name' });
  }
  const url: (string | Reference)[] = [sobjectUrl(target), idPart(target, id)];
  if (fields?.length) url.push(`?fields=${fields.map(encodeURIComponent).join(',')}`);
  return step({ method: 'GET', url, kind: 'sobject', sobject: apiNameOf(target),
    decode: isModel(target) ? decodeRecord(target) : undefined }, opts);
}

function query<M extends SObjectModel<any>>(q: QueryBuilderLike & { readonly model: M }, opts?: StepOptions & { all?: boolean }):
  CompositeStep<QueryAnswer<RecordOf<M>>>;
function query<R = Record<string, unknown>>(q: string | QueryBuilderLike, opts?: StepOptions & { all?: boolean }): CompositeStep<QueryAnswer<R>>;
function query(q: string | QueryBuilderLike, opts: StepOptions & { all?: boolean } = {}): CompositeStep<QueryAnswer<unknown>> {
  const soql = typeof q === 'string' ? q : q.toSoql();
  if (typeof soql !== 'string' || !soql.trim()) throw new ValidationError({ reason: 'the query is empty' });
  const model = typeof q === 'string' ? undefined : q.model;
  return step({ method: 'GET', url: [`${opts.all ? 'queryAll' : 'query'}/?q=${encodeURIComponent(soql)}`], kind: 'query',
    sobject: model?.apiName,
    decode: model ? (body: unknown) => {
      const page = body as QueryAnswer<Record<string, unknown>>;
      return { ...page, records: page.records.map(r => model.fromWire(r)) };
    } : undefined }, opts);
}

/** The next page of a query answer, by reference: `subrequest.nextPage(q.ref)` is GET `@{q.nextRecordsUrl}`. */
function nextPage<R = Record<string, unknown>>(queryRef: Reference, opts: StepOptions = {}): CompositeStep<QueryAnswer<R>> {
  if (!isReference(queryRef)) throw new ValidationError({ reason: 'nextPage needs a reference to a query step' });
  return step({ method: 'GET', url: [queryRef.nextRecordsUrl], kind: 'query' }, opts);
}

/**
 * Any other resource the Composite API allows: `url` after `/services/data/vXX.X/` (`composite/sobjects`,
 * `sobjects/Account/describe`) or a full `/services/data/vXX.X/…` path.
 */
function raw<T = unknown>(method: SubrequestMethod, url: string | readonly (string | Reference)[], body?: unknown,
  opts: StepOptions = {}): CompositeStep<T> {
  if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) {
    throw new ValidationError({ reason: `method must be GET, POST, PUT, PATCH or DELETE (got ${String(method)})` });
  }
  const parts = typeof url === 'string' ? [url] : [...url];
  const first = typeof parts[0] === 'string' ? parts[0].replace(/^\/services\/data\/v\d+\.\d\//, '') : '';
  const kind: StepKind = /^composite\/sobjects/.test(first) ? 'collection' : /^(query|queryAll)\b/.test(first) ? 'query'
    : /^sobjects\//.test(first) ? 'sobject' : 'other';
  return step({ method, url: parts, body, kind, sobject: /^sobjects\/([^/?]+)/.exec(first)?.[1] }, opts);
}

/** The subrequest builder. */
export const subrequest = { create, update, upsert, delete: remove, get, query, nextPage, raw };
