/** Job info bodies, shaped as Bulk API 2.0 answers them (create, get one, list). */
import type { IngestJob, Job } from './jobs.js';

/** The fields every job view shares, in Salesforce's order. */
function common(job: Job): Record<string, unknown> {
  return {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: job.createdDate,
    systemModstamp: job.systemModstamp,
    state: job.state,
    ...(job.jobType === 'V2Ingest' && job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: job.apiVersion,
  };
}

function contentUrl(job: IngestJob): string {
  return `services/data/v${job.apiVersion.toFixed(1)}/jobs/ingest/${job.id}/batches`;
}

/** The answer to create and PATCH. */
export function createdInfo(job: Job): Record<string, unknown> {
  if (job.jobType === 'V2Query') {
    return { ...common(job), lineEnding: job.dialect.lineEnding, columnDelimiter: job.dialect.columnDelimiter };
  }
  return {
    ...common(job),
    ...(job.assignmentRuleId ? { assignmentRuleId: job.assignmentRuleId } : {}),
    contentUrl: contentUrl(job),
    lineEnding: job.dialect.lineEnding,
    columnDelimiter: job.dialect.columnDelimiter,
  };
}

/** The answer to GET /jobs/{type}/{id}, with the counters that grow during InProgress. */
export function fullInfo(job: Job): Record<string, unknown> {
  const error = job.state === 'Failed' && job.errorMessage ? { errorMessage: job.errorMessage } : {};
  if (job.jobType === 'V2Query') {
    return {
      ...common(job), jobType: 'V2Query', lineEnding: job.dialect.lineEnding,
      columnDelimiter: job.dialect.columnDelimiter, numberRecordsProcessed: job.numberRecordsProcessed, retries: 0,
      totalProcessingTime: job.totalProcessingTime, isPkChunkingSupported: true, ...error,
    };
  }
  return {
    ...createdInfo(job), jobType: 'V2Ingest',
    numberRecordsProcessed: job.numberRecordsProcessed, numberRecordsFailed: job.numberRecordsFailed, retries: 0,
    totalProcessingTime: job.totalProcessingTime, apiActiveProcessingTime: job.totalProcessingTime,
    apexProcessingTime: 0, ...error,
  };
}

/** One entry of GET /jobs/ingest or /jobs/query. */
export function listInfo(job: Job): Record<string, unknown> {
  const base = { ...common(job), jobType: job.jobType, lineEnding: job.dialect.lineEnding,
    columnDelimiter: job.dialect.columnDelimiter };
  return job.jobType === 'V2Ingest' ? { ...base, contentUrl: contentUrl(job) } : base;
}

