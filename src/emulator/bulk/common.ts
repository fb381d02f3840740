/** Pieces the ingest and query routes share: error bodies, state changes, job lists, JSON bodies. */
import { parseJsonObject } from '../http.js';
import { SfHttpError, type RouteContext } from '../types.js';
import { listInfo } from './jobInfo.js';
import { touch, type BulkEngine, type Job, type JobState } from './jobs.js';

export const jobNotFound = (): SfHttpError => new SfHttpError(404, 'NOT_FOUND', 'The requested resource does not exist');

/** A request the job's state does not allow (code as Bulk API 2.0 names it; messages unconfirmed). */
export const invalidState = (message: string): SfHttpError => new SfHttpError(400, 'INVALIDJOBSTATE', message);

/** A JSON object body, or 400 JSON_PARSER_ERROR as REST words it. */
export function parseJson(data: Buffer): Record<string, unknown> {
  return parseJsonObject(data);
}

/** Through the reply, so the 204 carries Sforce-Limit-Info and CORS headers like every other answer. */
export function noContent(ctx: RouteContext): void {
  ctx.text(204, '', 'application/json;charset=UTF-8');
}

const FINAL: JobState[] = ['JobComplete', 'Failed', 'Aborted'];

/**
 * Applies a PATCH `{"state": …}`: UploadComplete only from Open (ingest), Aborted from any unfinished state.
 * @returns the requested state, already set unless it is UploadComplete (the caller closes the upload).
 */
export function settleState(body: Record<string, unknown>, job: Job): JobState {
  const state = body.state;
  if (state === 'UploadComplete' && job.jobType === 'V2Ingest') {
    if (job.state !== 'Open') throw invalidState(`Job state transition from ${job.state} to UploadComplete is not allowed`);
    return state;
  }
  if (state === 'Aborted') {
    if (FINAL.includes(job.state)) throw invalidState(`Job state transition from ${job.state} to Aborted is not allowed`);
    job.state = 'Aborted';
    touch(job);
    return state;
  }
  throw invalidState(`Invalid job state requested: ${String(state)}`);
}

/** Jobs listed per page on GET /jobs/ingest and /jobs/query. */
const LIST_PAGE = 1000;

/** GET /jobs/{ingest|query}: pages of jobs, oldest first, with an opaque queryLocator for the next page. */
export function listJobs(engine: BulkEngine, ctx: RouteContext, jobType: Job['jobType']): void {
  const all = [...engine.jobs.values()].filter(j => j.jobType === jobType);
  const locator = ctx.query.get('queryLocator');
  let start = 0;
  if (locator) {
    const n = Number(Buffer.from(locator, 'base64url').toString());
    if (!Number.isInteger(n) || n < 0) throw new SfHttpError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    start = n;
  }
  const page = all.slice(start, start + LIST_PAGE);
  const done = start + LIST_PAGE >= all.length;
  const kind = jobType === 'V2Ingest' ? 'ingest' : 'query';
  const next = Buffer.from(String(start + LIST_PAGE)).toString('base64url');
  ctx.json(200, {
    done,
    records: page.map(listInfo),
    nextRecordsUrl: done ? null : `/services/data/v${ctx.version}/jobs/${kind}?queryLocator=${next}`,
  });
}
