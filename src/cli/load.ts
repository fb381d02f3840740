/**
 * `rxforce load`: a CSV, JSON or NDJSON file into an object through Bulk API 2.0 (default) or sObject Collections.
 * The file is read twice: once to check every column and row before any request, then to send it — so memory stays
 * flat whatever the file size, and a bad row 90% down the file costs nothing on the org.
 */
import { access } from 'node:fs/promises';
import { from, type Observable } from 'rxjs';
import type { SalesforceClient } from '../client/client.js';
import { schemaFromDescribe, type SObjectModel } from '../model/index.js';
import { csvFileHeader, FileFormatError, readRecordFile, recordFileFormat, type RecordFileFormat } from '../node/files.js';
import { deleteRecords, insertRecords, updateRecords, upsertRecords } from '../operators/index.js';
import { bulkIngest$ } from '../sources/bulk/bulkIngest.js';
import type { BulkIngestEvent, ResultRow } from '../sources/bulk/types.js';
import type { ListEvent, ListSaveResult } from '../sources/collections/types.js';
import type { DescribeSObjectResult } from '../sources/describe/describeTypes.js';
import { flattenRecord, CSV_NULL } from '../util/csv.js';
import { CliError, describeError, EXIT } from './errors.js';
import { describeOrFail } from './inspect.js';
import type { CliIo } from './io.js';
import { checkColumns, type LoadOperation } from './loadColumns.js';
import { progressBar } from './progress.js';
import { ResultFiles, type OutcomeCounts } from './resultFiles.js';

export const LOAD_OPERATIONS: readonly LoadOperation[] = ['insert', 'update', 'upsert', 'delete'];

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
}

export interface LoadSummary extends OutcomeCounts {
  total: number;
  jobId?: string;
  exitCode: number;
}

type Row = Record<string, unknown>;

/** Loads the file and reports where every row ended; throws a CliError for usage and input problems. */
export async function runLoad(client: SalesforceClient, op: LoadOperation, sobject: string, file: string,
  opts: LoadOptions, io: CliIo): Promise<LoadSummary> {
  if (!LOAD_OPERATIONS.includes(op)) throw new CliError(`unknown operation "${op}": use ${LOAD_OPERATIONS.join(', ')}`);
  if (op === 'upsert' && !opts.externalId) throw new CliError('upsert needs --external-id FIELD');
  if (opts.batchSize !== undefined && (!Number.isInteger(opts.batchSize) || opts.batchSize < 1 || opts.batchSize > 200)) {
    throw new CliError('--batch-size is a whole number from 1 to 200');
  }
  const format = recordFileFormat(file);
  await access(file).catch(() => { throw new FileFormatError(file, 'no such file'); });

  const describes = new Map<string, Promise<DescribeSObjectResult>>();
  const describeOf = (name: string) => {
    if (!describes.has(name.toLowerCase())) describes.set(name.toLowerCase(), describeOrFail(client, name));
    return describes.get(name.toLowerCase())!;
  };
  const d = await describeOf(sobject);
  const model = schemaFromDescribe(d, { passthrough: true });

  const { columns, total } = await checkFile(model, d, op, file, format, opts, describeOf);
  const resultColumns = op === 'delete' && !opts.rest ? columns.filter(c => c.toLowerCase() === 'id') : columns;
  const results = await ResultFiles.open(opts.results, resultColumns);
  const bar = progressBar(io, opts.label ?? `${d.name} ${op}`, total);
  const run: RunState = { sent: 0 };
  let stopped: unknown;
  try {
    if (opts.rest) await restLoad(client, model, op, file, format, opts, results, run, (n) => bar.update(n));
    else await bulkLoad(client, d.name, op, file, format, columns, opts, results, run, (n) => bar.update(n));
  } catch (err) {
    stopped = err;
  } finally {
    bar.stop();
  }
  try {
    if (stopped !== undefined) await accountForTheRest(file, format, results, run, stopped);
  } finally {
    await results.close();
  }
  const c = results.counts;
  const counts = `${c.successful} successful, ${c.failed} failed, ${c.unprocessed} unprocessed`;
  if (stopped !== undefined) {
    const reason = describeError(stopped).line.replace(/^rxforce: /, '');
    throw new CliError(`${reason} (${d.name} ${op} stopped: ${counts}${run.jobId ? `, bulk job ${run.jobId}` : ''}`
      + `${opts.results ? `; results in ${opts.results}` : ''})`, EXIT.failed);
  }
  if (results.total !== total) {
    throw new CliError(`row accounting does not add up: ${total} rows read, ${counts}`, EXIT.failed);
  }
  return { ...c, total, jobId: run.jobId, exitCode: c.failed + c.unprocessed > 0 ? EXIT.failed : EXIT.ok };
}

/** How far a load got: what the accounting of a load that stopped half way needs. */
interface RunState {
  jobId?: string;
  /** Rows that may have reached the org (REST: the slices sent; bulk: every row once the upload began). */
  sent: number;
}

/**
 * A load that stopped (the org refused, the network gave up) still accounts for every row: rows that never left
 * go to unprocessed.csv, rows that may have been saved go to failed.csv with an UNKNOWN_OUTCOME error naming the
 * job, so nothing is lost silently and a re-run can be planned from the files.
 */
async function accountForTheRest(file: string, format: RecordFileFormat, results: ResultFiles, run: RunState,
  err: unknown): Promise<void> {
  const why = describeError(err).line.replace(/^rxforce: /, '');
  const error = `UNKNOWN_OUTCOME: the load stopped before the org answered for this row (${why})`
    + `${run.jobId ? `; see bulk job ${run.jobId}` : ''}`;
  let index = 0;
  const failed: Row[] = [];
  const unprocessed: Row[] = [];
  const flush = async () => {
    await results.add('failed', failed.splice(0), false);
    await results.add('unprocessed', unprocessed.splice(0), false);
  };
  for await (const row of flatRows(file, format)) {
    const mayHaveReached = index++ < run.sent;
    if (results.claim(row)) continue;
    if (mayHaveReached) failed.push({ ...row, sf__Error: error });
    else unprocessed.push(row);
    if (failed.length + unprocessed.length >= 1_000) await flush();
  }
  await flush();
}

/** Pass 1: columns, row count, every row validated by the describe-built model. */
async function checkFile(model: SObjectModel<any>, d: DescribeSObjectResult, op: LoadOperation, file: string,
  format: RecordFileFormat, opts: LoadOptions, describeOf: (n: string) => Promise<DescribeSObjectResult>): Promise<{ columns: string[]; total: number }> {
  let columns: string[] = format === 'csv' ? await csvFileHeader(file).catch(() => []) : [];
  const seen = new Set(columns);
  let total = 0;
  let checked = format === 'csv';
  if (checked) await checkColumns(d, columns, op, opts.externalId, describeOf, file);
  for await (const raw of readRecordFile(file)) {
    const flat = format === 'csv' ? raw : flattenRecord(raw);
    if (format !== 'csv') {
      for (const k of Object.keys(flat)) if (!seen.has(k)) { seen.add(k); columns.push(k); checked = false; }
      if (!checked) { await checkColumns(d, columns, op, opts.externalId, describeOf, file); checked = true; }
    }
    validateRow(model, op, flat, format, total, file);
    total++;
  }
  if (total === 0) throw new CliError(`${file}: no records to load`);
  columns = [...columns];
  return { columns, total };
}

function validateRow(model: SObjectModel<any>, op: LoadOperation, row: Row, format: RecordFileFormat, index: number, file: string): void {
  if (op === 'delete') {
    const id = Object.entries(row).find(([k]) => k.toLowerCase() === 'id')?.[1];
    if (typeof id !== 'string' || !/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(id)) {
      throw new CliError(`${file}: row ${index + 1}: Id ${JSON.stringify(id ?? null)} is not a record id`);
    }
    return;
  }
  try {
    model.validate(typedRecord(model, row, format), op, index);
  } catch (e) {
    throw new CliError(`${file}: row ${index + 1}: ${(e as Error).message}`);
  }
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

async function* flatRows(file: string, format: RecordFileFormat): AsyncGenerator<Row> {
  for await (const raw of readRecordFile(file)) yield format === 'csv' ? raw : flattenRecord(raw);
}

/** Bulk API 2.0: rows go up as read; result rows are streamed into the result files. */
async function bulkLoad(client: SalesforceClient, sobject: string, op: LoadOperation, file: string, format: RecordFileFormat,
  columns: string[], opts: LoadOptions, results: ResultFiles, run: RunState, progress: (n: number) => void): Promise<void> {
  const events$: Observable<BulkIngestEvent<Row>> = bulkIngest$<Row>(sobject, op, flatRows(file, format), {
    client, results: 'stream', externalIdField: op === 'upsert' ? opts.externalId : undefined,
    columns: op === 'delete' ? undefined : columns, polling: { initialMs: 200, factor: 1.5, maxMs: 5_000 },
  });
  const resultRow = (r: ResultRow, extra: Row): Row => ({ ...r.row, ...extra });
  let processed = 0;
  await new Promise<void>((resolve, reject) => {
    let chain = Promise.resolve();
    const sub = events$.subscribe({
      next: e => {
        if (e.type === 'job') {
          run.jobId = e.job.id;
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
        chain.catch(err => { sub.unsubscribe(); reject(err); });
      },
      error: reject,
      complete: () => chain.then(resolve, reject),
    });
  });
}

/** sObject Collections: the file in slices; each slice's results are in input order, matched to their rows. */
async function restLoad(client: SalesforceClient, model: SObjectModel<any>, op: LoadOperation, file: string,
  format: RecordFileFormat, opts: LoadOptions, results: ResultFiles, run: RunState, progress: (n: number) => void): Promise<void> {
  const list = { client, batchSize: opts.batchSize ?? 200, concurrency: opts.concurrency ?? 5, continueOnError: true };
  const slice = Math.max(list.batchSize * list.concurrency * 4, 1_000);
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
  for await (const r of flatRows(file, format)) {
    rows.push(r);
    if (rows.length >= slice) await flush();
  }
  await flush();
}

function idOf(row: Row): string {
  return String(Object.entries(row).find(([k]) => k.toLowerCase() === 'id')?.[1] ?? '');
}
