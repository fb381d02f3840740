/** Bulk API 2.0 ingest endpoints: `/jobs/ingest[/{id}[/batches|/successfulResults|/failedResults|/unprocessedrecords]]`. */
import { join } from 'node:path';
import { SfHttpError, type RouteContext } from '../types.js';
import type { IngestOperation } from './columns.js';
import { dialectOf } from './dialect.js';
import { createdInfo, fullInfo } from './jobInfo.js';
import { newJobId } from './jobId.js';
import { sfNow, touch, type BulkEngine, type IngestJob } from './jobs.js';
import { FAILED_FILE, initResultFiles, resultHeaderLine, startIngest, SUCCESS_FILE } from './processor.js';
import { fileRange, sendChunks } from './sendStream.js';
import { unprocessedCsv } from './unprocessed.js';
import { multipartParts, streamBodyTo, writeUpload } from './upload.js';
import { readHeader } from './csvRead.js';
import { invalidState, jobNotFound, listJobs, noContent, parseJson, settleState } from './common.js';

let uploadSeq = 0;

const OPERATIONS: IngestOperation[] = ['insert', 'update', 'upsert', 'delete', 'hardDelete'];

function newIngestJob(engine: BulkEngine, ctx: RouteContext, body: Record<string, unknown>): IngestJob {
  const object = typeof body.object === 'string' ? engine.store.schema.get(body.object) : undefined;
  if (!object) throw new SfHttpError(400, 'INVALIDJOB', `Unable to find object: ${String(body.object ?? '')}`);
  const operation = body.operation as IngestOperation;
  if (!OPERATIONS.includes(operation)) {
    throw new SfHttpError(400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${String(body.operation ?? '')}`);
  }
  if (body.contentType !== undefined && body.contentType !== 'CSV') {
    throw new SfHttpError(400, 'INVALIDJOB', `InvalidJob : Invalid content type: ${String(body.contentType)}`);
  }
  let externalIdFieldName: string | undefined;
  if (operation === 'upsert') {
    const ext = typeof body.externalIdFieldName === 'string' ? object.fieldMap.get(body.externalIdFieldName.toLowerCase()) : undefined;
    if (!ext) {
      throw new SfHttpError(400, 'INVALIDJOB',
        `InvalidJob : External ID was blank or not found for ${object.name}: ${String(body.externalIdFieldName ?? '')}`);
    }
    if (!ext.externalId && !ext.idLookup && ext.type !== 'id') {
      throw new SfHttpError(400, 'INVALIDJOB', `InvalidJob : The field ${ext.name} is not an External ID field on ${object.name}`);
    }
    externalIdFieldName = ext.name;
  }
  const id = newJobId();
  const now = sfNow();
  const job: IngestJob = {
    jobType: 'V2Ingest', id, object: object.name, operation, externalIdFieldName,
    assignmentRuleId: typeof body.assignmentRuleId === 'string' ? body.assignmentRuleId : undefined,
    createdById: ctx.session.userId, createdDate: now, systemModstamp: now, state: 'Open',
    dialect: dialectOf(body.columnDelimiter, body.lineEnding), apiVersion: Number(ctx.version),
    dir: engine.jobDir(id), numberRecordsProcessed: 0, numberRecordsFailed: 0, totalProcessingTime: 0,
    uploads: [], position: { upload: 0, row: 0 }, resultBytes: { success: 0, failed: 0 },
  };
  engine.jobs.set(id, job);
  return job;
}

async function recordUpload(job: IngestJob, file: string): Promise<void> {
  job.uploads.push(file);
  job.resultHeader ??= await readHeader(file, job.dialect);
}

/** Open → UploadComplete, then processing starts on a later tick. */
async function closeUpload(engine: BulkEngine, job: IngestJob): Promise<void> {
  job.state = 'UploadComplete';
  touch(job);
  await engine.using(job, () => initResultFiles(job));
  startIngest(engine, job);
}

async function create(engine: BulkEngine, ctx: RouteContext): Promise<void> {
  const type = String(ctx.req.headers['content-type'] ?? '');
  if (/^multipart\//i.test(type)) {
    const parts = multipartParts(await ctx.body(), type);
    const jobPart = parts.find(p => p.name === 'job');
    const content = parts.find(p => p.name === 'content');
    if (!jobPart || !content) throw new SfHttpError(400, 'INVALIDREQUEST', 'A multipart job needs the parts job and content');
    const job = newIngestJob(engine, ctx, parseJson(jobPart.data));
    const file = join(job.dir, `upload-${++uploadSeq}.csv`);
    await engine.using(job, async () => {
      await writeUpload(file, content.data);
      await recordUpload(job, file);
    });
    await closeUpload(engine, job);
    ctx.json(200, createdInfo(job));
    return;
  }
  const job = newIngestJob(engine, ctx, parseJson(await ctx.body()));
  ctx.json(200, createdInfo(job));
}

async function upload(engine: BulkEngine, ctx: RouteContext, job: IngestJob): Promise<void> {
  if (job.state !== 'Open') throw invalidState(`Job ${job.id} is not open for data uploads: its state is ${job.state}`);
  // A file per PUT, named uniquely so concurrent PUTs never share one.
  const file = join(job.dir, `upload-${++uploadSeq}.csv`);
  await engine.using(job, async () => {
    await streamBodyTo(ctx.req, file);
    if (job.state !== 'Open') throw invalidState(`Job ${job.id} is not open for data uploads: its state is ${job.state}`);
    await recordUpload(job, file);
  });
  touch(job);
  ctx.text(201, '', 'text/plain');
}

async function patch(engine: BulkEngine, ctx: RouteContext, job: IngestJob): Promise<void> {
  const state = settleState(parseJson(await ctx.body()), job);
  if (state === 'UploadComplete') await closeUpload(engine, job);
  ctx.json(200, createdInfo(job));
}

/** Results as far as processing got (full once JobComplete), streamed from the job's files. */
function results(engine: BulkEngine, ctx: RouteContext, job: IngestJob, which: 'success' | 'failed' | 'unprocessed'): void {
  if (which === 'unprocessed') {
    sendChunks(engine, ctx, job, unprocessedCsv(job), 'text/csv');
    return;
  }
  const second = which === 'success' ? 'sf__Created' : 'sf__Error';
  // Only the bytes published so far: a row being appended right now is never cut in half.
  const end = which === 'success' ? job.resultBytes.success : job.resultBytes.failed;
  if (end === 0) {
    // no result file yet (Open, or the close is writing it)
    ctx.text(200, resultHeaderLine(second, job.resultHeader, job.dialect), 'text/csv');
    return;
  }
  const file = join(job.dir, which === 'success' ? SUCCESS_FILE : FAILED_FILE);
  sendChunks(engine, ctx, job, fileRange(file, 0, end), 'text/csv', { 'Content-Length': String(end) });
}

const ID = /^\/jobs\/ingest\/([A-Za-z0-9]{15,18})(?:\/([A-Za-z]+))?\/?$/;

/** Handles `/jobs/ingest…`; false when the path is not an ingest path. */
export async function ingestRoute(engine: BulkEngine, ctx: RouteContext): Promise<boolean> {
  const method = ctx.req.method ?? 'GET';
  if (/^\/jobs\/ingest\/?$/.test(ctx.path)) {
    if (method === 'POST') await create(engine, ctx);
    else if (method === 'GET') listJobs(engine, ctx, 'V2Ingest');
    else return false;
    return true;
  }
  const m = ID.exec(ctx.path);
  if (!m) return false;
  const job = engine.jobs.get(m[1]) ?? [...engine.jobs.values()].find(j => j.id.startsWith(m[1]));
  if (!job || job.jobType !== 'V2Ingest') throw jobNotFound();
  const sub = m[2]?.toLowerCase();
  if (!sub) {
    if (method === 'GET') ctx.json(200, fullInfo(job));
    else if (method === 'PATCH') await patch(engine, ctx, job);
    else if (method === 'DELETE') {
      if (job.state === 'Open' || job.state === 'InProgress') {
        throw invalidState(`Job ${job.id} can't be deleted while its state is ${job.state}`);
      }
      engine.remove(job);
      noContent(ctx);
    } else return false;
    return true;
  }
  if (sub === 'batches' && method === 'PUT') await upload(engine, ctx, job);
  else if (method !== 'GET') return false;
  else if (sub === 'successfulresults') results(engine, ctx, job, 'success');
  else if (sub === 'failedresults') results(engine, ctx, job, 'failed');
  else if (sub === 'unprocessedrecords') results(engine, ctx, job, 'unprocessed');
  else return false;
  return true;
}
