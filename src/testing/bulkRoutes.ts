import { isObservable } from 'rxjs';
import type { JobInfo, JobState } from '../sources/bulk/types.js';
import { DELIMITERS, parseCsv } from '../util/csv.js';
import { csv, job, noContent, sfError, TEST_JOB_ID } from './bodies.js';
import { respond } from './respond.js';
import type { CannedResponse, LoggedRequest, Reply, Route } from './types.js';

/** One uploaded CSV row as the fake job read it: header → cell text (`#N/A` and empty cells as sent). */
export type UploadedRow = Record<string, string>;

/** A result file's body: fixed text, or text made from the rows uploaded so far (in upload order). */
export type ResultFile = string | ((uploaded: UploadedRow[]) => string);

/**
 * What one poll of a job sees: a state, a state with other job-info fields (`{ state: 'Failed', errorMessage }`),
 * or any reply (a marble, an `sfError`) for full control.
 */
export type JobPoll = JobState | Partial<JobInfo> | Reply;

export interface IngestJobScript {
  /** Job id. Default `TEST_JOB_ID`. */
  id?: string;
  /** Overrides for every job info (object, operation, counts …); the create request's fields are echoed otherwise. */
  info?: Partial<JobInfo>;
  /** What each poll of `GET /jobs/ingest/{id}` sees, in order (the last repeats). Default ['InProgress', 'JobComplete']. */
  polls?: JobPoll[];
  /** Body of `successfulResults/` ("sf__Id","sf__Created",…). Default: header only. */
  successful?: ResultFile;
  /** Body of `failedResults/` ("sf__Id","sf__Error",…). */
  failed?: ResultFile;
  /** Body of `unprocessedrecords/`. */
  unprocessed?: ResultFile;
}

/** The fields of a create-job request Salesforce echoes back in the job info. */
const ECHOED = ['object', 'operation', 'externalIdFieldName', 'columnDelimiter', 'lineEnding', 'contentType', 'query'] as const;

/** The job as created so far: defaults, then what the create request asked for, then the script's overrides. */
function jobState(id: string, defaults: Partial<JobInfo>, overrides: Partial<JobInfo> | undefined) {
  let created: Partial<JobInfo> = {};
  return {
    create(req: LoggedRequest): void {
      const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
      created = {};
      for (const key of ECHOED) if (typeof body[key] === 'string') (created as Record<string, unknown>)[key] = body[key];
    },
    info: (extra: Partial<JobInfo> = {}): Partial<JobInfo> => ({ ...defaults, ...created, ...overrides, ...extra, id }),
  };
}

function pollReplies(polls: JobPoll[], info: (extra?: Partial<JobInfo>) => Partial<JobInfo>): Reply[] {
  return polls.map((p): Reply => {
    if (typeof p === 'string') return () => job(p, info());
    if (typeof p === 'function' || isObservable(p) || typeof (p as CannedResponse).status === 'number') return p as Reply;
    const extra = p as Partial<JobInfo>;
    return () => job(extra.state ?? 'InProgress', info(extra));
  });
}

function stateOf(body: unknown): JobState | undefined {
  return body && typeof body === 'object' ? (body as { state?: JobState }).state : undefined;
}

/**
 * The routes of one Bulk API 2.0 ingest job's life: create (Open, echoing the object and operation asked for),
 * upload (201, each part kept), close (UploadComplete), the polls in order, then the result files — enough for
 * `bulkInsert$` and friends to run end to end in virtual time. Result files may be functions of the uploaded rows, so
 * a test can answer for whatever its pipeline sent. The uploaded parts are `requestsTo('PUT', '/batches')` bodies.
 *
 * @example
 * createTestClient(scheduler, { routes: ingestJobRoutes({ polls: ['InProgress', 'JobComplete'],
 *   successful: rows => '"sf__Id","sf__Created",Name\n' + rows.map((r, i) => `001000000000${100 + i}AAA,true,${r.Name}\n`).join('') }) });
 */
export function ingestJobRoutes(script: IngestJobScript = {}): Route[] {
  const id = script.id ?? TEST_JOB_ID;
  const esc = id.replace(/[^\w]/g, '');
  const state = jobState(id, {}, script.info);
  const parts: string[] = [];
  const uploaded = (): UploadedRow[] => {
    const delimiter = state.info().columnDelimiter;
    return parts.flatMap(part => {
      const [header = [], ...rows] = parseCsv(part, { columnDelimiter: delimiter });
      return rows.map(cells => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
    });
  };
  // result files come in the job's delimiter, as Salesforce writes them
  const file = (body: ResultFile | undefined, columns: string[]): Reply => () => csv(typeof body === 'function'
    ? body(uploaded())
    : body ?? (columns.length ? `${columns.join(DELIMITERS[state.info().columnDelimiter ?? 'COMMA'])}\n` : ''));
  return [
    respond('POST', /\/jobs\/ingest$/, req => { state.create(req); return job('Open', state.info()); }),
    respond('PUT', new RegExp(`/jobs/ingest/${esc}/batches$`), req => { parts.push(String(req.body)); return { status: 201 }; }),
    // the PATCH closes the upload, or aborts when the subscriber leaves early
    respond('PATCH', new RegExp(`/jobs/ingest/${esc}$`), req => job(stateOf(req.body) ?? 'UploadComplete', state.info())),
    respond('GET', new RegExp(`/jobs/ingest/${esc}$`), ...pollReplies(script.polls ?? ['InProgress', 'JobComplete'], state.info)),
    respond('GET', `/jobs/ingest/${id}/successfulResults`, file(script.successful, ['"sf__Id"', '"sf__Created"'])),
    respond('GET', `/jobs/ingest/${id}/failedResults`, file(script.failed, ['"sf__Id"', '"sf__Error"'])),
    respond('GET', `/jobs/ingest/${id}/unprocessedrecords`, file(script.unprocessed, [])),
    respond('DELETE', new RegExp(`/jobs/ingest/${esc}$`), noContent()),
  ];
}

export interface QueryJobScript {
  /** Job id. Default `TEST_JOB_ID`. */
  id?: string;
  /** Overrides for every job info. */
  info?: Partial<JobInfo>;
  /** What each poll of `GET /jobs/query/{id}` sees, in order (the last repeats). Default ['InProgress', 'JobComplete']. */
  polls?: JobPoll[];
  /**
   * The result CSV, page by page (header on each). Page i is linked to the next by a `Sforce-Locator` Salesforce-style
   * (base64 of the rows served so far), the last page by `null`. `maxRecords` is recorded in the request, not applied:
   * the pages are served as given.
   */
  pages?: string[];
}

/**
 * The routes of one Bulk API 2.0 query job: create (UploadComplete, echoing the query), the polls in order, the
 * result pages through `Sforce-Locator`, abort (PATCH) and delete — enough for `bulkQuery$` to run end to end in
 * virtual time. A page asked for with a locator the job never gave is a 400 `INVALID_QUERY_LOCATOR`.
 *
 * @example
 * createTestClient(scheduler, { routes: queryJobRoutes({ polls: ['JobComplete'], pages: ['Id\n001…1\n', 'Id\n001…2\n'] }) });
 */
export function queryJobRoutes(script: QueryJobScript = {}): Route[] {
  const id = script.id ?? TEST_JOB_ID;
  const esc = id.replace(/[^\w]/g, '');
  const state = jobState(id, { operation: 'query', jobType: 'V2Query' }, script.info);
  const pages = script.pages ?? ['Id\n'];
  const rowsIn = (page: string) => Math.max(0, parseCsv(page, { columnDelimiter: state.info().columnDelimiter }).length - 1);
  let next: string[] | undefined;
  const results = (req: LoggedRequest): CannedResponse => {
    if (!next) {
      let served = 0;
      next = pages.map((page, i) => { served += rowsIn(page); return i < pages.length - 1 ? btoa(String(served)) : 'null'; });
    }
    const locator = req.query.locator;
    const i = locator === undefined ? 0 : next.indexOf(locator) + 1;
    if ((i === 0 && locator !== undefined) || locator === 'null') return sfError(400, 'INVALID_QUERY_LOCATOR', `Invalid locator: ${locator}`);
    return csv(pages[i], { locator: next[i], records: rowsIn(pages[i]) });
  };
  return [
    respond('POST', /\/jobs\/query$/, req => { state.create(req); return job('UploadComplete', state.info()); }),
    respond('PATCH', new RegExp(`/jobs/query/${esc}$`), req => job(stateOf(req.body) ?? 'Aborted', state.info())),
    respond('GET', new RegExp(`/jobs/query/${esc}$`), ...pollReplies(script.polls ?? ['InProgress', 'JobComplete'], state.info)),
    respond('GET', new RegExp(`/jobs/query/${esc}/results(\\?|$)`), results),
    respond('DELETE', new RegExp(`/jobs/query/${esc}$`), noContent()),
  ];
}
