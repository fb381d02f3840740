/** Bulk API 2.0 query endpoints: `/jobs/query[/{id}[/results|/resultPages]]`. */
import { join } from 'node:path';
import { SfHttpError, type RouteContext } from '../types.js';
import { invalidState, jobNotFound, listJobs, noContent, parseJson, settleState } from './common.js';
import { dialectOf } from './dialect.js';
import { createdInfo, fullInfo } from './jobInfo.js';
import { newJobId } from './jobId.js';
import { sfNow, type BulkEngine, type QueryJob } from './jobs.js';
import { queryHeaderLine, startQuery } from './queryProcessor.js';
import { fileRange, sendChunks } from './sendStream.js';
import { prepareBulkQuery } from './querySource.js';

/** A page without maxRecords stops near this many bytes (Salesforce sizes default pages by bytes too). */
const DEFAULT_PAGE_BYTES = 64 * 1024 * 1024;
/** resultPages lists at most this many pages per response. */
const PAGES_PER_RESPONSE = 5;

function create(engine: BulkEngine, ctx: RouteContext, body: Record<string, unknown>): void {
  const operation = body.operation ?? 'query';
  if (operation !== 'query' && operation !== 'queryAll') {
    throw new SfHttpError(400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${String(operation)}`);
  }
  if (typeof body.query !== 'string' || !body.query.trim()) {
    throw new SfHttpError(400, 'INVALIDJOB', 'InvalidJob : The query field is required');
  }
  if (body.contentType !== undefined && body.contentType !== 'CSV') {
    throw new SfHttpError(400, 'INVALIDJOB', `InvalidJob : Invalid content type: ${String(body.contentType)}`);
  }
  const dialect = dialectOf(body.columnDelimiter, body.lineEnding);
  const prepared = prepareBulkQuery(engine.store, body.query, operation);
  const fromObject = /\bfrom\s+([A-Za-z0-9_]+)/i.exec(body.query)?.[1] ?? '';
  const id = newJobId();
  const now = sfNow();
  const dir = engine.jobDir(id);
  const job: QueryJob = {
    jobType: 'V2Query', id, operation, query: body.query,
    object: engine.store.schema.get(fromObject)?.name ?? fromObject,
    createdById: ctx.session.userId, createdDate: now, systemModstamp: now, state: 'UploadComplete', dialect,
    apiVersion: Number(ctx.version), dir, numberRecordsProcessed: 0, totalProcessingTime: 0,
    resultFile: join(dir, 'results.csv'), rowOffsets: [], resultBytes: 0, columns: prepared.columns,
  };
  engine.jobs.set(id, job);
  startQuery(engine, job, prepared);
  ctx.json(200, createdInfo(job));
}

const encodeLocator = (row: number): string => Buffer.from(String(row)).toString('base64');

function decodeLocator(locator: string | null, job: QueryJob): number {
  if (!locator) return 0;
  const n = Number(Buffer.from(locator, 'base64').toString());
  if (!Number.isInteger(n) || n < 0 || n > job.rowOffsets.length) {
    throw new SfHttpError(400, 'INVALID_QUERY_LOCATOR', `Invalid locator: ${locator}`);
  }
  return n;
}

function maxRecordsOf(ctx: RouteContext): number | undefined {
  const raw = ctx.query.get('maxRecords');
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new SfHttpError(400, 'INVALIDREQUEST', `Invalid maxRecords: ${raw}`);
  return n;
}

const byteAt = (job: QueryJob, row: number): number => (row < job.rowOffsets.length ? job.rowOffsets[row] : job.resultBytes);

/** The row after the page starting at `start`. */
function pageEnd(job: QueryJob, start: number, maxRecords: number | undefined): number {
  const total = job.rowOffsets.length;
  if (maxRecords !== undefined) return Math.min(total, start + maxRecords);
  let end = start + 1;
  const limit = byteAt(job, start) + DEFAULT_PAGE_BYTES;
  while (end < total && byteAt(job, end + 1) <= limit) end++;
  return Math.min(end, total);
}

function requireComplete(job: QueryJob): void {
  if (job.state !== 'JobComplete') {
    throw new SfHttpError(412, 'JOB_NOT_COMPLETE', `Job ${job.id} is not complete: its state is ${job.state}`);
  }
}

/** One page of results, streamed from the result file: the header line, then rows [start, end). */
function results(engine: BulkEngine, ctx: RouteContext, job: QueryJob): void {
  requireComplete(job);
  const start = decodeLocator(ctx.query.get('locator'), job);
  const end = pageEnd(job, start, maxRecordsOf(ctx));
  const from = byteAt(job, start);
  const to = byteAt(job, end);
  const header = queryHeaderLine(job.columns, job.dialect);
  sendChunks(engine, ctx, job, fileRange(job.resultFile, from, to, header), 'text/csv', {
    'Content-Length': String(Buffer.byteLength(header) + to - from),
    'Sforce-NumberOfRecords': String(end - start),
    'Sforce-Locator': end >= job.rowOffsets.length ? 'null' : encodeLocator(end),
  });
}

function resultPages(ctx: RouteContext, job: QueryJob): void {
  requireComplete(job);
  const maxRecords = maxRecordsOf(ctx);
  let start = decodeLocator(ctx.query.get('locator'), job);
  const base = `/services/data/v${ctx.version}/jobs/query/${job.id}`;
  const pages: { resultUrl: string }[] = [];
  const total = job.rowOffsets.length;
  do {
    const end = pageEnd(job, start, maxRecords);
    const params = new URLSearchParams();
    if (start > 0) params.set('locator', encodeLocator(start));
    params.set('maxRecords', String(Math.max(1, end - start)));
    pages.push({ resultUrl: `${base}/results?${params.toString()}` });
    start = end;
  } while (start < total && pages.length < PAGES_PER_RESPONSE);
  const done = start >= total;
  const next = new URLSearchParams({ locator: encodeLocator(start) });
  if (maxRecords !== undefined) next.set('maxRecords', String(maxRecords));
  ctx.json(200, { resultPages: pages, done, nextRecordsUrl: done ? null : `${base}/resultPages?${next.toString()}` });
}

const ID = /^\/jobs\/query\/([A-Za-z0-9]{15,18})(?:\/([A-Za-z]+))?\/?$/;

/** Handles `/jobs/query…`; false when the path is not a query-job path. */
export async function queryRoute(engine: BulkEngine, ctx: RouteContext): Promise<boolean> {
  const method = ctx.req.method ?? 'GET';
  if (/^\/jobs\/query\/?$/.test(ctx.path)) {
    if (method === 'POST') create(engine, ctx, parseJson(await ctx.body()));
    else if (method === 'GET') listJobs(engine, ctx, 'V2Query');
    else return false;
    return true;
  }
  const m = ID.exec(ctx.path);
  if (!m) return false;
  const job = engine.jobs.get(m[1]) ?? [...engine.jobs.values()].find(j => j.id.startsWith(m[1]));
  if (!job || job.jobType !== 'V2Query') throw jobNotFound();
  const sub = m[2]?.toLowerCase();
  if (!sub && method === 'GET') ctx.json(200, fullInfo(job));
  else if (!sub && method === 'PATCH') {
    const state = settleState(parseJson(await ctx.body()), job);
    if (state !== 'Aborted') throw invalidState(`Invalid job state requested: ${state}`);
    ctx.json(200, createdInfo(job));
  } else if (!sub && method === 'DELETE') {
    if (job.state === 'InProgress' || job.state === 'UploadComplete') {
      throw invalidState(`Job ${job.id} can't be deleted while its state is ${job.state}`);
    }
    engine.remove(job);
    noContent(ctx);
  } else if (sub === 'results' && method === 'GET') results(engine, ctx, job);
  else if (sub === 'resultpages' && method === 'GET') resultPages(ctx, job);
  else return false;
  return true;
}
