/**
 * Canned Salesforce bodies in the shapes of SALESFORCE_API.md, so tests read as the wire does. Each returns a
 * `CannedResponse` ready for `respond()` or a marble value map.
 */
import type { JobInfo, JobState } from '../sources/bulk/types.js';
import type { CannedResponse } from './types.js';

const API = '/services/data/v62.0';

/** The job id canned jobs carry unless a script names another. */
export const TEST_JOB_ID = '7506g00000DhRA2AAN';

/** `200` with any JSON body. */
export function ok<T>(data: T, headers: Record<string, string> = {}): CannedResponse<T> {
  return { status: 200, data, headers };
}

/** `204 No Content` (update, delete, PATCH of a job). */
export function noContent(): CannedResponse<undefined> {
  return { status: 204, data: undefined };
}

/** A record with `attributes { type, url }`, as REST returns it. */
export function sfRecord<T extends Record<string, unknown>>(type: string, fields: T & { Id?: string }): T & { attributes: { type: string; url?: string } } {
  const url = fields.Id ? `${API}/sobjects/${type}/${fields.Id}` : undefined;
  return { attributes: url ? { type, url } : { type }, ...fields };
}

/** One page of a query: `{ totalSize, done, nextRecordsUrl?, records }`. */
export function queryPage<R>(records: R[], opts: { totalSize?: number; nextRecordsUrl?: string } = {}): CannedResponse<{
  totalSize: number; done: boolean; nextRecordsUrl?: string; records: R[];
}> {
  const data: { totalSize: number; done: boolean; nextRecordsUrl?: string; records: R[] } = {
    totalSize: opts.totalSize ?? records.length, done: !opts.nextRecordsUrl, records,
  };
  if (opts.nextRecordsUrl) data.nextRecordsUrl = opts.nextRecordsUrl;
  return ok(data);
}

/**
 * A query split into pages: page i links to `/services/data/v62.0/query/01gTEST-{i+1}` (the locator a route for
 * `/query/01gTEST-` can answer), totalSize is the sum.
 */
export function queryPages<R>(pages: R[][], locator = '01gTEST'): Array<CannedResponse<{ totalSize: number; done: boolean; nextRecordsUrl?: string; records: R[] }>> {
  const totalSize = pages.reduce((n, p) => n + p.length, 0);
  return pages.map((records, i) => queryPage(records, {
    totalSize,
    nextRecordsUrl: i < pages.length - 1 ? `${API}/query/${locator}-${(i + 1) * 2000}` : undefined,
  }));
}

/** One error entry of a REST error array. */
export interface SfErrorEntry { errorCode: string; message: string; fields?: string[] }

/**
 * A REST error: `status` with Salesforce's error array body.
 * @example sfError(400, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [Name]', ['Name'])
 */
export function sfError(status: number, errorCode: string, message: string, fields?: string[]): CannedResponse<SfErrorEntry[]> {
  const entry: SfErrorEntry = { message, errorCode };
  if (fields) entry.fields = fields;
  return { status, data: [entry], headers: { 'content-type': 'application/json;charset=UTF-8' } };
}

/** `401 INVALID_SESSION_ID`, which makes the client refresh its session once. */
export const sessionExpired = (): CannedResponse<SfErrorEntry[]> => sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

/** `503` (transient: idempotent requests are retried). */
export const unavailable = (): CannedResponse<SfErrorEntry[]> => sfError(503, 'SERVER_UNAVAILABLE', 'Server temporarily unavailable');

/** `201` for a single-record create. */
export function created(id: string): CannedResponse<{ id: string; success: true; errors: [] }> {
  return { status: 201, data: { id, success: true, errors: [] } };
}

/** One entry of an sObject Collections result. */
export type CollectionEntry =
  | { id: string; success: true; errors: []; created?: boolean }
  | { id?: string | null; success: false; errors: Array<{ statusCode: string; message: string; fields: string[] }> };

/** A success entry of a collections result. */
export function saved(id: string, created?: boolean): CollectionEntry {
  return created === undefined ? { id, success: true, errors: [] } : { id, success: true, errors: [], created };
}

/** A failed entry of a collections result (`statusCode`, not `errorCode`). */
export function rejected(statusCode: string, message: string, fields: string[] = [], id: string | null = null): CollectionEntry {
  return { id, success: false, errors: [{ statusCode, message, fields }] };
}

/** `200` with a collections result array, in input order. */
export function collectionResults(entries: CollectionEntry[]): CannedResponse<CollectionEntry[]> {
  return ok(entries);
}

/**
 * A Bulk API 2.0 job info in `state`; counts and ids can be overridden.
 * @example job('InProgress', { numberRecordsProcessed: 500 })
 */
export function jobInfo(state: JobState, overrides: Partial<JobInfo> = {}): JobInfo {
  const id = overrides.id ?? TEST_JOB_ID;
  const query = overrides.jobType === 'V2Query' || overrides.operation === 'query';
  return {
    id, operation: query ? 'query' : 'insert', object: 'Account', state,
    createdById: '0056g000005HQPyAAO', createdDate: '2024-01-01T00:00:00.000+0000',
    systemModstamp: '2024-01-01T00:00:00.000+0000', concurrencyMode: 'Parallel', contentType: 'CSV', apiVersion: 62.0,
    jobType: query ? 'V2Query' : 'V2Ingest', lineEnding: 'LF', columnDelimiter: 'COMMA',
    ...(query ? {} : { contentUrl: `services/data/v62.0/jobs/ingest/${id}/batches` }),
    numberRecordsProcessed: 0, numberRecordsFailed: 0, retries: 0, totalProcessingTime: 0,
    ...overrides,
  };
}

/** `200` with a job info (see `jobInfo`). */
export function job(state: JobState, overrides: Partial<JobInfo> = {}): CannedResponse<JobInfo> {
  return ok(jobInfo(state, overrides));
}

/** `200 text/csv`, e.g. bulk results; `locator` sets `Sforce-Locator` for query result pages (`'null'` on the last). */
export function csv(text: string, opts: { locator?: string; records?: number } = {}): CannedResponse<string> {
  const headers: Record<string, string> = { 'content-type': 'text/csv' };
  if (opts.locator !== undefined) headers['sforce-locator'] = opts.locator;
  if (opts.records !== undefined) headers['sforce-numberofrecords'] = String(opts.records);
  return { status: 200, data: text, headers };
}
