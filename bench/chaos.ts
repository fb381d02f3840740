/**
 * Full-size chaos run: 10,000 records inserted, upserted, updated and deleted through collections and through bulk,
 * and a long `query$`, against an emulator with mixed faults (10% error pages, dropped connections before and after
 * processing, row locks, sessions that die every 500 requests). Prints a table of outcomes per operation, the faults
 * injected, the client's retries, the bulk jobs run again after a lost part answer (with parts re-sent and bulk
 * calls that failed), then `records misreported: N`, `records lost: N` and `records duplicated: N` (all must be 0).
 *
 *   npm run bench -- chaos
 */
import { fileURLToPath } from 'node:url';
import { from, lastValueFrom, type Observable, tap, toArray } from 'rxjs';
import { deleteRecords, insertRecords, results, updateRecords, upsertRecords } from '../src/operators/index.js';
import { bulkDelete$ } from '../src/sources/bulk/bulkDelete.js';
import { bulkInsert$ } from '../src/sources/bulk/bulkInsert.js';
import { bulkUpdate$ } from '../src/sources/bulk/bulkUpdate.js';
import { bulkUpsert$ } from '../src/sources/bulk/bulkUpsert.js';
import type { BulkIngestEvent, BulkIngestResult } from '../src/sources/bulk/types.js';
import type { ListSaveResult } from '../src/sources/collections/types.js';
import { query$ } from '../src/sources/query/query.js';
import { Account, CALM, type ChaosOrg, outcomeOf, rowsByMarker, startChaosOrg, type Outcome } from './chaosOrg.js';

/** The issue's mix at full size: 10% transient pages, resets, a session expiry every 500 requests. */
export const FULL_CHAOS = { failRate: 0.1, resetRate: 0.05, lockRate: 0.02, sessionTtlRequests: 500 } as const;

type Tally = Record<Outcome, number> & { requests: number; retries: number; ms: number;
  /** Bulk: jobs run again after a lost part answer, parts re-sent after an error page, calls that ended in an error. */
  jobsRerun: number; partsResent: number; callsFailed: number };

export interface ChaosReport {
  operations: Record<string, Tally>;
  faults: Record<string, number>;
  requests: number;
  logins: number;
  retries: number;
  /** Bulk jobs aborted and run again in a new job, parts re-sent, and bulk calls that failed, over the whole run. */
  jobsRerun: number;
  partsResent: number;
  bulkCallsFailed: number;
  lost: number;
  duplicated: number;
  /** Results that contradict the org (a success not applied, a failure applied): must be 0 too. */
  misreported: number;
}

interface BenchResult { name: string; value: number; unit: string }

type Row = { Id?: string; Name?: string; External_Id__c: string; NumberOfEmployees?: number };

/** Runs the whole scenario against one seeded org. */
export async function chaos(n = 10_000): Promise<ChaosReport> {
  const org = await startChaosOrg({ ...FULL_CHAOS });
  const { emu, client } = org;
  const list = { client, batchSize: 200, concurrency: 5, continueOnError: true, lockRetryDelayMs: 5 };
  // parts of 128 KB, so each bulk job's upload takes several PUTs and meets the faults (one 10,000-row part would not)
  const polling = { initialMs: 20, maxMs: 200 };
  const partSizeBytes = 128 * 1024;
  const report: ChaosReport = { operations: {}, faults: {}, requests: 0, logins: 0, retries: 0, jobsRerun: 0, partsResent: 0,
    bulkCallsFailed: 0, lost: 0, duplicated: 0, misreported: 0 };
  const rows = (prefix: string): Row[] => Array.from({ length: n }, (_, i) => ({ Name: `${prefix}${i}`, External_Id__c: `${prefix}${i}` }));
  const idsOf = (prefix: string): Row[] => [...rowsByMarker(emu, prefix)].map(([m, [Id]]) => ({ Id, External_Id__c: m }));

  try {
    // collections: insert (never re-sent: dropped creates are ambiguous), upsert until done, update, delete
    await step(report, org, 'insert', async t => {
      const res = await lastValueFrom(from(rows('ins-')).pipe(insertRecords(Account, list), results()));
      count(t, res);
      checkCreates(report, emu, 'ins-', res.map(outcomeOf));
    });
    await step(report, org, 'upsert', async t => {
      const res = await untilDone(rows('ups-'), async pending => lastValueFrom(from(pending)
        .pipe(upsertRecords(Account, 'External_Id__c', list), results())));
      count(t, res);
      checkCreates(report, emu, 'ups-', res.map(outcomeOf));
    });
    await step(report, org, 'update', async t => {
      const targets = idsOf('ups-').map(r => ({ ...r, NumberOfEmployees: 7 }));
      const res = await lastValueFrom(from(targets.map(({ Id, NumberOfEmployees }) => ({ Id, NumberOfEmployees })))
        .pipe(updateRecords(Account, list), results()));
      count(t, res);
      res.forEach((r, i) => {
        const applied = emu.store.get(targets[i].Id!)?.NumberOfEmployees === 7;
        if (r.success && !applied) report.lost++;
        if (!r.success && r.errors[0]?.statusCode === 'UNABLE_TO_LOCK_ROW' && applied) report.misreported++;
      });
    });
    await step(report, org, 'delete', async t => {
      const targets = idsOf('ins-');
      const res = await lastValueFrom(from(targets.map(r => r.Id!)).pipe(deleteRecords(Account, list), results()));
      count(t, res);
      res.forEach((r, i) => {
        const gone = emu.store.get(targets[i].Id!) === undefined;
        const deleted = r.success || r.errors[0]?.statusCode === 'ENTITY_IS_DELETED';
        if (deleted !== gone) report.misreported++;
      });
    });

    // bulk: insert once (a job that cannot finish is reported, never re-sent), upsert until done, update, delete
    await step(report, org, 'bulkInsert', async t => {
      // a job that errors may or may not have saved rows: count them ambiguous, then reconcile by querying the markers
      // (what docs/reliability.md tells users to do) and insert only the missing ones
      const input = rows('bin-');
      let pending = input;
      let saved = 0;
      for (let round = 0; round < 10 && pending.length > 0; round++) {
        const res = await bulkRun(t, bulkInsert$(Account, pending, { client, polling, partSizeBytes }));
        if (!res) {
          t.ambiguous += pending.length;
          const present = await markersIn(client, 'bin-');
          saved += pending.filter(r => present.has(r.External_Id__c)).length;
          pending = pending.filter(r => !present.has(r.External_Id__c));
          continue;
        }
        saved += res.successful.length;
        const ok = new Set(res.successful.map(s => s.record));
        pending = pending.filter(r => !ok.has(r));
      }
      t.success = saved;
      t.failure = pending.length;
      checkCreates(report, emu, 'bin-', input.map(r => (pending.includes(r) ? 'failure' : 'success')));
    });
    await step(report, org, 'bulkUpsert', async t => {
      const input = rows('blk-');
      let pending = input;
      for (let round = 0; round < 20 && pending.length > 0; round++) {
        const res = await bulkRun(t, bulkUpsert$(Account, pending, 'External_Id__c', { client, polling, partSizeBytes }));
        const ok = new Set(res?.successful.map(s => s.record));
        pending = pending.filter(r => !ok.has(r));
      }
      t.success = n - pending.length;
      t.failure = pending.length;
      checkCreates(report, emu, 'blk-', input.map(r => (pending.includes(r) ? 'ambiguous' : 'success')));
    });
    await step(report, org, 'bulkUpdate', async t => {
      const targets = idsOf('blk-').map(({ Id }) => ({ Id, NumberOfEmployees: 9 }));
      const res = await untilBulkDone(targets, pending => bulkRun(t, bulkUpdate$(Account, pending, { client, polling, partSizeBytes })));
      count(t, res);
      res.forEach((r, i) => { if (r.success && emu.store.get(targets[i].Id!)?.NumberOfEmployees !== 9) report.lost++; });
    });
    await step(report, org, 'bulkDelete', async t => {
      const targets = idsOf('bin-').map(({ Id }) => ({ Id }));
      const res = await untilBulkDone(targets, pending => bulkRun(t, bulkDelete$(Account, pending, { client, polling, partSizeBytes })));
      count(t, res);
      res.forEach((r, i) => { if (r.success && emu.store.get(targets[i].Id!) !== undefined) report.misreported++; });
    });

    // a long query over everything that is left, through pages, expired sessions and retries
    await step(report, org, 'query$', async t => {
      const expected = new Set([...rowsByMarker(emu, 'ups-').keys(), ...rowsByMarker(emu, 'blk-').keys()]);
      const seen = await lastValueFrom(query$<{ External_Id__c: string }>(
        "SELECT Id, External_Id__c FROM Account WHERE External_Id__c LIKE 'ups-%' OR External_Id__c LIKE 'blk-%'",
        { client, batchSize: 200 }).pipe(toArray()));
      const markers = new Set(seen.map(r => r.External_Id__c));
      t.success = seen.length;
      report.duplicated += seen.length - markers.size;
      for (const m of expected) if (!markers.has(m)) report.lost++;
    });
  } finally {
    emu.faults.set(CALM);
    report.faults = { ...emu.stats.faults };
    report.requests = emu.stats.requests;
    report.logins = emu.stats.logins;
    report.retries = org.retries;
    for (const t of Object.values(report.operations)) {
      report.jobsRerun += t.jobsRerun;
      report.partsResent += t.partsResent;
      report.bulkCallsFailed += t.callsFailed;
    }
    await emu.stop();
  }
  return report;
}

/** The markers with that prefix the org holds, read through the client (under the same faults). */
async function markersIn(client: ChaosOrg['client'], prefix: string): Promise<Set<string>> {
  const rows = await lastValueFrom(query$<{ External_Id__c: string }>(
    `SELECT External_Id__c FROM Account WHERE External_Id__c LIKE '${prefix}%'`, { client, batchSize: 2000 }).pipe(toArray()));
  return new Set(rows.map(r => r.External_Id__c));
}

/** Runs one operation, recording its outcomes, the requests it took and the retries the client made for it. */
async function step(report: ChaosReport, org: ChaosOrg, name: string, work: (t: Tally) => Promise<void>): Promise<void> {
  const t: Tally = { success: 0, failure: 0, notAttempted: 0, ambiguous: 0, requests: org.emu.stats.requests, retries: org.retries,
    ms: performance.now(), jobsRerun: 0, partsResent: 0, callsFailed: 0 };
  await work(t);
  t.requests = org.emu.stats.requests - t.requests;
  t.retries = org.retries - t.retries;
  t.ms = Math.round(performance.now() - t.ms);
  report.operations[name] = t;
}

function count(t: Tally, res: ListSaveResult[]): void {
  for (const r of res) t[outcomeOf(r)]++;
}

/**
 * A create's marker must be in the org exactly once when it succeeded, never when it failed or was not attempted, and
 * at most once when it is ambiguous.
 */
function checkCreates(report: ChaosReport, emu: ChaosOrg['emu'], prefix: string, outcomes: Outcome[]): void {
  const org = rowsByMarker(emu, prefix);
  outcomes.forEach((o, i) => {
    const found = org.get(`${prefix}${i}`)?.length ?? 0;
    if (found > 1) report.duplicated += found - 1;
    if (o === 'success' && found === 0) report.lost++;
    if ((o === 'failure' || o === 'notAttempted') && found > 0) report.misreported++;
  });
}

/** Re-sends what did not succeed, as an at-least-once pipeline does; the results of the last attempt per record. */
async function untilDone<R>(input: R[], send: (pending: R[]) => Promise<ListSaveResult[]>): Promise<ListSaveResult[]> {
  const final: ListSaveResult[] = new Array(input.length);
  let pending = input.map((_, i) => i);
  for (let round = 0; round < 10 && pending.length > 0; round++) {
    const res = await send(pending.map(i => input[i]));
    pending.forEach((i, k) => { final[i] = res[k]; });
    pending = pending.filter((_, k) => !res[k].success);
  }
  return final;
}

/** Runs one bulk call to its result, counting its re-runs and re-sent parts; undefined (counted) when it errors. */
async function bulkRun<R>(t: Tally, events$: Observable<BulkIngestEvent<R>>): Promise<BulkIngestResult<R> | undefined> {
  const counted$ = events$.pipe(tap(e => {
    if (e.type === 'rerun') t.jobsRerun++;
    if (e.type === 'partResent') t.partsResent++;
  }));
  try {
    return await lastValueFrom(counted$) as BulkIngestResult<R>;
  } catch {
    t.callsFailed++;
    return undefined;
  }
}

/** `untilDone` for idempotent bulk jobs (update, delete): a job that errors is sent again whole. */
async function untilBulkDone<R extends object>(input: R[], send: (pending: R[]) => Promise<BulkIngestResult<R> | undefined>): Promise<ListSaveResult[]> {
  return untilDone(input, async pending => {
    const res = await send(pending);
    if (!res) return pending.map(() => ({ id: null, success: false, errors: [{ statusCode: 'REQUEST_FAILED', message: 'job failed', fields: [] }] }));
    const byRecord = new Map<R, ListSaveResult>();
    for (const s of res.successful) byRecord.set(s.record, { id: s.id, success: true, errors: [] });
    for (const f of res.failed) byRecord.set(f.record, { id: null, success: false, errors: [{ statusCode: f.error.split(':')[0], message: f.error, fields: [] }] });
    return pending.map(r => byRecord.get(r) ?? { id: null, success: false, errors: [{ statusCode: 'NOT_ATTEMPTED', message: 'unprocessed', fields: [] }] });
  });
}

/** The table and the two lines the issue asks for. */
export function format(r: ChaosReport): string {
  const cols = ['success', 'failure', 'notAttempted', 'ambiguous', 'requests', 'retries', 'jobsRerun', 'partsResent', 'callsFailed', 'ms'] as const;
  const lines = [`${'operation'.padEnd(11)}${cols.map(c => c.padStart(13)).join('')}`];
  for (const [op, t] of Object.entries(r.operations)) lines.push(`${op.padEnd(11)}${cols.map(c => String(t[c]).padStart(13)).join('')}`);
  lines.push(`faults injected: ${Object.entries(r.faults).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  lines.push(`requests: ${r.requests}, logins: ${r.logins}, retries: ${r.retries}`);
  lines.push(`bulk jobs re-run: ${r.jobsRerun}, bulk parts re-sent: ${r.partsResent}, bulk calls failed: ${r.bulkCallsFailed}`);
  lines.push(`records misreported: ${r.misreported}`);
  lines.push(`records lost: ${r.lost}`);
  lines.push(`records duplicated: ${r.duplicated}`);
  return lines.join('\n');
}

/** The bench runner's entry: prints the table and returns the figures for bench/RESULTS.md. */
export async function run(): Promise<BenchResult[]> {
  const t0 = performance.now();
  const r = await chaos();
  console.log(format(r));
  const injected = Object.values(r.faults).reduce((a, b) => a + b, 0);
  return [
    { name: 'records lost', value: r.lost, unit: 'records' },
    { name: 'records duplicated', value: r.duplicated, unit: 'records' },
    { name: 'records misreported', value: r.misreported, unit: 'records' },
    { name: 'faults injected', value: injected, unit: 'faults' },
    { name: 'client retries', value: r.retries, unit: 'requests' },
    { name: 'logins', value: r.logins, unit: 'logins' },
    { name: 'bulk jobs re-run', value: r.jobsRerun, unit: 'jobs' },
    { name: 'bulk parts re-sent', value: r.partsResent, unit: 'parts' },
    { name: 'bulk calls failed', value: r.bulkCallsFailed, unit: 'calls' },
    ...Object.entries(r.operations).map(([op, t]) => ({ name: `${op} (${t.success} ok)`, value: t.ms, unit: 'ms' })),
    { name: 'whole run', value: Math.round(performance.now() - t0), unit: 'ms' },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
