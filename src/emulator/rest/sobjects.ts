/** `/sobjects` routes: describe, single-record CRUD, upsert by external id, blobs, conditional requests. */
import { createHash } from 'node:crypto';
import type { Core } from '../core.js';
import { httpDate, parseDatetime } from '../dates.js';
import { parseJsonObject } from '../http.js';
import { normalizeId } from '../ids.js';
import { notFound, pathSegments } from '../http.js';
import { LOCK_ERROR } from '../faults.js';
import { describeObject, globalEntry } from '../schema/describe.js';
import type { DmlResult, ObjectSchema, RouteContext, StoredRecord } from '../types.js';
import { SfHttpError } from '../types.js';
import { DmlFailure, restErrors } from './dml.js';
import { boundaryOf, parseMultipart } from './multipart.js';
import { recordUrl, resolveFields, toWire } from './records.js';
import { replicationRoute } from './replication.js';

function etag(rec: StoredRecord): string {
  return `"${createHash('sha1').update(`${rec.Id}:${String(rec.SystemModstamp)}`).digest('base64url').slice(0, 22)}--gzip"`;
}

function lastModifiedMs(rec: StoredRecord): number {
  return Math.floor((parseDatetime(String(rec.LastModifiedDate)) ?? 0) / 1000) * 1000;
}

/** If-Modified-Since / If-None-Match: true when the client's copy is current (answer 304). */
function notModified(ctx: RouteContext, rec: StoredRecord): boolean {
  const inm = ctx.req.headers['if-none-match'];
  if (inm) return inm.split(',').map(s => s.trim()).includes(etag(rec));
  const ims = ctx.req.headers['if-modified-since'];
  return !!ims && !Number.isNaN(Date.parse(ims)) && lastModifiedMs(rec) <= Date.parse(ims);
}

/** If-Unmodified-Since / If-Match: throws 412 when the row changed since the client read it. */
function checkPrecondition(ctx: RouteContext, rec: StoredRecord): void {
  const im = ctx.req.headers['if-match'];
  const ius = ctx.req.headers['if-unmodified-since'];
  const changed = im ? !im.split(',').map(s => s.trim()).includes(etag(rec)) && im.trim() !== '*'
    : !!ius && !Number.isNaN(Date.parse(ius)) && lastModifiedMs(rec) > Date.parse(ius);
  if (changed) {
    throw new SfHttpError(412, 'PRECONDITION_FAILED', `The requested entity has been modified since ${ius ?? 'the given ETag'}.`);
  }
}

function throwIfFailed(r: DmlResult): asserts r is DmlResult & { success: true } {
  if (!r.success) throw new DmlFailure(r);
}

/** Body fields of a JSON or multipart (blob) request. */
async function recordBody(ctx: RouteContext, s: ObjectSchema): Promise<Record<string, unknown>> {
  const body = await ctx.body();
  const type = ctx.req.headers['content-type'] ?? '';
  if (!/^multipart\//i.test(type)) return parseJsonObject(body);
  const boundary = boundaryOf(type);
  if (!boundary) throw new SfHttpError(400, 'MALFORMED_REQUEST', 'Multipart request without a boundary');
  const parts = parseMultipart(body, boundary);
  const entity = parts.find(p => p.name === 'entity_content' || p.name === 'entity_document');
  if (!entity) throw new SfHttpError(400, 'MALFORMED_REQUEST', 'Missing entity_content part');
  const fields = parseJsonObject(entity.data);
  const blobPart = s.blobField ? parts.find(p => p.name.toLowerCase() === s.blobField!.toLowerCase()) : undefined;
  if (blobPart) fields[s.blobField!] = blobPart.data.toString('base64');
  return fields;
}

function lockFault(core: Core): void {
  if (core.faults.rollLock()) throw new SfHttpError(400, LOCK_ERROR.statusCode, LOCK_ERROR.message);
}

async function create(ctx: RouteContext, core: Core, s: ObjectSchema): Promise<void> {
  const fields = await recordBody(ctx, s);
  lockFault(core);
  const r = ctx.store.insert(s.name, fields);
  if (!r.success) {
    ctx.json(400, restErrors(r.errors));
    return;
  }
  ctx.json(201, { id: r.id, success: true, errors: [] });
}

async function byId(ctx: RouteContext, core: Core, s: ObjectSchema, id: string): Promise<void> {
  const rec = core.store.get(id, { includeDeleted: true });
  if (!rec) throw notFound();
  const method = ctx.req.method;
  if (rec.IsDeleted) throw new SfHttpError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  if (method === 'GET' || method === 'HEAD') {
    checkPrecondition(ctx, rec);
    const headers = { 'Last-Modified': httpDate(lastModifiedMs(rec)), ETag: etag(rec) };
    if (notModified(ctx, rec)) {
      ctx.text(304, '', 'application/json;charset=UTF-8', headers);
      return;
    }
    const fields = resolveFields(s, ctx.query.get('fields')?.split(','));
    ctx.json(200, toWire(core.store, s, rec, fields, ctx.version), headers);
  } else if (method === 'PATCH') {
    checkPrecondition(ctx, rec);
    const fields = await recordBody(ctx, s);
    lockFault(core);
    const r = ctx.store.update(s.name, rec.Id, fields);
    if (!r.success) {
      ctx.json(400, restErrors(r.errors));
      return;
    }
    ctx.text(204, '', 'application/json;charset=UTF-8');
  } else if (method === 'DELETE') {
    checkPrecondition(ctx, rec);
    lockFault(core);
    const r = ctx.store.delete(rec.Id);
    throwIfFailed(r);
    ctx.text(204, '', 'application/json;charset=UTF-8');
  } else {
    throw methodNotAllowed(method);
  }
}

const methodNotAllowed = (method = '') =>
  new SfHttpError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,PATCH,DELETE,HEAD`);

/** `/sobjects/{T}/{field}/{value}`: read, upsert or delete by external id. */
async function byExternalId(ctx: RouteContext, core: Core, s: ObjectSchema, field: string, value: string): Promise<void> {
  const f = s.fieldMap.get(field.toLowerCase());
  if (!f || !(f.externalId || f.idLookup || f.type === 'id')) {
    throw new SfHttpError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${field}`);
  }
  const method = ctx.req.method;
  if (method === 'PATCH' || method === 'POST') {
    const fields = await recordBody(ctx, s);
    const updateOnly = ctx.query.get('updateOnly') === 'true';
    const matches = core.store.findBy(s.name, f.name, value);
    if (matches.length > 1) {
      ctx.json(300, matches.map(m => recordUrl(s, m.Id, ctx.version)));
      return;
    }
    if (updateOnly && matches.length === 0) throw notFound();
    lockFault(core);
    const r = ctx.store.upsert(s.name, f.name, value, fields);
    if (!r.success) {
      ctx.json(r.errors[0]?.statusCode === 'NOT_FOUND' ? 404 : 400, restErrors(r.errors));
      return;
    }
    ctx.json(r.created ? 201 : 200, { id: r.id, success: true, errors: [], created: !!r.created });
    return;
  }
  const matches = core.store.findBy(s.name, f.name, value);
  if (matches.length > 1) {
    ctx.json(300, matches.map(m => recordUrl(s, m.Id, ctx.version)));
    return;
  }
  if (!matches.length) throw notFound();
  await byId(ctx, core, s, matches[0].Id);
}

function blob(ctx: RouteContext, core: Core, s: ObjectSchema, id: string): void {
  const rec = core.store.get(id);
  const data = rec && core.store.blob(rec.Id);
  if (!rec || !data) throw notFound();
  ctx.text(200, data, 'application/octetstream', { 'Last-Modified': httpDate(lastModifiedMs(rec)) });
}

/** Handles `/sobjects…` (and `/tooling/sobjects…`); false when the path is not one of them. */
export async function sobjectRoutes(ctx: RouteContext, core: Core): Promise<boolean> {
  const tooling = ctx.path.startsWith('/tooling/');
  const path = tooling ? ctx.path.slice('/tooling'.length) : ctx.path;
  const segs = pathSegments(path);
  if (segs[0] !== 'sobjects') return false;
  const method = ctx.req.method ?? 'GET';
  const visible = (s: ObjectSchema | undefined) => s && !!s.tooling === tooling ? s : undefined;
  if (segs.length === 1) {
    if (method !== 'GET') throw methodNotAllowed(method);
    const sobjects = core.store.schema.all().filter(s => !!s.tooling === tooling).map(s => globalEntry(s, ctx.version));
    ctx.json(200, { encoding: 'UTF-8', maxBatchSize: 200, sobjects });
    return true;
  }
  const s = visible(core.store.schema.get(segs[1]));
  if (!s) throw notFound();
  if (segs.length === 2) {
    if (method === 'POST') await create(ctx, core, s);
    else if (method === 'GET') ctx.json(200, { objectDescribe: globalEntry(s, ctx.version), recentItems: [] });
    else throw methodNotAllowed(method);
    return true;
  }
  if (segs.length === 3 && segs[2] === 'describe') {
    const since = ctx.req.headers['if-modified-since'];
    if (since && !Number.isNaN(Date.parse(since)) && core.schemaModified <= Date.parse(since)) {
      ctx.text(304, '', 'application/json;charset=UTF-8');
    } else {
      ctx.json(200, describeObject(s, ctx.version), { 'Last-Modified': httpDate(core.schemaModified) });
    }
    return true;
  }
  if (segs.length === 3 && (segs[2] === 'updated' || segs[2] === 'deleted')) {
    replicationRoute(ctx, core, s, segs[2]);
    return true;
  }
  const id = normalizeId(segs[2]);
  const isOwnId = !!id && id.startsWith(s.keyPrefix);
  if (segs.length === 3) {
    if (isOwnId) await byId(ctx, core, s, id);
    else throw new SfHttpError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${segs[2]}`);
    return true;
  }
  if (segs.length === 4) {
    if (isOwnId && s.blobField && segs[3].toLowerCase() === s.blobField.toLowerCase()) blob(ctx, core, s, id);
    else if (isOwnId) throw notFound();
    else await byExternalId(ctx, core, s, segs[2], segs[3]);
    return true;
  }
  throw notFound();
}
