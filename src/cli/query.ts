/**
 * `rxforce query`: streams a query's rows to stdout or a file in constant memory. Pages are pulled one at a time and
 * the next is requested only after the previous one was written and the output stream drained.
 */
import { once } from 'node:events';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { lastValueFrom, takeLast } from 'rxjs';
import type { SalesforceClient } from '../client/client.js';
import { BulkQueryJob } from '../sources/bulk/queryJob.js';
import { BulkJobAbortedError, BulkJobFailedError } from '../sources/bulk/errors.js';
import { openFileOutput, RecordWriter, type RecordFileFormat } from '../node/files.js';
import { flatRow, soqlColumns, type Column } from './columns.js';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';
import { TableWriter } from './table.js';

export type OutputFormat = 'table' | RecordFileFormat;
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'csv', 'json', 'ndjson'];

export interface QueryCommandOptions {
  bulk?: boolean;
  format?: OutputFormat;
  out?: string;
  all?: boolean;
  /** Rows per bulk result page (memory is bounded by one page). Default 10,000. */
  pageSize?: number;
}

/** Where rows go: a record writer (csv/json/ndjson) or a terminal table. */
interface Sink {
  begin(): Promise<void>;
  write(rows: Record<string, unknown>[]): Promise<void>;
  finish(): Promise<void>;
}

function sinkFor(format: OutputFormat, columns: readonly Column[], out: NodeJS.WritableStream): Sink {
  const headers = columns.map(c => c.header);
  if (format === 'table') {
    const table = new TableWriter(out, headers);
    let n = 0;
    return {
      begin: async () => undefined,
      write: async rows => {
        n += rows.length;
        table.write(rows.map(r => headers.map(h => cellText(r[h]))));
        if ((out as NodeJS.WritableStream & { writableNeedDrain?: boolean }).writableNeedDrain) await once(out, 'drain');
      },
      finish: async () => table.finish(n),
    };
  }
  const writer = new RecordWriter(out, format, headers);
  return { begin: () => writer.begin(), write: rows => writer.write(rows), finish: async () => { await writer.finish(); } };
}

const cellText = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Runs the query and writes every row; resolves with the row count. */
export async function runQuery(client: SalesforceClient, soql: string, opts: QueryCommandOptions, io: CliIo): Promise<number> {
  const columns = soqlColumns(soql);
  const format = opts.format ?? (opts.out ? formatOfPath(opts.out) : io.stdoutIsTTY ? 'table' : 'csv');
  if (!OUTPUT_FORMATS.includes(format)) throw new CliError(`unknown --format ${format}: use ${OUTPUT_FORMATS.join(', ')}`);
  // --out goes to a sibling temp file renamed into place once whole: a refused query never clobbers the old file
  const partial = opts.out ? join(dirname(opts.out), `.${basename(opts.out)}.${process.pid}.partial`) : undefined;
  const file = partial ? await openFileOutput(partial).catch((e: NodeJS.ErrnoException) => {
    throw new CliError(`${opts.out}: cannot write here (${e.code ?? e.message})`);
  }) : undefined;
  const sink = sinkFor(format, columns, file?.stream ?? io.stdout);
  let count = 0;
  let begun = false;
  // the header (or `[`) waits for the org's first answer, so a refused query prints nothing on stdout
  const begin = async () => {
    if (!begun) await sink.begin();
    begun = true;
  };
  try {
    const write = async (rows: Record<string, unknown>[]) => {
      await begin();
      count += rows.length;
      await sink.write(rows);
    };
    if (opts.bulk) await bulkRows(client, soql, columns, opts, write);
    else await restRows(client, soql, columns, opts, write);
    await begin();
    await sink.finish();
  } catch (err) {
    if (file) await file.close().catch(() => undefined);
    if (partial) await rm(partial, { force: true });
    throw err;
  }
  if (file) {
    await file.close();
    await rename(partial!, opts.out!);
  }
  return count;
}

function formatOfPath(path: string): OutputFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  return 'csv';
}

interface QueryPage { done: boolean; nextRecordsUrl?: string; records: Record<string, unknown>[] }

/** REST query: one page in memory at a time (`nextRecordsUrl` only once the previous page is written). */
async function restRows(client: SalesforceClient, soql: string, columns: readonly Column[], opts: QueryCommandOptions,
  write: (rows: Record<string, unknown>[]) => Promise<void>): Promise<void> {
  let page = (await client.request<QueryPage>({ method: 'GET', path: opts.all ? 'queryAll' : 'query', params: { q: soql } })).data;
  for (;;) {
    await write(page.records.map(r => flatRow(r, columns)));
    if (page.done || !page.nextRecordsUrl) return;
    page = (await client.request<QueryPage>({ method: 'GET', url: page.nextRecordsUrl })).data;
  }
}

/** Bulk query: create the job, wait for it, then pull result pages by locator, one page in memory at a time. */
async function bulkRows(client: SalesforceClient, soql: string, columns: readonly Column[], opts: QueryCommandOptions,
  write: (rows: Record<string, unknown>[]) => Promise<void>): Promise<void> {
  const job = await lastValueFrom(BulkQueryJob.create$({ query: soql, all: opts.all }, { client }));
  const info = await lastValueFrom(job.poll$({ polling: { initialMs: 250, factor: 1.5, maxMs: 5_000 } }).pipe(takeLast(1)));
  if (info.state === 'Failed') throw new BulkJobFailedError(info);
  if (info.state === 'Aborted') throw new BulkJobAbortedError(info);
  let locator: string | undefined;
  for (;;) {
    const res = await client.request<string>({
      method: 'GET', path: `jobs/query/${job.id}/results`, responseType: 'text', transfer: true,
      params: { locator, maxRecords: opts.pageSize ?? 10_000 },
    });
    const text = String(res.data ?? '');
    const rows = text ? parseCsv(text, { columns: true, bom: true, relax_column_count: true }) as Record<string, string>[] : [];
    await write(rows.map(r => bulkRow(r, columns)));
    const next = headerOf(res.headers, 'sforce-locator');
    if (!next || next === 'null') return;
    locator = next;
  }
}

/** A bulk CSV row keyed by the query's headers (bulk has no null: an empty cell is null). */
function bulkRow(row: Record<string, string>, columns: readonly Column[]): Record<string, unknown> {
  const byLower = new Map(Object.keys(row).map(k => [k.toLowerCase(), k]));
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const key = byLower.get(c.header.toLowerCase());
    const v = key === undefined ? undefined : row[key];
    out[c.header] = v === undefined || v === '' ? null : v;
  }
  return out;
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find(k => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}
