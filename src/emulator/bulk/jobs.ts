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

export interface BulkOptions {
  /** Records processed per second, so jobs really pass through InProgress (default 50,000). */
  recordsPerSecond: number;
  /** Fault injection: true when this record should fail with UNABLE_TO_LOCK_ROW. */
  rollLock: () => boolean;
}

export const DEFAULT_BULK_OPTIONS: BulkOptions = { recordsPerSecond: 50_000, rollLock: () => false };

/** The bulk side of one emulated org: jobs in creation order and a private temp directory for their data. */
export class BulkEngine {
  readonly jobs = new Map<string, Job>();
  private root: string | undefined;
  private disposed = false;

  constructor(readonly store: OrgStore, readonly options: BulkOptions) {}

  /** A fresh directory for one job's uploads and results. */
  jobDir(id: string): string {
    this.root ??= mkdtempSync(join(tmpdir(), 'rxforce-bulk-'));
    const dir = join(this.root, id);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Drops a job and its files. */
  remove(job: Job): void {
    this.jobs.delete(job.id);
    rmSync(job.dir, { recursive: true, force: true });
  }

  /** Stops every job and removes every temp file (emulator stop). */
  dispose(): void {
    this.disposed = true;
    this.jobs.clear();
    if (this.root) rmSync(this.root, { recursive: true, force: true });
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
      recordsPerSecond: rate !== undefined && rate > 0 ? rate : DEFAULT_BULK_OPTIONS.recordsPerSecond });
    engines.set(store, engine);
  }
  return engine;
}

/** Disposes the engine of a store, if any (called when the emulator stops). */
export function disposeBulkEngine(store: OrgStore): void {
  engines.get(store)?.dispose();
  engines.delete(store);
}
