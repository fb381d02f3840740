/**
 * Node-only CSV sources for bulk ingest: a CSV file as an async iterable of records (read and parsed as a stream, so
 * a file of millions of rows is never in memory) for `bulkInsert$` and friends, and raw CSV uploaded byte for byte.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { concat, concatMap, defer, EMPTY, finalize, from, map, Observable, switchMap } from 'rxjs';
import { BulkInputError, finalEvent, REPLAYABLE, runIngestJob$, type BulkIngestOptions, type IngestSource } from '../sources/bulk/bulkIngest.js';
import type { BulkIngestJob } from '../sources/bulk/ingestJob.js';
import { Reconciler } from '../sources/bulk/reconcile.js';
import { rowKey } from '../sources/bulk/rows.js';
import type { BulkIngestEvent, BulkIngestFinal, IngestOperation } from '../sources/bulk/types.js';
import { putPart$ } from '../sources/bulk/partResend.js';
import { MAX_PART_BYTES, type UploadEvent } from '../sources/bulk/upload.js';
import { DELIMITERS, parseCsv, type ColumnDelimiter, type CsvDialect } from '../util/csv.js';

export interface CsvFileOptions {
  columnDelimiter?: ColumnDelimiter;
  /** File encoding. Default utf8 (a BOM is skipped). */
  encoding?: BufferEncoding;
}

/**
 * Records of a CSV file with a header row, as strings keyed by header (relationship headers like
 * `Account.External_Id__c` pass through as columns). Pulled lazily: the upload reads the next rows only when it
 * needs them.
 *
 * @example
 * import { csvFileRecords } from 'rxforce/node';
 * await bulkInsert('Account', csvFileRecords('accounts.csv'), { client, results: 'stream' });
 */
export function csvFileRecords(path: string, opts: CsvFileOptions = {}): AsyncIterable<Record<string, string>> {
  const records: AsyncIterable<Record<string, string>> & { [REPLAYABLE]: true } = {
    // each iteration opens the file again, so an interrupted bulk upload can run again from the first record
    [REPLAYABLE]: true,
    [Symbol.asyncIterator]() {
      const parser = createReadStream(path, { encoding: opts.encoding ?? 'utf8' }).pipe(parse({
        columns: true, bom: true, delimiter: DELIMITERS[opts.columnDelimiter ?? 'COMMA'], relax_column_count: false,
      }));
      return parser[Symbol.asyncIterator]() as AsyncIterator<Record<string, string>>;
    },
  };
  return records;
}

/** One row of a raw CSV upload, as results are matched back to it. */
export interface CsvRow {
  /** 1-based position among the data rows (the header is row 0). */
  row: number;
  /** The row's cells keyed by header, as parsed. */
  values: Record<string, string>;
}

export interface CsvIngestOptions extends Omit<BulkIngestOptions, 'columns' | 'headerSample'> {
  /** External id field of an upsert. */
  externalIdField?: string;
}

/** A raw CSV source: a file path, a Node Readable, or any async iterable of byte (or string) chunks. */
export type CsvSource = string | AsyncIterable<Uint8Array | string>;

interface RawPart { bytes: Buffer; records: number }

const QUOTE = 0x22;
const LF = 0x0a;

/**
 * Cuts a byte stream at record ends (a LF outside quotes; a doubled quote toggles twice, so counting quotes is
 * enough, and UTF-8 never uses these bytes inside a character), then packs records into parts of at most
 * `partSizeBytes`, each starting with the header exactly as read. `onRecord` sees each data record's bytes.
 */
async function* rawParts(source: AsyncIterable<Uint8Array | string>, partSizeBytes: number,
  onRecord: (record: Buffer) => void): AsyncGenerator<RawPart> {
  let header: Buffer | undefined;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let records = 0;
  let carry: Buffer = Buffer.alloc(0);
  let inQuotes = false;
  let scanned = 0;
  const take = function* (record: Buffer): Generator<RawPart> {
    if (!header) { header = record; return; }
    if (record.length === 0 || record.equals(Buffer.from('\n')) || record.equals(Buffer.from('\r\n'))) return;
    if (records > 0 && header.length + pendingBytes + record.length > partSizeBytes) {
      yield { bytes: Buffer.concat([header, ...pending]), records };
      pending = []; pendingBytes = 0; records = 0;
    }
    onRecord(record);
    pending.push(record); pendingBytes += record.length; records++;
  };
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    carry = carry.length ? Buffer.concat([carry, bytes]) : bytes;
    let start = 0;
    for (let i = scanned; i < carry.length; i++) {
      const b = carry[i];
      if (b === QUOTE) inQuotes = !inQuotes;
      else if (b === LF && !inQuotes) {
        yield* take(carry.subarray(start, i + 1));
        start = i + 1;
      }
    }
    carry = Buffer.from(carry.subarray(start));   // a copy, so the chunk it came from can go
    scanned = carry.length;
  }
  if (carry.length) {
    // the last record has no line end: give it one, as Salesforce reads the header's line ending
    const eol = header && header.length > 1 && header[header.length - 2] === 0x0d ? '\r\n' : '\n';
    yield* take(Buffer.concat([carry, Buffer.from(header ? eol : '')]));
  }
  if (records > 0) yield { bytes: Buffer.concat([header!, ...pending]), records };
}

/**
 * Bulk ingest from raw CSV: the bytes are uploaded as they are (never parsed and re-written), cut at record ends into
 * parts of at most `partSizeBytes`, read only as each part is needed. With `results: 'collect'` (default) each result
 * is matched back to its input row (the row is parsed, and kept, for that); `results: 'stream'` keeps nothing.
 *
 * @example
 * import { bulkIngestCsv$ } from 'rxforce/node';
 * bulkIngestCsv$('Account', 'insert', 'accounts.csv', { client }).subscribe(e => console.log(e.type));
 * @param source a file path, a Readable or an async iterable of chunks; UTF-8, header row first
 */
export function bulkIngestCsv$(object: string, operation: IngestOperation, source: CsvSource,
  opts: CsvIngestOptions = {}): Observable<BulkIngestEvent<CsvRow>> {
  return defer(() => {
    const collect = (opts.results ?? 'collect') === 'collect';
    const partSizeBytes = Math.min(opts.partSizeBytes ?? MAX_PART_BYTES, MAX_PART_BYTES);
    const dialect = { columnDelimiter: opts.columnDelimiter, lineEnding: opts.lineEnding };
    // a file is read again from its start for a re-run; a Readable or an async iterable is read once
    const replayable = opts.replayable ?? typeof source === 'string';
    const opened: AsyncGenerator<RawPart>[] = [];
    const close = (parts: AsyncGenerator<RawPart>) => { void parts.return(undefined).catch(() => undefined); };

    /** One reading of the source: the first part (and so the header) read before a job is created. */
    const source$ = (): Observable<IngestSource<CsvRow>> => defer(() => {
      for (const earlier of opened.splice(0)) close(earlier);
      const input = typeof source === 'string' ? createReadStream(source) : source;
      let columns: string[] | undefined;
      let row = 0;
      let reconciler: Reconciler<CsvRow> | undefined;
      const onRecord = (record: Buffer): void => {
        row++;
        if (!reconciler || !columns) return;                 // the first part's rows are added with it

        const cells = parseCsv(record.toString('utf8'), dialect)[0] ?? [];
        const values: Record<string, string> = {};
        columns.forEach((c, i) => { values[c] = cells[i] ?? ''; });
        reconciler.add({ row, values }, rowKey(columns.map((_c, i) => cells[i] ?? '')));
      };
      const parts = rawParts(input, partSizeBytes, onRecord);
      opened.push(parts);
      // The header is read (the first part's worth of the source) before the job is created: an empty file fails first.
      return from(parts.next()).pipe(map((next): IngestSource<CsvRow> => {
        if (next.done) throw new BulkInputError(object, 'the CSV has no data rows');
        const first = next.value;
        columns = headerOf(first, dialect);
        if (collect) {
          reconciler = new Reconciler<CsvRow>(columns);
          // rows of the first part were seen before the reconciler existed: count them in now
          reconcileFirst(first, columns, dialect, reconciler);
        }
        const total = { bytes: 0, records: 0 };
        let number = 0;
        const upload$ = (job: BulkIngestJob): Observable<UploadEvent> => {
          const put$ = (part: RawPart): Observable<UploadEvent> => new Observable<UploadEvent>(subscriber => putPart$({
            part: ++number, send: () => job.upload$(part.bytes, { retry: false }), config: job.client.retryConfig,
            scheduler: opts.scheduler ?? job.client.scheduler, onResend: e => subscriber.next({ type: 'partResent', ...e }),
          }).subscribe({
            error: (e: unknown) => subscriber.error(e),
            complete: () => {
              total.bytes += part.bytes.length; total.records += part.records;
              subscriber.next({ type: 'upload', ...total });
              subscriber.complete();
            },
          }));
          const rest$: Observable<UploadEvent> = defer(() => from(parts.next())).pipe(
            concatMap(more => (more.done ? EMPTY : concat(put$(more.value), rest$))),
          );
          return concat(put$(first), rest$);
        };
        return { reconciler, upload$, replay: replayable ? source$ : undefined };
      }));
    });

    return source$().pipe(
      switchMap(first => runIngestJob$<CsvRow>(object, operation, opts, first)),
      finalize(() => { for (const parts of opened.splice(0)) close(parts); }),
    );
  });
}

/** The header row's cells, from the first part. */
function headerOf(part: RawPart, dialect: CsvDialect): string[] {
  const text = part.bytes.toString('utf8').replace(/^\uFEFF/, '');
  return parseCsv(text.slice(0, text.search(/\r?\n/) + 1) || text, dialect)[0] ?? [];
}

/** The first part's rows, added to the reconciler once the header is known. */
function reconcileFirst(part: RawPart, columns: string[], dialect: CsvDialect, reconciler: Reconciler<CsvRow>): void {
  const rows = parseCsv(part.bytes.toString('utf8').replace(/^\uFEFF/, ''), dialect).slice(1);
  rows.forEach((cells, i) => {
    const values: Record<string, string> = {};
    columns.forEach((c, j) => { values[c] = cells[j] ?? ''; });
    reconciler.add({ row: i + 1, values }, rowKey(columns.map((_c, j) => cells[j] ?? '')));
  });
}

/** Promise twin of `bulkIngestCsv$`: the final `result` (or `summary` with `results: 'stream'`). */
export function bulkIngestCsv(object: string, operation: IngestOperation, source: CsvSource,
  opts: CsvIngestOptions = {}): Promise<BulkIngestFinal<CsvRow>> {
  return finalEvent(bulkIngestCsv$(object, operation, source, opts));
}
