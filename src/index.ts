/**
 * rxforce: the Salesforce APIs as cold Observables, with Promise twins.
 *
 * Browser-safe: nothing here imports `node:` modules (checked by `npm run layers`). Node-only helpers live in
 * `rxforce/node`, the local org in `rxforce/emulator`, marble-testing helpers in `rxforce/testing`, and the Promise
 * twins alone in `rxforce/promise`.
 *
 * Everything of `rxforce/browser` (src/browser.ts: the client, models, SOQL and SOSL, records, queries, describe,
 * list operators, Composite, search, Apex REST), with Bulk API 2.0 and replication besides. This file and
 * src/browser.ts are the public surface, listed name by name: what the README documents and the types its
 * signatures need. A change here shows in `etc/rxforce.api.md` (`npm run api-report`).
 */

export * from './browser.js';

// Bulk API 2.0
export {
  bulkDelete, bulkDelete$, bulkHardDelete, bulkHardDelete$, bulkIngest$, BulkIngestJob, BulkInputError, bulkInsert,
  bulkInsert$, BulkIngestInterruptedError, BulkJobAbortedError, BulkJobFailedError, bulkQuery, bulkQuery$, BulkQueryJob, BulkTimeoutError, bulkUpdate,
  bulkUpdate$, bulkUpsert, bulkUpsert$, listIngestJobs, listIngestJobs$,
} from './sources/bulk/index.js';
export type {
  BulkIngestEvent, BulkIngestFinal, BulkIngestOptions, BulkIngestResult, BulkIngestSummary, BulkInput, BulkJobOptions,
  BulkQueryOptions, BulkQuerySource, BulkTarget, FailedResult, IngestJobOptions, IngestJobSpec, IngestOperation, JobInfo,
  JobState, PollingConfig, QueryJobOptions, ResultRow, SuccessfulResult,
} from './sources/bulk/index.js';

// Replication
export * from './sync/index.js';
