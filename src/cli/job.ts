/** `rxforce job status|results|abort JOBID`: a Bulk API 2.0 job by id, e.g. the one an interrupted load printed. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { SalesforceClient } from '../client/client.js';
import { isSalesforceError } from '../client/errors.js';
import { isTerminal, type JobInfo } from '../sources/bulk/types.js';
import { CliError, EXIT } from './errors.js';
import { note, type CliIo } from './io.js';

type Kind = 'ingest' | 'query';

/** Bulk job ids are record ids with the AsyncApexJob prefix 750. */
function checkJobId(jobId: string): void {
  if (!/^750[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/.test(jobId)) throw new CliError(`"${jobId}" is not a bulk job id (750…, 15 or 18 characters)`);
}

/** The job's info, looked up as an ingest job and then as a query job. */
async function findJob(client: SalesforceClient, jobId: string): Promise<{ kind: Kind; info: JobInfo }> {
  checkJobId(jobId);
  for (const kind of ['ingest', 'query'] as const) {
    try {
      return { kind, info: (await client.request<JobInfo>({ method: 'GET', path: `jobs/${kind}/${jobId}` })).data };
    } catch (e) {
      if (!isSalesforceError(e, 'NOT_FOUND')) throw e;
    }
  }
  throw new CliError(`no bulk job ${jobId} in this org`, EXIT.failed);
}

function statusLine(kind: Kind, info: JobInfo): string {
  const counts = kind === 'ingest'
    ? `${info.numberRecordsProcessed ?? 0} processed, ${info.numberRecordsFailed ?? 0} failed`
    : `${info.numberRecordsProcessed ?? 0} records`;
  const what = kind === 'ingest' ? `${info.operation} ${info.object}` : 'query';
  return `bulk job ${info.id} (${what}): ${info.state} — ${counts}${info.errorMessage ? ` — ${info.errorMessage}` : ''}`;
}

export async function runJobStatus(client: SalesforceClient, jobId: string, json: boolean, io: CliIo): Promise<void> {
  const { kind, info } = await findJob(client, jobId);
  io.stdout.write(json ? `${JSON.stringify(info, null, 2)}\n` : `${statusLine(kind, info)}\n`);
}

/**
 * Writes the job's three result files as Salesforce gives them (sf__ columns and the uploaded ones). Resolves with
 * the exit code: 1 when any record failed or was left unprocessed.
 */
export async function runJobResults(client: SalesforceClient, jobId: string, dir: string, io: CliIo): Promise<number> {
  const { kind, info } = await findJob(client, jobId);
  if (kind !== 'ingest') throw new CliError(`bulk job ${jobId} is a query job: rxforce query --bulk reads query results`);
  if (!isTerminal(info)) {
    throw new CliError(`bulk job ${jobId} is ${info.state}: its results exist once it is JobComplete, Failed or Aborted`, EXIT.failed);
  }
  await mkdir(dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new CliError(`--results ${dir}: cannot write here (${e.code ?? e.message})`);
  });
  const counts: Record<string, number> = {};
  for (const [file, resource] of [['successful', 'successfulResults'], ['failed', 'failedResults'], ['unprocessed', 'unprocessedrecords']] as const) {
    const res = await client.request<string>({ method: 'GET', path: `jobs/ingest/${jobId}/${resource}/`, responseType: 'text' });
    const text = String(res.data ?? '');
    await writeFile(join(dir, `${file}.csv`), text);
    counts[file] = text ? (parseCsv(text, { columns: true, bom: true, relax_column_count: true }) as unknown[]).length : 0;
  }
  note(io, `${statusLine(kind, info)}; ${counts.successful} successful, ${counts.failed} failed, ${counts.unprocessed} unprocessed `
    + `written to ${dir}`);
  return counts.failed! + counts.unprocessed! > 0 ? EXIT.failed : EXIT.ok;
}

export async function runJobAbort(client: SalesforceClient, jobId: string, io: CliIo): Promise<void> {
  const { kind, info } = await findJob(client, jobId);
  if (isTerminal(info)) throw new CliError(`bulk job ${jobId} is already ${info.state}: nothing to abort`, EXIT.failed);
  const aborted = (await client.request<JobInfo>({ method: 'PATCH', path: `jobs/${kind}/${jobId}`, data: { state: 'Aborted' } })).data;
  io.stdout.write(`${statusLine(kind, aborted)}\n`);
}
