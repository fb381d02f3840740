import type { JobInfo } from './types.js';

/** The job ended in state Failed; `errorMessage` is Salesforce's reason. */
export class BulkJobFailedError extends Error {
  override readonly name = 'BulkJobFailedError';
  readonly jobId: string;
  readonly errorMessage: string;
  constructor(readonly job: JobInfo) {
    super(`Bulk job ${job.id} failed: ${job.errorMessage ?? 'no reason given'}`);
    this.jobId = job.id;
    this.errorMessage = job.errorMessage ?? '';
  }
}

/** The job was aborted (by someone else, or before this subscriber came). */
export class BulkJobAbortedError extends Error {
  override readonly name = 'BulkJobAbortedError';
  readonly jobId: string;
  constructor(readonly job: JobInfo) {
    super(`Bulk job ${job.id} was aborted`);
    this.jobId = job.id;
  }
}

/**
 * The client stopped waiting (`timeoutMs`). The job is still running on the server: resume it with
 * `BulkIngestJob.attach(err.jobId)` or `bulkQueryJob(err.jobId)`.
 */
export class BulkTimeoutError extends Error {
  override readonly name = 'BulkTimeoutError';
  constructor(readonly jobId: string, readonly lastState: JobInfo['state'] | undefined, readonly timeoutMs: number, readonly job?: JobInfo) {
    super(`Stopped waiting for bulk job ${jobId} after ${timeoutMs} ms (last state ${lastState ?? 'unknown'}); the job keeps running`);
  }
}
