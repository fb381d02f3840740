/** Bulk API 2.0 job records and the per-org engine that owns them, their temp files and their processing. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrgStore } from '../types.js';
import type { IngestOperation } from './columns.js';
import type { Dialect } from './dialect.js';

export type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

interface JobBase {
  id: string;
  object: string;
  createdById: string;
  createdDate: string;
  systemModstamp: string;
  state: JobState;
  dialect: Dialect;
  apiVersion: number;
  dir: string;
  errorMessage?: string;
  numberRecordsProcessed: number;
  totalProcessingTime: number;
}

export interface IngestJob extends JobBase {
  jobType: 'V2Ingest';
  operation: IngestOperation;
  externalIdFieldName?: string;
  assignmentRuleId?: string;
  numberRecordsFailed: number;
  /** One CSV file per accepted PUT, each with its own header row. */
  uploads: string[];
  /** Columns echoed in result files: the first upload's header, as uploaded. */
  resultHeader?: string[];
  /** Where processing stopped: rows of uploads[upload] before `row` are done (unprocessed records start there). */
  position: { upload: number; row: number };
  /** Bytes of each result file that hold whole rows (a download stops there, never inside a row being appended). */
  resultBytes: { success: number; failed: number };
}

export interface QueryJob extends JobBase {
  jobType: 'V2Query';
  operation: 'query' | 'queryAll';
  query: string;
  /** Result CSV (data rows only) and the byte offset of every row, so any locator can be served again. */
  resultFile: string;
  rowOffsets: number[];
  resultBytes: number;
  columns: string[];
}

export type Job = IngestJob | QueryJob;

/** Salesforce's datetime form, `2018-12-18T22:51:36.000+0000`. */
export function sfNow(): string {
  return new Date().toISOString().replace('Z', '+0000');
}

export function touch(job: Job): void {
  job.systemModstamp = sfNow();
}

/** The clock job processing is paced by: real timers by default, the emulator's scheduler when it has one. */
export interface BulkClock {
  now(): number;
  /** Resolves after `ms`; the engine may resolve it early (stop), so callers re-check their job afterwards. */
  sleep(ms: number): Promise<void>;
}

export const REAL_CLOCK: BulkClock = {
  now: () => performance.now(),
  sleep: ms => new Promise(resolve => (ms >= 1 ? setTimeout(resolve, ms) : setImmediate(resolve))),
};

export interface BulkOptions {
  /** Records processed per second, so jobs really pass through InProgress (default 50,000). */
  recordsPerSecond: number;
  /** Fault injection: true when this record should fail with UNABLE_TO_LOCK_ROW. */
  rollLock: () => boolean;
  /** Pacing clock (virtual time with the emulator's `scheduler` option). */
  clock: BulkClock;
}

export const DEFAULT_BULK_OPTIONS: BulkOptions = { recordsPerSecond: 50_000, rollLock: () => false, clock: REAL_CLOCK };

/**
 * The bulk side of one emulated org: jobs in creation order and a private temp directory for their data.
 *
 * A job's files are only removed once nothing uses them: processing, uploads and downloads each hold the job's
 * directory while they run, and deleting a job (or stopping the emulator) removes the job at once but its directory
 * only when the last holder lets go. So a read or a write can never find its file gone under it.
 */
export class BulkEngine {
  readonly jobs = new Map<string, Job>();
  private root: string | undefined;
  private disposed = false;
  /** Holders per job directory. */
  private readonly holds = new Map<string, number>();
  /** Directories to remove when their last holder lets go. */
  private readonly doomed = new Set<string>();
  /** Pending pacing waits, woken early on stop so processing ends and lets go of its files. */
  private readonly sleepers = new Set<() => void>();

  constructor(readonly store: OrgStore, readonly options: BulkOptions) {}

  /** A fresh directory for one job's uploads and results. */
  jobDir(id: string): string {
    if (this.disposed) throw new Error('The emulator has stopped');
    this.root ??= mkdtempSync(join(tmpdir(), 'rxforce-bulk-'));
    const dir = join(this.root, id);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Whether the job is still this engine's (not deleted, emulator not stopped). */
  owns(job: Job): boolean {
    return !this.disposed && this.jobs.get(job.id) === job;
  }

  /** Keeps the job's files until the returned release is called (once; later calls do nothing). */
  hold(job: Job): () => void {
    const dir = job.dir;
    this.holds.set(dir, (this.holds.get(dir) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.holds.get(dir) ?? 1) - 1;
      if (left > 0) {
        this.holds.set(dir, left);
        return;
      }
      this.holds.delete(dir);
      if (this.doomed.delete(dir)) this.removeDir(dir);
    };
  }

  /** Runs `work` while holding the job's files. */
  async using<T>(job: Job, work: () => Promise<T>): Promise<T> {
    const release = this.hold(job);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** A pacing wait on the engine's clock, cut short when the engine is disposed. */
  sleep(ms: number): Promise<void> {
    if (this.disposed) return Promise.resolve();
    return new Promise(resolve => {
      const wake = (): void => {
        if (this.sleepers.delete(wake)) resolve();
      };
      this.sleepers.add(wake);
      void this.options.clock.sleep(ms).then(wake, wake);
    });
  }

  /** Drops a job; its files go as soon as nothing holds them. */
  remove(job: Job): void {
    if (this.jobs.get(job.id) === job) this.jobs.delete(job.id);
    this.release(job.dir);
  }

  /** Stops every job and removes every temp file, each as soon as nothing holds it (emulator stop). */
  dispose(): void {
    this.disposed = true;
    for (const job of this.jobs.values()) this.release(job.dir);
    this.jobs.clear();
    for (const wake of [...this.sleepers]) wake();
    this.removeRootIfDone();
  }

  private release(dir: string): void {
    if (this.holds.has(dir)) this.doomed.add(dir);
    else this.removeDir(dir);
  }

  private removeDir(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
    this.removeRootIfDone();
  }

  private removeRootIfDone(): void {
    if (!this.disposed || this.holds.size > 0 || !this.root) return;
    rmSync(this.root, { recursive: true, force: true });
    this.root = undefined;
  }
}

const engines = new WeakMap<OrgStore, BulkEngine>();

/** The engine of an org's store, created on first use (options apply only then). */
export function bulkEngineFor(store: OrgStore, options?: Partial<BulkOptions>): BulkEngine {
  let engine = engines.get(store);
  if (!engine) {
    const rate = options?.recordsPerSecond;
    engine = new BulkEngine(store, { ...DEFAULT_BULK_OPTIONS, ...options,
      recordsPerSecond: rate !== undefined && rate > 0 ? rate : DEFAULT_BULK_OPTIONS.recordsPerSecond,
      clock: options?.clock ?? REAL_CLOCK, rollLock: options?.rollLock ?? DEFAULT_BULK_OPTIONS.rollLock });
    engines.set(store, engine);
  }
  return engine;
}

/** Disposes the engine of a store, if any (called when the emulator stops). */
export function disposeBulkEngine(store: OrgStore): void {
  engines.get(store)?.dispose();
  engines.delete(store);
}
