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
import { columnsOfRecord, flatRow, isCountQuery, nestDotted, nestedRow, soqlColumns, type Column } from './columns.js';
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

function sinkFor(kind: OutputFormat | 'ndjson-nested', columns: readonly Column[], out: NodeJS.WritableStream, format: OutputFormat): Sink {
  const headers = columns.map(c => c.header);
  if (kind === 'ndjson-nested') {
    // rows arrive nested already: the writer only frames them (JSON array or one object a line)
    const writer = new RecordWriter(out, format as RecordFileFormat);
    return { begin: () => writer.begin(), write: rows => writer.write(rows), finish: async () => { await writer.finish(); } };
  }
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
  const format = opts.format ?? (opts.out ? formatOfPath(opts.out) : io.stdoutIsTTY ? 'table' : 'csv');
  if (!OUTPUT_FORMATS.includes(format)) throw new CliError(`unknown --format ${format}: use ${OUTPUT_FORMATS.join(', ')}`);
  // JSON and NDJSON nest relationship fields as Salesforce does; CSV and the table keep dotted columns
  const nested = format === 'json' || format === 'ndjson';
  // --out goes to a sibling temp file renamed into place once whole: a refused query never clobbers the old file
  const partial = opts.out ? join(dirname(opts.out), `.${basename(opts.out)}.${process.pid}.partial`) : undefined;
  const file = partial ? await openFileOutput(partial).catch((e: NodeJS.ErrnoException) => {
    throw new CliError(`${opts.out}: cannot write here (${e.code ?? e.message})`);
  }) : undefined;
  const out = file?.stream ?? io.stdout;
  // the header (or `[`) waits for the org's first answer, so a refused query prints nothing on stdout
  let sink: Sink | undefined;
  let count = 0;
  const open = async (columns: readonly Column[]): Promise<Sink> => {
    if (!sink) {
      sink = sinkFor(nested ? 'ndjson-nested' : format, columns, out, format);
      await sink.begin();
    }
    return sink;
  };
  const write = async (columns: readonly Column[], rows: Record<string, unknown>[]) => {
    const s = await open(columns);
    count += rows.length;
    await s.write(rows);
  };
  try {
    if (isCountQuery(soql) && !opts.bulk) {
      // COUNT() answers with totalSize and no records
      const page = (await client.request<QueryPage>({ method: 'GET', path: opts.all ? 'queryAll' : 'query', params: { q: soql } })).data;
      await write(COUNT_COLUMNS, [{ count: page.totalSize ?? 0 }]);
    } else if (opts.bulk) {
      await bulkRows(client, soql, soqlColumns(soql), opts, (columns, rows) =>
        write(columns, rows.map(r => (nested ? nestDotted(bulkRow(r, columns)) : bulkRow(r, columns)))));
    } else {
      await restRows(client, soql, soqlColumns(soql), opts, (columns, records) =>
        write(columns, records.map(r => (nested ? nestedRow(r, columns) : flatRow(r, columns)))));
    }
    await (await open(soqlColumns(soql) ?? [])).finish();
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

const COUNT_COLUMNS: readonly Column[] = [{ header: 'count', path: ['count'] }];

function formatOfPath(path: string): OutputFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  return 'csv';
}

interface QueryPage { done: boolean; totalSize?: number; nextRecordsUrl?: string; records: Record<string, unknown>[] }

/** REST query: one page in memory at a time (`nextRecordsUrl` only once the previous page is written). */
async function restRows(client: SalesforceClient, soql: string, parsed: Column[] | undefined, opts: QueryCommandOptions,
  write: (columns: readonly Column[], records: Record<string, unknown>[]) => Promise<void>): Promise<void> {
  let page = (await client.request<QueryPage>({ method: 'GET', path: opts.all ? 'queryAll' : 'query', params: { q: soql } })).data;
  const columns = parsed ?? (page.records[0] ? columnsOfRecord(page.records[0]) : []);
  for (;;) {
    await write(columns, page.records);
    if (page.done || !page.nextRecordsUrl) return;
    page = (await client.request<QueryPage>({ method: 'GET', url: page.nextRecordsUrl })).data;
  }
}

/** Bulk query: create the job, wait for it, then pull result pages by locator, one page in memory at a time. */
async function bulkRows(client: SalesforceClient, soql: string, parsed: Column[] | undefined, opts: QueryCommandOptions,
  write: (columns: readonly Column[], rows: Record<string, string>[]) => Promise<void>): Promise<void> {
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
    const columns = parsed ?? (rows[0] ? Object.keys(rows[0]).map(h => ({ header: h, path: h.split('.') })) : []);
    await write(columns, rows);
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
