/**
 * `rxforce load`: a CSV, JSON or NDJSON file into an object through Bulk API 2.0 (default) or sObject Collections.
 * The file is read twice: once to check every column and row before any request, then to send it — so memory stays
 * flat whatever the file size. A row that fails the check goes to failed.csv with Salesforce's `CODE:message` error
 * and is never sent; the others load. Every row ends in exactly one of successful.csv, failed.csv or
 * unprocessed.csv, also when the load is interrupted (SIGINT/SIGTERM abort the bulk job and wait for it).
 */
import { access } from 'node:fs/promises';
import { from, lastValueFrom, toArray, type Observable, type Subscription } from 'rxjs';
import type { SalesforceClient } from '../client/client.js';
import { schemaFromDescribe, type SObjectModel } from '../model/index.js';
import { FileFormatError, recordFileFormat, type RecordFileFormat } from '../node/files.js';
import { deleteRecords, insertRecords, updateRecords, upsertRecords } from '../operators/index.js';
import { bulkIngest$ } from '../sources/bulk/bulkIngest.js';
import { BulkIngestJob } from '../sources/bulk/ingestJob.js';
import { isTerminal, type BulkIngestEvent, type JobInfo, type ResultRow } from '../sources/bulk/types.js';
import type { ListEvent, ListSaveResult } from '../sources/collections/types.js';
import type { DescribeSObjectResult } from '../sources/describe/describeTypes.js';
import { CSV_NULL } from '../util/csv.js';
import { ValidationError } from '../util/errors.js';
import { CliError, describeError, EXIT } from './errors.js';
import { describeOrFail } from './inspect.js';
import { EXIT_INTERRUPTED, note, type CliIo } from './io.js';
import { checkColumns, type LoadOperation } from './loadColumns.js';
import { checkUtf8, csvHeader, fileRows, rowName, type Row } from './loadFile.js';
import { progressBar } from './progress.js';
import { ResultFiles, type OutcomeCounts } from './resultFiles.js';

export const LOAD_OPERATIONS: readonly LoadOperation[] = ['insert', 'update', 'upsert', 'delete', 'hardDelete'];

export interface LoadOptions {
  externalId?: string;
  /** sObject Collections instead of Bulk API 2.0. */
  rest?: boolean;
  /** Records per collections request (≤ 200). */
  batchSize?: number;
  /** Collections requests in flight. */
  concurrency?: number;
  /** Directory for successful.csv, failed.csv and unprocessed.csv. */
  results?: string;
  /** Label for the progress bar. */
  label?: string;
  /** Check every row and send nothing. */
  dryRun?: boolean;
}

export interface LoadSummary extends OutcomeCounts {
  total: number;
  /** Rows refused by the check before sending (counted in `failed` too). */
  invalid: number;
  jobId?: string;
  /** The bulk job's last state. */
  jobState?: string;
  /** The signal that stopped the load, when one did. */
  interrupted?: string;
  dryRun?: boolean;
  exitCode: number;
}

/** Loads the file and reports where every row ended; throws a CliError for usage and input problems. */
export async function runLoad(client: SalesforceClient, op: LoadOperation, sobject: string, file: string,
  opts: LoadOptions, io: CliIo): Promise<LoadSummary> {
  if (!LOAD_OPERATIONS.includes(op)) throw new CliError(`unknown operation "${op}": use ${LOAD_OPERATIONS.join(', ')}`);
  if (op === 'upsert' && !opts.externalId) throw new CliError('upsert needs --external-id FIELD');
  if (op === 'hardDelete' && opts.rest) throw new CliError('--rest: hardDelete runs through Bulk API 2.0 only (sObject Collections have no hard delete)');
  if (opts.batchSize !== undefined && (!Number.isInteger(opts.batchSize) || opts.batchSize < 1 || opts.batchSize > 200)) {
    throw new CliError('--batch-size is a whole number from 1 to 200');
  }
  const format = recordFileFormat(file);
  const run: RunState = { sent: 0 };
  // listening from the start: an interrupt before the job exists stops the load there, with nothing sent and every
  // row in the result files, instead of killing the process mid-check with nothing said
  const interruption = new Interruption(io, () => run.jobId
    ? `interrupted again: bulk job ${run.jobId} may still be running (rxforce job status ${run.jobId}; rxforce job abort ${run.jobId})`
    : 'interrupted again: stopped at once, nothing sent');
  try {
    return await load(client, op, sobject, file, format, opts, io, run, interruption);
  } finally {
    interruption.stop();
  }
}

async function load(client: SalesforceClient, op: LoadOperation, sobject: string, file: string, format: RecordFileFormat,
  opts: LoadOptions, io: CliIo, run: RunState, interruption: Interruption): Promise<LoadSummary> {
  await access(file).catch(() => { throw new FileFormatError(file, 'no such file'); });
  await checkUtf8(file);

  const describes = new Map<string, Promise<DescribeSObjectResult>>();
  const describeOf = (name: string) => {
    if (!describes.has(name.toLowerCase())) describes.set(name.toLowerCase(), describeOrFail(client, name));
    return describes.get(name.toLowerCase())!;
  };
  const d = await describeOf(sobject);
  const model = schemaFromDescribe(d, { passthrough: true });

  const { columns, total, invalid, firstInvalid } = await checkFile(model, d, op, file, format, opts, describeOf, interruption);
  // the first refusals on stderr, so a user without --results sees which rows and why
  for (const { where, error } of firstInvalid) note(io, `${file}: ${where}: ${error} (not sent)`);
  if (invalid.size > firstInvalid.length) note(io, `${file}: … ${invalid.size - firstInvalid.length} more rows fail the check`);
  const isDelete = op === 'delete' || op === 'hardDelete';
  const resultColumns = isDelete && !opts.rest ? columns.filter(c => c.toLowerCase() === 'id') : columns;
  const results = await ResultFiles.open(opts.results, resultColumns);

  if (opts.dryRun && !interruption.signal) {
    try {
      for await (const r of fileRows(file, format)) {
        const error = invalid.get(r.index);
        if (error !== undefined) await results.add('failed', [{ ...r.row, sf__Error: error }]);
      }
    } finally {
      await results.close();
    }
    return { ...results.counts, successful: 0, total, invalid: invalid.size, dryRun: true,
      exitCode: invalid.size > 0 ? EXIT.failed : EXIT.ok };
  }

  const bar = progressBar(io, opts.label ?? `${d.name} ${op}`, total - invalid.size);
  /** The rows to send; a row that failed the check goes to failed.csv where it stands instead. */
  async function* sendable(): AsyncGenerator<Row> {
    for await (const r of fileRows(file, format)) {
      const error = invalid.get(r.index);
      if (error !== undefined) await results.add('failed', [{ ...r.row, sf__Error: error }]);
      else yield r.row;
    }
  }
  let stopped: unknown;
  try {
    if (interruption.signal) {
      // interrupted while the file was checked: no job, nothing sent (the rows go to the result files below)
    } else if (invalid.size === total) {
      // every row failed the check: nothing to send, no job
      for await (const _ of sendable()) { /* writes the failures */ }
    } else if (opts.rest) {
      await restLoad(client, model, op, sendable(), format, opts, results, run, n => bar.update(n), interruption);
    } else {
      await bulkLoad(client, d.name, op, sendable(), columns, opts, results, run, n => bar.update(n), interruption, io);
    }
  } catch (err) {
    stopped = err;
  } finally {
    bar.stop();
  }
  try {
    if (stopped !== undefined || interruption.signal) {
      await accountForTheRest(file, format, results, run, invalid, stopped);
    }
  } finally {
    await results.close();
  }
  const c = results.counts;
  const counts = `${c.successful} successful, ${c.failed} failed, ${c.unprocessed} unprocessed`;
  const job = run.jobId ? `bulk job ${run.jobId}${run.jobState ? ` ${run.jobState}` : ''}` : '';
  if (interruption.signal) {
    return { ...c, total, invalid: invalid.size, jobId: run.jobId, jobState: run.jobState, interrupted: interruption.signal,
      exitCode: EXIT_INTERRUPTED };
  }
  if (stopped !== undefined) {
    const reason = describeError(stopped).line.replace(/^rxforce: /, '');
    throw new CliError(`${reason} (${d.name} ${op} stopped: ${counts}${job ? `, ${job}` : ''}`
      + `${opts.results ? `; results in ${opts.results}` : ''})`, EXIT.failed);
  }
  if (results.total !== total) {
    throw new CliError(`row accounting does not add up: ${total} rows read, ${counts}`, EXIT.failed);
  }
  return { ...c, total, invalid: invalid.size, jobId: run.jobId, jobState: run.jobState,
    exitCode: c.failed + c.unprocessed > 0 ? EXIT.failed : EXIT.ok };
}

/** How far a load got: what the accounting of a load that stopped half way needs. */
interface RunState {
  jobId?: string;
  jobState?: string;
  /** Rows that may have reached the org (REST: the slices sent; bulk: every row once the upload began). */
  sent: number;
}

/** The first SIGINT/SIGTERM of a load, as a flag and a callback; a second one exits at once (see CliIo). */
class Interruption {
  signal: string | undefined;
  private handler: (() => void) | undefined;
  private readonly unlisten: () => void;

  constructor(io: CliIo, lastWords: () => string) {
    this.unlisten = io.interrupts?.listen(sig => {
      this.signal = sig;
      this.handler?.();
    }, lastWords) ?? (() => undefined);
  }

  /** Runs `fn` at the interrupt (at once if it already came). */
  onInterrupt(fn: () => void): void {
    this.handler = fn;
    if (this.signal) fn();
  }

  stop(): void {
    this.handler = undefined;
    this.unlisten();
  }
}

/**
 * A load that stopped (interrupted, the org refused, the network gave up) still accounts for every row: rows that
 * failed the check go to failed.csv with their error; rows that never left, or that a job aborted and fully
 * reported on never processed, go to unprocessed.csv; rows that may have been saved go to failed.csv with an
 * UNKNOWN_OUTCOME error naming the job, so nothing is lost silently and a re-run can be planned from the files.
 */
async function accountForTheRest(file: string, format: RecordFileFormat, results: ResultFiles, run: RunState,
  invalid: ReadonlyMap<number, string>, err: unknown): Promise<void> {
  const why = err === undefined ? 'interrupted' : describeError(err).line.replace(/^rxforce: /, '');
  const unknown = `UNKNOWN_OUTCOME:the load stopped before the org answered for this row (${why})`
    + `${run.jobId ? `; see bulk job ${run.jobId}` : ''}`;
  const failed: Row[] = [];
  const unprocessed: Row[] = [];
  const flush = async () => {
    await results.add('failed', failed.splice(0), false);
    await results.add('unprocessed', unprocessed.splice(0), false);
  };
  let sendIndex = 0;
  for await (const { row, index } of fileRows(file, format)) {
    const error = invalid.get(index);
    if (results.claim(row)) {
      if (error === undefined) sendIndex++;
      continue;
    }
    if (error !== undefined) failed.push({ ...row, sf__Error: error });
    else if (sendIndex++ < run.sent) failed.push({ ...row, sf__Error: unknown });
    else unprocessed.push(row);
    if (failed.length + unprocessed.length >= 1_000) await flush();
  }
  await flush();
}

/**
 * Pass 1: columns, row count, every row checked against describe. Returns the rows that fail, by index, with the
 * error Salesforce would give them (`CODE:message`).
 */
async function checkFile(model: SObjectModel<any>, d: DescribeSObjectResult, op: LoadOperation, file: string,
  format: RecordFileFormat, opts: LoadOptions, describeOf: (n: string) => Promise<DescribeSObjectResult>,
  interruption: Interruption,
): Promise<{ columns: string[]; total: number; invalid: Map<number, string>; firstInvalid: { where: string; error: string }[] }> {
  const columns: string[] = format === 'csv' ? await csvHeader(file) : [];
  const seen = new Set(columns);
  const invalid = new Map<number, string>();
  const firstInvalid: { where: string; error: string }[] = [];
  let total = 0;
  let checked = format === 'csv';
  if (checked) await checkColumns(d, columns, op, opts.externalId, describeOf, file);
  for await (const r of fileRows(file, format)) {
    if (format !== 'csv') {
      for (const k of Object.keys(r.row)) if (!seen.has(k)) { seen.add(k); columns.push(k); checked = false; }
    }
    if (interruption.signal) {
      // interrupted: nothing will be sent, so the rest is only counted (and its columns kept for the result files)
      total++;
      continue;
    }
    if (format !== 'csv') {
      if (!checked) {
        try {
          await checkColumns(d, columns, op, opts.externalId, describeOf, file);
        } catch (e) {
          throw e instanceof CliError ? new CliError(`${e.message} (first on ${rowName(r)})`, e.exitCode) : e;
        }
        checked = true;
      }
    }
    const error = rowError(model, d, op, r.row, format, r.index);
    if (error !== undefined) {
      invalid.set(r.index, error);
      if (firstInvalid.length < 10) firstInvalid.push({ where: rowName(r), error });
    }
    total++;
  }
  if (total === 0) throw new CliError(`${file}: no records to load`);
  return { columns, total, invalid, firstInvalid };
}

type DescribeField = DescribeSObjectResult['fields'][number];

/** Fields an insert must set: neither nillable nor defaulted by the org. */
const requiredOnInsert = (f: DescribeField) => f.createable && !f.nillable && !f.defaultedOnCreate && f.type !== 'boolean';

/** What Salesforce would answer for a row it refuses, as `CODE:message`; undefined for a row that may be sent. */
function rowError(model: SObjectModel<any>, d: DescribeSObjectResult, op: LoadOperation, row: Row, format: RecordFileFormat,
  index: number): string | undefined {
  if (op === 'delete' || op === 'hardDelete') {
    const id = Object.entries(row).find(([k]) => k.toLowerCase() === 'id')?.[1];
    if (typeof id !== 'string' || !/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(id)) {
      return `MALFORMED_ID:Id: invalid record id: ${JSON.stringify(id ?? null)}:[Id]`;
    }
    return undefined;
  }
  const present = (name: string) => {
    const key = Object.keys(row).find(k => k.toLowerCase() === name.toLowerCase());
    const v = key === undefined ? undefined : row[key];
    return v !== undefined && v !== null && !(format === 'csv' && (v === '' || v === CSV_NULL));
  };
  const nulled = (name: string) => {
    const key = Object.keys(row).find(k => k.toLowerCase() === name.toLowerCase());
    const v = key === undefined ? undefined : row[key];
    return v === null || (format === 'csv' && v === CSV_NULL);
  };
  const required = d.fields.filter(requiredOnInsert);
  const missing = op === 'insert' ? required.filter(f => !present(f.name) && !relationshipGiven(d, f, row))
    : required.filter(f => nulled(f.name));
  if (missing.length > 0) return `REQUIRED_FIELD_MISSING:Required fields are missing: [${missing.map(f => f.name).join(', ')}]`;
  try {
    model.validate(typedRecord(model, row, format), op === 'upsert' ? 'upsert' : op, index);
    return undefined;
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const f = d.fields.find(x => x.name.toLowerCase() === (e.field ?? '').toLowerCase());
    const label = f ? `${f.label}: ` : '';
    const where = f ? `:[${f.name}]` : '';
    return `${errorCode(f, e.reason)}:${label}${e.reason}${where}`;
  }
}

/** A reference field counts as set when the row names its parent by external id (`Account.External_Id__c`). */
function relationshipGiven(d: DescribeSObjectResult, f: DescribeField, row: Row): boolean {
  if (f.type !== 'reference' || !f.relationshipName) return false;
  const prefix = `${f.relationshipName.toLowerCase()}.`;
  return Object.entries(row).some(([k, v]) => k.toLowerCase().startsWith(prefix) && v !== '' && v !== null && v !== undefined);
}

/** Salesforce's status code for a value a field refuses. */
function errorCode(f: DescribeField | undefined, reason: string): string {
  if (!f) return 'INVALID_FIELD';
  if (f.type === 'id' || f.type === 'reference') return 'MALFORMED_ID';
  if (f.type === 'email') return 'INVALID_EMAIL_ADDRESS';
  if (f.type === 'picklist' || f.type === 'multipicklist') return 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST';
  if (/too long|at most|characters|length/i.test(reason) && ['string', 'textarea', 'url', 'phone'].includes(f.type)) return 'STRING_TOO_LONG';
  return 'INVALID_TYPE_ON_FIELD_IN_RECORD';
}

/**
 * A file row as a typed record: CSV empties are left out (Bulk API semantics: an empty cell changes nothing),
 * `#N/A` is null, relationship columns become nested references (`{ Account: { External_Id__c } }`).
 */
function typedRecord(model: SObjectModel<any>, row: Row, format: RecordFileFormat): Row {
  const plain: Row = {};
  const refs: Record<string, Row> = {};
  for (const [k, v] of Object.entries(row)) {
    if (format === 'csv' && v === '') continue;
    const value = format === 'csv' && v === CSV_NULL ? null : v;
    const dot = k.indexOf('.');
    if (dot > 0) (refs[k.slice(0, dot)] ??= {})[k.slice(dot + 1)] = value;
    else plain[canonical(model, k)] = value;
  }
  const typed = model.fromWire(plain, { csv: format === 'csv' }) as Row;
  for (const [rel, value] of Object.entries(refs)) typed[rel] = value;
  return typed;
}

/** The model's spelling of a column (files may spell API names in any case). */
function canonical(model: SObjectModel<any>, name: string): string {
  if (name in model.fields) return name;
  return model.fieldNames.find(f => f.toLowerCase() === name.toLowerCase()) ?? name;
}

/**
 * Bulk API 2.0: rows go up as read; result rows are streamed into the result files. The job id is printed as soon
 * as the job exists. At an interrupt the job is aborted and its results read (what it processed, and the
 * unprocessed rest), unless it already finished, in which case its results are read as usual.
 */
async function bulkLoad(client: SalesforceClient, sobject: string, op: LoadOperation, rows: AsyncIterable<Row>,
  columns: string[], opts: LoadOptions, results: ResultFiles, run: RunState, progress: (n: number) => void,
  interruption: Interruption, io: CliIo): Promise<void> {
  const isDelete = op === 'delete' || op === 'hardDelete';
  const events$: Observable<BulkIngestEvent<Row>> = bulkIngest$<Row>(sobject, op, rows, {
    client, results: 'stream', externalIdField: op === 'upsert' ? opts.externalId : undefined,
    columns: isDelete ? undefined : columns, polling: { initialMs: 200, factor: 1.5, maxMs: 5_000 },
    abortOnUnsubscribe: false,
  });
  const resultRow = (r: ResultRow, extra: Row): Row => ({ ...r.row, ...extra });
  let processed = 0;
  let terminal = false;
  let sub: Subscription | undefined;
  await new Promise<void>((resolve, reject) => {
    let chain = Promise.resolve();
    let settled = false;
    const settle = (fn: () => void) => { if (!settled) { settled = true; fn(); } };
    sub = events$.subscribe({
      next: e => {
        if (e.type === 'job') {
          if (!run.jobId) note(io, `bulk job ${e.job.id} (${sobject} ${op})`);
          run.jobId = e.job.id;
          run.jobState = e.job.state;
          terminal ||= isTerminal(e.job);
          if (typeof e.job.numberRecordsProcessed === 'number') progress(processed = Math.max(processed, e.job.numberRecordsProcessed));
        } else if (e.type === 'upload') {
          run.sent = Number.POSITIVE_INFINITY;
        } else if (e.type === 'successful') {
          chain = chain.then(() => results.add('successful', e.rows.map(r => resultRow(r, { sf__Id: r.id, sf__Created: String(r.created ?? false) }))));
        } else if (e.type === 'failed') {
          chain = chain.then(() => results.add('failed', e.rows.map(r => resultRow(r, { sf__Error: r.error ?? '' }))));
        } else if (e.type === 'unprocessed') {
          chain = chain.then(() => results.add('unprocessed', e.rows.map(r => resultRow(r, {}))));
        }
        chain.catch(err => { sub?.unsubscribe(); settle(() => reject(err)); });
      },
      error: err => settle(() => (interruption.signal ? resolve() : reject(err))),
      complete: () => { chain.then(() => settle(resolve), err => settle(() => reject(err))); },
    });
    interruption.onInterrupt(() => {
      // a finished job is only reading its results: let it
      if (terminal) return;
      sub?.unsubscribe();
      settle(resolve);
    });
  });
  if (!interruption.signal || terminal) return;
  if (!run.jobId) {
    run.sent = 0; // no job was created: nothing reached the org
    return;
  }
  await abortAndCollect(client, run, results);
}

/** Aborts the job, waits for a final state and writes its results; the rows it never reported on stay unaccounted. */
async function abortAndCollect(client: SalesforceClient, run: RunState, results: ResultFiles): Promise<void> {
  const job = BulkIngestJob.attach(run.jobId!, { client });
  let info: JobInfo | undefined;
  try {
    info = await lastValueFrom(job.abort$());
  } catch {
    // it may have finished (or failed) in the meantime: its state says
  }
  for (let i = 0; i < 50 && !(info && isTerminal(info)); i++) {
    info = await lastValueFrom(job.info$());
    if (!isTerminal(info)) await new Promise(r => setTimeout(r, 200));
  }
  run.jobState = info?.state;
  if (!info || !isTerminal(info)) return; // unknown outcome: accountForTheRest marks what may have reached the org
  const add = async (kind: 'successful' | 'failed' | 'unprocessed', rows$: Observable<ResultRow[]>, extra: (r: ResultRow) => Row) => {
    for (const page of await lastValueFrom(rows$.pipe(toArray()))) await results.add(kind, page.map(r => ({ ...r.row, ...extra(r) })));
  };
  await add('successful', job.successfulResults$(), r => ({ sf__Id: r.id, sf__Created: String(r.created ?? false) }));
  await add('failed', job.failedResults$(), r => ({ sf__Error: r.error ?? '' }));
  if (info.state !== 'JobComplete') await add('unprocessed', job.unprocessed$(), () => ({}));
  run.sent = 0; // the job is over and has told everything: rows it never saw were never processed
}

/**
 * sObject Collections: the rows in slices of one round of batches; each slice's results are in input order,
 * matched to their rows. An interrupt lets the slice in flight finish and sends no more.
 */
async function restLoad(client: SalesforceClient, model: SObjectModel<any>, op: LoadOperation, input: AsyncIterable<Row>,
  format: RecordFileFormat, opts: LoadOptions, results: ResultFiles, run: RunState, progress: (n: number) => void,
  interruption: Interruption): Promise<void> {
  const list = { client, batchSize: opts.batchSize ?? 200, concurrency: opts.concurrency ?? 5, continueOnError: true };
  const slice = Math.max(list.batchSize * list.concurrency, 200);
  let done = 0;
  let rows: Row[] = [];
  const flush = async () => {
    if (rows.length === 0) return;
    const records = rows.map(r => (op === 'delete' ? idOf(r) : typedRecord(model, r, format)));
    const source = from(records as never[]);
    const op$: Observable<ListEvent<ListSaveResult>> = op === 'insert' ? source.pipe(insertRecords(model, list))
      : op === 'update' ? source.pipe(updateRecords(model, list))
        : op === 'upsert' ? source.pipe(upsertRecords(model, opts.externalId!, list))
          : source.pipe(deleteRecords(list));
    const base = done;
    run.sent = done + rows.length;
    let complete: Extract<ListEvent<ListSaveResult>, { type: 'complete' }> | undefined;
    await new Promise<void>((resolve, reject) => op$.subscribe({
      next: e => {
        if (e.type === 'progress') progress(base + e.done);
        else complete = e;
      },
      error: reject, complete: resolve,
    }));
    const ok: Row[] = [];
    const bad: Row[] = [];
    const skipped: Row[] = [];
    complete!.results.forEach((r, i) => {
      if (r.success) ok.push({ ...rows[i], sf__Id: r.id ?? '', sf__Created: String(r.created ?? op === 'insert') });
      else if (r.errors.some(x => x.statusCode === 'NOT_ATTEMPTED')) skipped.push(rows[i]!);
      else bad.push({ ...rows[i], sf__Error: r.errors.map(x => `${x.statusCode}:${x.message}`).join('; ') });
    });
    await results.add('successful', ok);
    await results.add('failed', bad);
    await results.add('unprocessed', skipped);
    done += rows.length;
    progress(done);
    rows = [];
  };
  for await (const r of input) {
    if (interruption.signal) break;
    rows.push(r);
    if (rows.length >= slice) await flush();
  }
  if (!interruption.signal) await flush();
  run.sent = done;
}

function idOf(row: Row): string {
  return String(Object.entries(row).find(([k]) => k.toLowerCase() === 'id')?.[1] ?? '');
}
