/**
 * sObject Collections (`/composite/sobjects`): create, update, upsert, delete and retrieve up to 200 records
 * (retrieve: 2,000 ids) per call, per-record results in input order, allOrNone with rollback.
 */
import type { Core } from '../core.js';
import { LOCK_ERROR } from '../faults.js';
import { parseJson, pathSegments } from '../http.js';
import { normalizeId } from '../ids.js';
import type { DmlResult, ObjectSchema, RecordError, RouteContext } from '../types.js';
import { SfHttpError } from '../types.js';
import { resolveFields, toWire } from './records.js';

/** ≤ 200 records per create/update/upsert/delete call. */
const MAX_RECORDS = 200;
/** ≤ 2,000 ids per retrieve call. */
const MAX_RETRIEVE_IDS = 2000;
/** A run of consecutive records of one type is a chunk; ≤ 10 per call. */
const MAX_CHUNKS = 10;

const ROLLED_BACK: RecordError = { statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header', fields: [] };

type Row = Record<string, unknown>;

function wireResult(r: DmlResult, withCreated: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = r.id ? { id: r.id } : {};
  out.success = r.success;
  out.errors = r.success ? [] : r.errors;
  if (withCreated) out.created = r.success ? !!r.created : false;
  return out;
}

function tooMany(): SfHttpError {
  // Salesforce's wording as users of the SOAP and REST APIs report it.
  return new SfHttpError(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${MAX_RECORDS} records into this call`);
}

function readRecords(body: unknown): { allOrNone: boolean; records: Row[] } {
  const o = body as { allOrNone?: unknown; records?: unknown };
  if (!o || typeof o !== 'object' || !Array.isArray(o.records)) {
    throw new SfHttpError(400, 'JSON_PARSER_ERROR', 'The request body must be an object with a records array');
  }
  if (o.records.length > MAX_RECORDS) throw tooMany();
  if (o.records.some(r => !r || typeof r !== 'object' || Array.isArray(r))) {
    throw new SfHttpError(400, 'JSON_PARSER_ERROR', 'Each record must be a JSON object');
  }
  return { allOrNone: o.allOrNone === true || o.allOrNone === 'true', records: o.records as Row[] };
}

/** attributes.type of each record (the upsert URL's type when given), with the request-level checks. */
function typesOf(core: Core, records: Row[], fixed?: ObjectSchema): ObjectSchema[] {
  const types = records.map(r => {
    const name = (r.attributes as { type?: unknown } | undefined)?.type;
    if (fixed) return fixed;
    if (typeof name !== 'string') throw new SfHttpError(400, 'INVALID_TYPE', 'Must send a concrete entity type.');
    const s = core.store.schema.get(name);
    if (!s || s.tooling) throw new SfHttpError(400, 'INVALID_TYPE', `sObject type '${name}' is not supported.`);
    return s;
  });
  let chunks = 0;
  types.forEach((t, i) => { if (i === 0 || types[i - 1] !== t) chunks++; });
  if (chunks > MAX_CHUNKS) {
    // The platform's DML message for this rule (status and error code for collections unconfirmed).
    throw new SfHttpError(400, 'INVALID_BATCH_REQUEST',
      'Cannot have more than 10 chunks in a single operation. Please rearrange the data to reduce chunking.');
  }
  records.forEach((r, i) => {
    for (const k of Object.keys(r)) {
      if (k !== 'attributes' && !types[i].fieldMap.has(k.toLowerCase()) && !isRelationship(types[i], k, r[k])) {
        throw new SfHttpError(400, 'INVALID_FIELD', `No such column '${k}' on sobject of type ${types[i].name}`);
      }
    }
  });
  return types;
}

/** A parent named by external id (`"Account": { "External_Id__c": "A-1" }`), resolved by the store. */
function isRelationship(schema: ObjectSchema, key: string, value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    && schema.fields.some(f => f.type === 'reference' && f.relationshipName?.toLowerCase() === key.toLowerCase());
}

/**
 * Indexes of records whose key another record of the same request repeats: Salesforce processes neither of them
 * (`Duplicate external id specified` for upserts; one Id twice in an update likewise).
 */
export function repeatedKeys(keys: readonly (string | undefined)[]): Set<number> {
  const first = new Map<string, number>();
  const repeated = new Set<number>();
  keys.forEach((k, i) => {
    if (k === undefined) return;
    const seen = first.get(k);
    if (seen === undefined) first.set(k, i);
    else repeated.add(seen).add(i);
  });
  return repeated;
}

const duplicate = (message: string, fields: string[]): DmlResult =>
  ({ success: false, id: null, errors: [{ statusCode: 'DUPLICATE_VALUE', message, fields }] });

/** Runs one DML per record; with allOrNone, any failure rolls everything back and the others are marked. */
function runAll(core: Core, n: number, allOrNone: boolean, op: (i: number) => DmlResult): DmlResult[] {
  const one = (i: number): DmlResult => core.faults.rollLock() ? { success: false, id: null, errors: [LOCK_ERROR] } : op(i);
  if (!allOrNone) return Array.from({ length: n }, (_, i) => one(i));
  let results: DmlResult[] = [];
  core.store.transaction(() => {
    results = Array.from({ length: n }, (_, i) => one(i));
    return results.every(r => r.success);
  });
  if (results.every(r => r.success)) return results;
  return results.map(r => r.success ? { success: false, id: r.created ? null : r.id, errors: [ROLLED_BACK] } : r);
}

function bodyFields(r: Row): Row {
  const out: Row = {};
  for (const k of Object.keys(r)) if (k !== 'attributes' && k.toLowerCase() !== 'id') out[k] = r[k];
  return out;
}

async function create(ctx: RouteContext, core: Core): Promise<void> {
  const { allOrNone, records } = readRecords(parseJson(await ctx.body()));
  const types = typesOf(core, records);
  // the store skips `attributes` itself, so records go in as parsed
  const results = runAll(core, records.length, allOrNone, i => ctx.store.insert(types[i].name, records[i]));
  ctx.json(200, results.map(r => wireResult(r.success ? r : { ...r, id: null }, false)));
}

async function update(ctx: RouteContext, core: Core): Promise<void> {
  const { allOrNone, records } = readRecords(parseJson(await ctx.body()));
  const types = typesOf(core, records);
  const idOf = (r: Row): unknown => { const k = Object.keys(r).find(x => x.toLowerCase() === 'id'); return k ? r[k] : undefined; };
  const repeated = repeatedKeys(records.map(r => { const id = idOf(r); return typeof id === 'string' ? normalizeId(id) ?? id : undefined; }));
  const results = runAll(core, records.length, allOrNone, i => {
    const r = records[i];
    const id = idOf(r);
    if (typeof id !== 'string' || !id) {
      return { success: false, id: null, errors: [{ statusCode: 'MISSING_ARGUMENT',
        message: 'Id not specified in an update call', fields: [] }] };
    }
    // Wording modelled on the platform's "Duplicate id in list" (unconfirmed for the REST API)
    if (repeated.has(i)) return { ...duplicate(`Duplicate id in list: ${id}`, ['Id']), id };
    return ctx.store.update(types[i].name, id, bodyFields(r));
  });
  ctx.json(200, results.map(r => wireResult(r, false)));
}

async function upsert(ctx: RouteContext, core: Core, typeName: string, fieldName: string): Promise<void> {
  const s = core.store.schema.get(typeName);
  if (!s || s.tooling) throw new SfHttpError(404, 'NOT_FOUND', 'The requested resource does not exist');
  const f = s.fieldMap.get(fieldName.toLowerCase());
  if (!f || !(f.externalId || f.idLookup || f.type === 'id')) {
    throw new SfHttpError(400, 'INVALID_FIELD', `Provided external ID field does not exist or is not accessible: ${fieldName}`);
  }
  const { allOrNone, records } = readRecords(parseJson(await ctx.body()));
  typesOf(core, records, s);
  const keyOf = (r: Row): string | undefined => {
    const key = Object.keys(r).find(k => k.toLowerCase() === f.name.toLowerCase());
    const value = key ? r[key] : undefined;
    if (value === undefined || value === null || value === '') return undefined;
    return f.type === 'id' ? normalizeId(String(value)) ?? String(value) : String(value).toLowerCase();
  };
  const repeated = repeatedKeys(records.map(keyOf));
  const results = runAll(core, records.length, allOrNone, i => {
    const r = records[i];
    const key = Object.keys(r).find(k => k.toLowerCase() === f.name.toLowerCase());
    const value = key ? r[key] : undefined;
    if (value === undefined || value === null || value === '') {
      return { success: false, id: null, errors: [{ statusCode: 'MISSING_ARGUMENT',
        message: `${f.name} not specified`, fields: [] }] };
    }
    if (repeated.has(i)) return duplicate(`Duplicate external id specified: ${String(value)}`, [f.name]);
    const fields: Row = {};
    for (const k of Object.keys(r)) if (k !== 'attributes' && k !== key) fields[k] = r[k];
    return ctx.store.upsert(s.name, f.name, String(value), fields);
  });
  ctx.json(200, results.map(r => wireResult(r, true)));
}

function destroy(ctx: RouteContext, core: Core): void {
  const ids = (ctx.query.get('ids') ?? '').split(',').map(s => s.trim()).filter(Boolean);
  if (!ids.length) throw new SfHttpError(400, 'MISSING_ARGUMENT', 'ids is required');
  if (ids.length > MAX_RECORDS) throw tooMany();
  const allOrNone = ctx.query.get('allOrNone') === 'true';
  const results = runAll(core, ids.length, allOrNone, i => {
    const r = ctx.store.delete(ids[i]);
    return r.success ? r : { ...r, id: r.id ?? ids[i] };
  });
  ctx.json(200, results.map((r, i) => wireResult({ ...r, id: r.id ?? ids[i] } as DmlResult, false)));
}

async function retrieve(ctx: RouteContext, core: Core, typeName: string): Promise<void> {
  const s = core.store.schema.get(typeName);
  if (!s || s.tooling) throw new SfHttpError(404, 'NOT_FOUND', 'The requested resource does not exist');
  let ids: unknown;
  let fields: unknown;
  if (ctx.req.method === 'POST') {
    const body = parseJson(await ctx.body()) as { ids?: unknown; fields?: unknown };
    ids = body?.ids;
    fields = body?.fields;
  } else {
    ids = ctx.query.get('ids')?.split(',').map(x => x.trim()).filter(Boolean);
    fields = ctx.query.get('fields')?.split(',');
  }
  if (!Array.isArray(ids) || !ids.length) throw new SfHttpError(400, 'MISSING_ARGUMENT', 'ids is required');
  if (!Array.isArray(fields) || !fields.length) throw new SfHttpError(400, 'MISSING_ARGUMENT', 'fields is required');
  if (ids.length > MAX_RETRIEVE_IDS) {
    throw new SfHttpError(400, 'EXCEEDED_ID_LIMIT', `Maximum number of ids per request is ${MAX_RETRIEVE_IDS}`);
  }
  const resolved = resolveFields(s, fields.map(String));
  const out = ids.map(raw => {
    // an id already in canonical form that names a live row needs no normalising (the common case)
    let rec = typeof raw === 'string' && raw.length === 18 && raw.startsWith(s.keyPrefix) ? core.store.get(raw) : undefined;
    if (!rec) {
      const id = normalizeId(raw);
      if (!id) throw new SfHttpError(400, 'MALFORMED_ID', `malformed id ${String(raw)}`);
      rec = id.startsWith(s.keyPrefix) ? core.store.get(id) : undefined;
    }
    return rec ? toWire(core.store, s, rec, resolved, ctx.version) : null;
  });
  ctx.json(200, out);
}

export async function collectionRoutes(ctx: RouteContext, core: Core): Promise<boolean> {
  const segs = pathSegments(ctx.path);
  if (segs[0] !== 'composite' || segs[1] !== 'sobjects') return false;
  const method = ctx.req.method;
  if (segs.length === 2) {
    if (method === 'POST') await create(ctx, core);
    else if (method === 'PATCH') await update(ctx, core);
    else if (method === 'DELETE') destroy(ctx, core);
    else throw new SfHttpError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are POST,PATCH,DELETE`);
    return true;
  }
  if (segs.length === 3 && (method === 'GET' || method === 'POST')) {
    await retrieve(ctx, core, segs[2]);
    return true;
  }
  if (segs.length === 4 && method === 'PATCH') {
    await upsert(ctx, core, segs[2], segs[3]);
    return true;
  }
  throw new SfHttpError(404, 'NOT_FOUND', 'The requested resource does not exist');
}
