import type { JobInfo, JobState } from '../sources/bulk/types.js';
import { csv, job, noContent } from './bodies.js';
import { respond } from './respond.js';
import type { Reply, Route } from './types.js';

export interface IngestJobScript {
  /** Job id. Default '7506g00000DhRA2AAN'. */
  id?: string;
  /** Overrides for every job info (object, operation, counts …). */
  info?: Partial<JobInfo>;
  /**
   * What each poll of `GET /jobs/ingest/{id}` sees, in order (the last repeats): states, or replies (marbles,
   * errors) for full control. Default ['InProgress', 'JobComplete'].
   */
  polls?: Array<JobState | Reply>;
  /** Body of `successfulResults/` ("sf__Id","sf__Created",…). Default: header only. */
  successful?: string;
  /** Body of `failedResults/` ("sf__Id","sf__Error",…). */
  failed?: string;
  /** Body of `unprocessedrecords/`. */
  unprocessed?: string;
}

/**
 * The routes of one Bulk API 2.0 ingest job's life: create (Open), upload (201), close (UploadComplete), the polls
 * in order, then the result files — enough for `bulkInsert$` and friends to run end to end in virtual time.
 *
 * @example
 * createTestClient(scheduler, { routes: ingestJobRoutes({ polls: ['InProgress', 'JobComplete'],
 *   successful: '"sf__Id","sf__Created",Name\n001000000000001AAA,true,Acme\n' }) });
 */
export function ingestJobRoutes(script: IngestJobScript = {}): Route[] {
  const id = script.id ?? '7506g00000DhRA2AAN';
  const base = `/jobs/ingest/${id}`;
  const info = { ...script.info, id };
  const polls = (script.polls ?? ['InProgress', 'JobComplete']).map(p => (typeof p === 'string' ? job(p, info) : p));
  const esc = id.replace(/[^\w]/g, '');
  return [
    respond('POST', /\/jobs\/ingest$/, job('Open', info)),
    respond('PUT', `${base}/batches`, { status: 201 }),
    // the PATCH closes the upload, or aborts when the subscriber leaves early
    respond('PATCH', new RegExp(`/jobs/ingest/${esc}$`), req => job(stateOf(req.body) ?? 'UploadComplete', info)),
    respond('GET', new RegExp(`/jobs/ingest/${esc}$`), ...polls),
    respond('GET', `${base}/successfulResults`, csv(script.successful ?? '"sf__Id","sf__Created"\n')),
    respond('GET', `${base}/failedResults`, csv(script.failed ?? '"sf__Id","sf__Error"\n')),
    respond('GET', `${base}/unprocessedrecords`, csv(script.unprocessed ?? '')),
    respond('DELETE', new RegExp(`/jobs/ingest/${esc}$`), noContent()),
  ];
}

function stateOf(body: unknown): JobState | undefined {
  return body && typeof body === 'object' ? (body as { state?: JobState }).state : undefined;
}
