/**
 * Record files for Node: CSV, JSON and NDJSON readers and writers chosen by extension. Readers are async iterables
 * (CSV and NDJSON are parsed as a stream, so a file of millions of rows is never in memory); writers wait for the
 * file stream to drain, so a fast producer cannot outrun the disk.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { stringifyRows } from '../util/csv.js';

export type RecordFileFormat = 'csv' | 'json' | 'ndjson';

/** A file that cannot be read as records: names the file, the line when known, and the reason. */
export class FileFormatError extends Error {
  override name = 'FileFormatError';
  constructor(readonly path: string, readonly reason: string, readonly line?: number) {
    super(`${path}${line !== undefined ? `:${line}` : ''}: ${reason}`);
  }
}

/** `.csv`, `.json`, `.ndjson`/`.jsonl` → the format; anything else is an error naming the file. */
export function recordFileFormat(path: string): RecordFileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  throw new FileFormatError(path, `unknown file type "${ext || '(none)'}": use .csv, .json or .ndjson`);
}

/**
 * The records of a file by its extension. CSV cells are strings keyed by the header; JSON must be an array of
 * objects (read whole: a JSON array has no record boundaries to stream on); NDJSON is one object a line.
 *
 * @example
 * import { readRecordFile } from 'rxforce/node';
 * for await (const row of readRecordFile('accounts.csv')) console.log(row.Name);
 */
export function readRecordFile(path: string): AsyncIterable<Record<string, unknown>> {
  const format = recordFileFormat(path);
  if (format === 'csv') return readCsvFile(path);
  if (format === 'ndjson') return readNdjsonFile(path);
  return readJsonFile(path);
}

/** The header row of a CSV file (no data read beyond it). */
export async function csvFileHeader(path: string): Promise<string[]> {
  for await (const row of csvRowsOf(path, false)) return row as string[];
  return [];
}

function csvRowsOf(path: string, columns: boolean): AsyncIterable<unknown> {
  const parser = createReadStream(path, { encoding: 'utf8' }).pipe(parse({ columns, bom: true, relax_column_count: false }));
  return parser;
}

async function* readCsvFile(path: string): AsyncGenerator<Record<string, string>> {
  try {
    for await (const row of csvRowsOf(path, true)) yield row as Record<string, string>;
  } catch (e) {
    throw asFileError(path, e);
  }
}

async function* readNdjsonFile(path: string): AsyncGenerator<Record<string, unknown>> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (line.trim() === '') continue;
      let value: unknown;
      try { value = JSON.parse(line); } catch (e) { throw new FileFormatError(path, `invalid JSON (${(e as Error).message})`, n); }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new FileFormatError(path, 'each line must be a JSON object', n);
      yield value as Record<string, unknown>;
    }
  } catch (e) {
    throw asFileError(path, e);
  } finally {
    lines.close();
  }
}

async function* readJsonFile(path: string): AsyncGenerator<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(await fs.readFile(path, 'utf8'));
  } catch (e) {
    throw asFileError(path, e);
  }
  if (!Array.isArray(value)) throw new FileFormatError(path, 'expected a JSON array of records');
  for (const [i, v] of value.entries()) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new FileFormatError(path, `element ${i} is not a JSON object`);
    yield v as Record<string, unknown>;
  }
}

function asFileError(path: string, e: unknown): Error {
  if (e instanceof FileFormatError) return e;
  const err = e as Error & { code?: string; lines?: number };
  if (err.code === 'ENOENT') return new FileFormatError(path, 'no such file');
  if (err.code === 'EISDIR') return new FileFormatError(path, 'is a directory');
  if (err.code?.startsWith('CSV_')) return new FileFormatError(path, `broken CSV: ${err.message}`, err.lines);
  if (err instanceof SyntaxError) return new FileFormatError(path, `invalid JSON (${err.message})`);
  return err;
}

/** Writes records to a stream as CSV (header in the given column order), JSON (one array) or NDJSON. */
export class RecordWriter {
  private count = 0;

  constructor(private readonly out: NodeJS.WritableStream, readonly format: RecordFileFormat, private readonly columns: readonly string[] = []) {}

  /** Starts the output (the CSV header, the JSON `[`). */
  async begin(): Promise<void> {
    if (this.format === 'csv') await this.put(stringifyRows([this.columns]));
    else if (this.format === 'json') await this.put('[');
  }

  /** Writes rows of values (CSV: in column order) and resolves once the stream can take more. */
  async write(records: readonly Record<string, unknown>[]): Promise<void> {
    if (records.length === 0) return;
    let text: string;
    if (this.format === 'csv') {
      text = stringifyRows(records.map(r => this.columns.map(c => cellOf(r[c]))));
    } else if (this.format === 'ndjson') {
      text = records.map(r => `${JSON.stringify(r)}\n`).join('');
    } else {
      text = records.map((r, i) => `${this.count + i === 0 ? '\n' : ',\n'}${JSON.stringify(r)}`).join('');
    }
    this.count += records.length;
    await this.put(text);
  }

  /** Ends the output (the JSON `]`); the stream itself is left open. */
  async finish(): Promise<number> {
    if (this.format === 'json') await this.put(this.count === 0 ? ']\n' : '\n]\n');
    return this.count;
  }

  private async put(text: string): Promise<void> {
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
}

/** A CSV cell for an output file: null and undefined are empty, Dates ISO, objects JSON. */
function cellOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A file to write records into; `close()` flushes it and resolves once it is on disk. */
export async function openFileOutput(path: string): Promise<{ stream: NodeJS.WritableStream; close(): Promise<void> }> {
  const stream = createWriteStream(path, { encoding: 'utf8' });
  await once(stream, 'open');
  return {
    stream,
    close: () => new Promise<void>((resolve, reject) => {
      stream.once('error', reject);
      stream.end(() => resolve());
    }),
  };
}
