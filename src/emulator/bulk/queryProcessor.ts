/**
 * Runs bulk query jobs: rows come lazily from the SOQL engine, are written as CSV to the job's result file at the
 * configured rate, with each row's byte offset kept so that every page (locator) can be served again later.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { csvLine, type Dialect } from './dialect.js';
import { touch, type BulkEngine, type QueryJob } from './jobs.js';
import { Pacer } from './pacer.js';

/** Flat rows in SELECT column order: wire values (strings, numbers, booleans, null). */
export interface BulkQueryRows {
  columns: string[];
  rows: Iterable<readonly unknown[]>;
}

/** Result cell: quoted, doubling inner quotes; null as an empty, unquoted string. */
function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return `"${s.replace(/"/g, '""')}"`;
}

export function queryRowLine(values: readonly unknown[], d: Dialect): string {
  return values.map(cell).join(d.delimiter) + d.eol;
}

export function queryHeaderLine(columns: readonly string[], d: Dialect): string {
  return csvLine(columns, d, true);
}

/**
 * Starts a query job on a later tick, holding its files until processing ends. Never rejects: a job deleted or an
 * emulator stopped under it just stops.
 */
export function startQuery(engine: BulkEngine, job: QueryJob, prepared: BulkQueryRows): void {
  const release = engine.hold(job);
  setImmediate(() => {
    const run = engine.owns(job) && job.state === 'UploadComplete' ? processQuery(engine, job, prepared) : Promise.resolve();
    run.catch(() => undefined).finally(release);
  });
}

/** Drives one query job from UploadComplete to JobComplete, Failed or Aborted. */
export async function processQuery(engine: BulkEngine, job: QueryJob, prepared: BulkQueryRows): Promise<void> {
  const clock = engine.options.clock;
  const started = clock.now();
  const ours = (): boolean => engine.owns(job);
  job.state = 'InProgress';
  touch(job);
  let file: FileHandle | undefined;
  try {
    file = await open(job.resultFile, 'w');
    const out = file;
    const { rows } = prepared;
    const pacer = new Pacer(engine.options.recordsPerSecond, clock, ms => engine.sleep(ms));
    let pending: string[] = [];
    let pendingBytes = 0;
    const flush = async (): Promise<void> => {
      if (!pending.length) return;
      const chunk = pending.join('');
      const n = pending.length;
      pending = [];
      await out.write(chunk);
      job.resultBytes += Buffer.byteLength(chunk);
      job.numberRecordsProcessed += n;
      pendingBytes = 0;
    };
    for (const values of rows) {
      const line = queryRowLine(values, job.dialect);
      job.rowOffsets.push(job.resultBytes + pendingBytes);
      pending.push(line);
      pendingBytes += Buffer.byteLength(line);
      const pause = pacer.tick();
      if (pause) {
        await flush();
        touch(job);
        await pause;
        if (!ours() || job.state !== 'InProgress') return;
      }
    }
    await flush();
    job.state = 'JobComplete';
  } catch (e) {
    if (!ours()) return;
    job.state = 'Failed';
    job.errorMessage = (e as Error).message;
  } finally {
    await file?.close().catch(() => undefined);
    if (ours()) {
      job.totalProcessingTime = Math.round(clock.now() - started);
      touch(job);
    }
  }
}
