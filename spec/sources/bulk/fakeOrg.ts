/**
 * A scripted Bulk API 2.0 org behind the client's `transport` option, answering synchronously so that only the
 * polling timers move virtual time. Every request is logged with the virtual time it was sent at.
 */
import { of, throwError, type Observable, type SchedulerLike } from 'rxjs';
import { SalesforceClient } from '../../../src/client/client.js';
import { errorFromResponse } from '../../../src/client/errors.js';
import type { SfResponse, TransportRequest } from '../../../src/client/types.js';
import type { JobInfo, JobState } from '../../../src/sources/bulk/types.js';

export interface LoggedRequest { at: number; method: string; path: string; data: unknown }

export interface FakeOrgScript {
  /** States answered by successive GETs of the job; the last one repeats. */
  states?: (JobState | Partial<JobInfo>)[];
  successfulCsv?: (uploaded: string[][]) => string;
  failedCsv?: (uploaded: string[][]) => string;
  unprocessedCsv?: (uploaded: string[][]) => string;
  /** Query results by locator ('' = first page): [csv, next locator]. */
  queryPages?: Record<string, [string, string]>;
}

export const JOB_ID = '7506g00000DhRA2AAN';
const BASE = 'https://fake.my.salesforce.com/services/data/v62.0/';

export function fakeOrg(scheduler: SchedulerLike, script: FakeOrgScript) {
  const log: LoggedRequest[] = [];
  const parts: string[] = [];
  let polls = 0;
  let state: JobState = 'Open';
  const info = (extra: Partial<JobInfo> = {}): JobInfo => ({
    id: JOB_ID, operation: 'insert', object: 'Account', state, contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF',
    numberRecordsProcessed: 0, numberRecordsFailed: 0, ...extra,
  });
  const ok = <T>(data: T, status = 200, headers: Record<string, string> = {}): Observable<SfResponse<unknown>> =>
    of({ status, headers, data, method: 'GET', url: '' });
  const uploadedRows = () => parts.flatMap(p => p.trimEnd().split('\n').slice(1).map(l => l.split(',')));

  const transport = (req: TransportRequest): Observable<SfResponse<unknown>> => {
    const url = new URL(req.url);
    const path = url.href.startsWith(BASE) ? url.pathname.replace('/services/data/v62.0/', '') : url.pathname;
    log.push({ at: scheduler.now(), method: req.method, path: path + url.search, data: req.data });
    if (req.method === 'POST' && (path === 'jobs/ingest' || path === 'jobs/query')) {
      state = path === 'jobs/query' ? 'UploadComplete' : 'Open';
      return ok(info(req.data as Partial<JobInfo>));
    }
    if (req.method === 'PUT') { parts.push(String(req.data)); return ok('', 201); }
    if (req.method === 'PATCH') { state = (req.data as { state: JobState }).state; return ok(info()); }
    if (req.method === 'GET' && /^jobs\/(ingest|query)\/\w+$/.test(path)) {
      const states = script.states ?? ['JobComplete'];
      const s = states[Math.min(polls++, states.length - 1)];
      const extra = typeof s === 'string' ? { state: s } : s;
      state = extra.state ?? state;
      return ok(info(extra));
    }
    const csv = (f?: (u: string[][]) => string) => ok(f ? f(uploadedRows()) : '', 200, { 'content-type': 'text/csv' });
    if (path.endsWith('/successfulResults/')) return csv(script.successfulCsv);
    if (path.endsWith('/failedResults/')) return csv(script.failedCsv);
    if (path.endsWith('/unprocessedrecords/')) return csv(script.unprocessedCsv);
    if (path.endsWith('/results')) {
      const page = script.queryPages?.[url.searchParams.get('locator') ?? ''];
      if (page) return ok(page[0], 200, { 'sforce-locator': page[1], 'sforce-numberofrecords': '0' });
    }
    return throwError(() => errorFromResponse({
      status: 404, data: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }],
      headers: {}, method: req.method, url: path,
    } as never));
  };

  const client = new SalesforceClient({
    login: { accessToken: 'fake-token', instanceUrl: 'https://fake.my.salesforce.com' },
    apiVersion: '62.0', transport, scheduler, retry: false,
  });
  return { client, log, parts, uploadedRows };
}
