/**
 * Processes ingest jobs asynchronously: the uploaded CSV is streamed from disk row by row, each row goes through
 * the store's DML (same validation as REST), results are appended to files slice by slice, and the job's counters
 * grow while it is InProgress. Abort stops at the next slice and leaves the rest as unprocessed records.
 */
import { appendFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CsvError } from 'csv-parse';
import { applyRow, type RowContext, type RowOutcome } from './applyRow.js';
import { JobFailure, resolveColumns, type Column } from './columns.js';
import { openCsv, readHeader } from './csvRead.js';
import { csvLine, type Dialect } from './dialect.js';
import { touch, type BulkEngine, type IngestJob } from './jobs.js';
import { Pacer } from './pacer.js';
import { DML_CHUNK_ROWS, duplicateOutcome, keyReader, repeatedRows } from './duplicates.js';

export const SUCCESS_FILE = 'successfulResults.csv';
export const FAILED_FILE = 'failedResults.csv';

/** A cell quoted always, as result files carry values; null-like empties stay bare. */
function quoted(v: string): string {
  return v === '' ? '' : `"${v.replace(/"/g, '""')}"`;
}

function resultLine(first: string, second: string, values: readonly string[], d: Dialect): string {
  return [quoted(first), quoted(second), ...values.map(quoted)].join(d.delimiter) + d.eol;
}

/** Result header: `"sf__Id","sf__Created"` (or `"sf__Error"`) then the original columns as uploaded. */
export function resultHeaderLine(second: 'sf__Created' | 'sf__Error', header: readonly string[] | undefined,
  d: Dialect): string {
  const original = header && header.length ? d.delimiter + csvLine(header, d).slice(0, -d.eol.length) : '';
  return `"sf__Id"${d.delimiter}"${second}"${original}${d.eol}`;
}

/** Writes header-only result files, so results are readable from the moment the job leaves Open. */
export async function initResultFiles(job: IngestJob): Promise<void> {
  const ok = resultHeaderLine('sf__Created', job.resultHeader, job.dialect);
  const bad = resultHeaderLine('sf__Error', job.resultHeader, job.dialect);
  await writeFile(join(job.dir, SUCCESS_FILE), ok);
  await writeFile(join(job.dir, FAILED_FILE), bad);
  job.resultBytes = { success: Buffer.byteLength(ok), failed: Buffer.byteLength(bad) };
}

/** For each result column, the index of that column in an upload's header (-1 when absent). */
function columnMap(resultHeader: readonly string[], header: readonly string[]): number[] | undefined {
  if (resultHeader.length === header.length && resultHeader.every((h, i) => h === header[i])) return undefined;
  const lower = header.map(h => h.toLowerCase());
  return resultHeader.map(h => lower.indexOf(h.toLowerCase()));
}

const stillOurs = (engine: BulkEngine, job: IngestJob): boolean => engine.owns(job);

class ResultBuffer {
  private ok: string[] = [];
  private bad: string[] = [];
  private failed = 0;
  /** Where the last added row was: published with the counters, so unprocessed records start where they stop. */
  private reached: IngestJob['position'] | undefined;

  constructor(private readonly job: IngestJob) {}

  add(outcome: RowOutcome, echoed: readonly string[], at: IngestJob['position']): void {
    this.reached = at;
    const d = this.job.dialect;
    if (outcome.ok) this.ok.push(resultLine(outcome.id, String(outcome.created), echoed, d));
    else {
      this.bad.push(resultLine(outcome.id, outcome.error, echoed, d));
      this.failed++;
    }
  }

  /**
   * Appends buffered rows to the result files and publishes the counters in one turn of the event loop, so no request
   * (an abort, a status read, a results download) ever sees rows applied to the org but missing from files or counters.
   */
  flush(): void {
    const n = this.ok.length + this.bad.length;
    if (n === 0) return;
    const [ok, bad, failed] = [this.ok, this.bad, this.failed];
    this.ok = [];
    this.bad = [];
    this.failed = 0;
    if (ok.length) {
      const text = ok.join('');
      appendFileSync(join(this.job.dir, SUCCESS_FILE), text);
      this.job.resultBytes.success += Buffer.byteLength(text);
    }
    if (bad.length) {
      const text = bad.join('');
      appendFileSync(join(this.job.dir, FAILED_FILE), text);
      this.job.resultBytes.failed += Buffer.byteLength(text);
    }
    this.job.numberRecordsProcessed += n;
    this.job.numberRecordsFailed += failed;
    if (this.reached) this.job.position = this.reached;
  }
}

function csvFailureMessage(e: CsvError): string {
  // Wording unconfirmed: Salesforce reports unparsable job data as an InvalidBatch failure of the job.
  return `InvalidBatch : Failed to parse CSV: ${e.message}`;
}

/** A row whose value count differs from the header fails on its own (wording unconfirmed). */
const wrongCount = (got: number, want: number): RowOutcome => ({ ok: false, id: '',
  error: `INVALID_FIELD:Number of values (${got}) does not match the number of columns in the header (${want})` });

/** The injected lock contention Salesforce reports when parallel chunks touch the same parent. */
const lockFailure = (): RowOutcome => ({ ok: false, id: '',
  error: 'UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record or 1 records' });

/**
 * Starts processing on a later tick, holding the job's files until it ends. Never rejects: a job deleted or an
 * emulator stopped under it just stops.
 */
export function startIngest(engine: BulkEngine, job: IngestJob): void {
  const release = engine.hold(job);
  setImmediate(() => {
    const run = engine.owns(job) && job.state === 'UploadComplete' ? processIngest(engine, job) : Promise.resolve();
    run.catch(() => undefined).finally(release);
  });
}

/** Runs one ingest job from UploadComplete to JobComplete, Failed or Aborted. */
export async function processIngest(engine: BulkEngine, job: IngestJob): Promise<void> {
  const started = engine.options.clock.now();
  job.state = 'InProgress';
  touch(job);
  const results = new ResultBuffer(job);
  try {
    if (job.uploads.length === 0) throw new JobFailure('InvalidBatch : No data uploaded for the job');
    const headers: string[][] = [];
    for (const file of job.uploads) headers.push(await readHeader(file, job.dialect));
    const object = engine.store.schema.get(job.object);
    if (!object) throw new JobFailure(`InvalidBatch : Unknown object: ${job.object}`);
    const columns: Column[][] = headers.map(h => resolveColumns(h, object, engine.store.schema, job.operation));
    const pacer = new Pacer(engine.options.recordsPerSecond, engine.options.clock, ms => engine.sleep(ms));
    const resultHeader = job.resultHeader ?? headers[0];

    for (let u = job.position.upload; u < job.uploads.length; u++) {
      // rows are written as the job's creator, as Salesforce runs a job as the user who created it
      const ctx: RowContext = { store: engine.store.actingAs(job.createdById), object: object.name, operation: job.operation,
        externalIdFieldName: job.externalIdFieldName, columns: columns[u] };
      const map = columnMap(resultHeader, headers[u]);
      const keyOf = keyReader(job.operation, columns[u], job.externalIdFieldName);
      // rows are applied a chunk at a time: a key repeated within a chunk fails every row that carries it
      let chunk: { values: string[]; row: number }[] = [];
      /** Applies the chunk's rows; false when the job stopped being processed under it (aborted, deleted). */
      const applyChunk = async (): Promise<boolean> => {
        // an abort or delete that landed while the file was read stops the job before its next row
        if (!stillOurs(engine, job) || job.state !== 'InProgress') return false;
        const rows = chunk;
        chunk = [];
        const repeated = keyOf ? repeatedRows(rows.map(r => r.values), keyOf) : undefined;
        for (let i = 0; i < rows.length; i++) {
          const { values, row } = rows[i];
          const outcome: RowOutcome = values.length !== columns[u].length ? wrongCount(values.length, columns[u].length)
            : repeated?.has(i) ? duplicateOutcome(job.operation, columns[u], job.externalIdFieldName, values)
              : engine.options.rollLock() ? lockFailure()
                : applyRow(ctx, values);
          results.add(outcome, map ? map.map(c => (c >= 0 ? values[c] ?? '' : '')) : values, { upload: u, row });
          const pause = pacer.tick();
          if (pause) {
            results.flush();
            touch(job);
            await pause;
            if (!stillOurs(engine, job) || job.state !== 'InProgress') return false;
          }
        }
        // published before the parser yields, so every row applied is in the files before any other request runs
        results.flush();
        return true;
      };
      const parser = openCsv(job.uploads[u], job.dialect);
      let row = -1;
      try {
        for await (const values of parser as AsyncIterable<string[]>) {
          if (row++ === -1) continue;
          chunk.push({ values, row });
          if (chunk.length >= DML_CHUNK_ROWS && !(await applyChunk())) return;
        }
        if (!(await applyChunk())) return;
      } finally {
        parser.destroy();
      }
      job.position = { upload: u + 1, row: 0 };
    }
    results.flush();
    job.state = 'JobComplete';
  } catch (e) {
    if (!stillOurs(engine, job)) return;
    try {
      results.flush();
    } catch {
      // the job fails below whatever became of its result files
    }
    job.state = 'Failed';
    job.errorMessage = e instanceof JobFailure ? e.message
      : e instanceof CsvError ? csvFailureMessage(e)
        : `InternalServerError : ${(e as Error).message}`;
  } finally {
    if (stillOurs(engine, job)) {
      job.totalProcessingTime = Math.round(engine.options.clock.now() - started);
      touch(job);
    }
  }
}
