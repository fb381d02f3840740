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

/**
 * An upload part was sent and its answer lost (the connection dropped, no answer in time), so the job may hold it once
 * or not at all. That job was aborted before it was closed, and Salesforce processes a job's data only once it is
 * closed: none of its records were loaded. `rerun` says whether a second job was tried (the input could be read
 * again) and was interrupted too; `jobIds` lists every aborted job.
 */
export class BulkIngestInterruptedError extends Error {
  override readonly name = 'BulkIngestInterruptedError';
  constructor(readonly jobIds: string[], readonly rerun: boolean, override readonly cause: Error) {
    super(rerun
      ? `Bulk jobs ${jobIds.join(' and ')} were aborted, each after an upload part was sent and its answer lost ` +
        `(last: ${cause.message}); neither job was closed, so nothing was loaded. Send the records again.`
      : `Bulk job ${jobIds[0]} was aborted after an upload part was sent and its answer lost (${cause.message}); the job ` +
        'was never closed, so nothing was loaded. The input can be read only once (an iterator, async iterable or ' +
        'Observable; see the `replayable` option), so the ingest was not run again: send the records again.');
  }
}
