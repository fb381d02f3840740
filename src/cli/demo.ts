/**
 * `rxforce demo` (`npm start`): an emulator on its own thread with 50 ms latency, the seed loaded in bulk, then the main
 * features one after another, each timed, and a summary table. Everything runs offline and ends in well under a minute.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatMap, from, lastValueFrom, mergeMap, toArray, filter, map } from 'rxjs';
import type { SalesforceClient } from '../client/client.js';
import { updateRecords, upsertRecords } from '../operators/index.js';
import { select } from '../soql/index.js';
import type { ListComplete, ListSaveResult } from '../sources/collections/types.js';
import { deleteRecord } from '../sources/records/delete.js';
import { fetch$ } from '../sources/records/fetch.js';
import { fetchList$ } from '../operators/fetchList.js';
import { query } from '../sources/query/query.js';
import { describeError, EXIT } from './errors.js';
import { note, type CliIo } from './io.js';
import { runQuery } from './query.js';
import { Account, Contact, Opportunity } from './demoModels.js';
import { loadSeed } from './seed.js';
import type { RoundEvent } from '../sync/index.js';
import { runSync } from './sync.js';
import { emulatorClient, flagsFromEnv } from './target.js';
import { startThreadEmulator } from './threadEmulator.js';

/**
 * Ids fetched one at a time and then 10 in flight. Ten waves of ten: the first wave's extra cost (ten requests
 * arriving together at a single-threaded org) is spread over enough waves for the speedup to come near the ideal
 * 10×, while the sequential run stays about 5 s at 50 ms latency.
 */
const FETCH_IDS = 100;
/** Requests in flight in the concurrent pipeline. */
const IN_FLIGHT = 10;

interface Step { name: string; ms: number; result: string }

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(steps: Step[], name: string, fn: () => Promise<T>, describe: (t: T) => string): Promise<T> {
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const result = describe(value);
  steps.push({ name, ms, result });
  return value;
}

/** Runs the tour; resolves with the exit code (0 when every step worked). */
export async function runDemo(io: CliIo, { latencyMs = 50 }: { latencyMs?: number } = {}): Promise<number> {
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const steps: Step[] = [];
  out(`rxforce demo — an embedded org emulator with ${latencyMs} ms latency per request`);
  // the org answers from its own thread, beside the client, as a real org does from its own machines
  const emulator = await startThreadEmulator({ port: 0, seed: 42, latencyMs, bulkRecordsPerSecond: 20_000 });
  const client = emulatorClient(emulator, flagsFromEnv(io.env).apiVersion);
  let tmp: string | undefined;
  try {
    out(`emulator listening on ${emulator.url}\n`);

    out('1. Bulk API 2.0 load of the seed (data/seed/*.csv)');
    const loaded = await timed(steps, 'bulk load of the seed', () => loadSeed(client, io),
      r => r.map(x => `${x.summary.successful} ${x.sobject}`).join(', '));
    for (const l of loaded) out(`   ${l.sobject.padEnd(12)} ${l.summary.successful}/${l.summary.total} rows (job ${l.summary.jobId})`);
    if (loaded.some(l => l.summary.exitCode !== EXIT.ok)) throw new Error('the seed did not load cleanly');

    out('\n2. A query across relationships (Contact → Account)');
    const soql = "SELECT Name, Title, Account.Name, Account.Industry FROM Contact WHERE Account.Industry = 'Technology' ORDER BY Name LIMIT 5";
    out(`   ${soql}`);
    await timed(steps, 'query with relationships', () => runQuery(client, soql, { format: 'table' }, { ...io, stdout: indent(io.stdout) }), n => `${n} rows`);

    await fetchComparison(client, steps, out);
    await onlyChanges(client, () => emulator.stats(), steps, out);
    await upsertByExternalId(client, steps, out);

    out('\n6. Bulk query exported to CSV');
    tmp = await mkdtemp(join(tmpdir(), 'rxforce-demo-'));
    const file = join(tmp, 'contacts.csv');
    const exported = await timed(steps, 'bulk query to CSV', () => runQuery(client,
      'SELECT Id, FirstName, LastName, Email, Account.Name, Account.External_Id__c FROM Contact', { bulk: true, out: file }, io),
    n => `${n} rows`);
    out(`   ${exported} rows written to ${file} (removed when the demo ends)`);

    await syncStep(client, steps, out, io);

    out('\nSummary');
    const w = Math.max(...steps.map(s => s.name.length));
    out(`   ${'step'.padEnd(w)}  ${'time'.padStart(8)}  result`);
    for (const s of steps) out(`   ${s.name.padEnd(w)}  ${seconds(s.ms).padStart(8)}  ${s.result}`);
    out(`   API requests served by the emulator: ${(await emulator.stats()).apiRequests}`);
    return EXIT.ok;
  } catch (err) {
    const { line } = describeError(err);
    note(io, line);
    return EXIT.failed;
  } finally {
    await emulator.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

/** Same ids, fetched one after another, then as a concurrent pipeline, then 2,000 ids a request. */
async function fetchComparison(client: SalesforceClient, steps: Step[], out: (l?: string) => void): Promise<void> {
  out(`\n3. ${FETCH_IDS} contacts by id: sequential fetch$ vs a concurrent mergeMap pipeline vs fetchList$`);
  const ids = (await query<{ Id: string }>(`SELECT Id FROM Contact ORDER BY Name LIMIT ${FETCH_IDS}`, { client })).map(r => r.Id);
  // both runs start with the connections a running app would hold: the pipeline's ten are opened before the clock
  await lastValueFrom(from(ids.slice(0, IN_FLIGHT)).pipe(mergeMap(id => fetch$(Contact, id, { client }), IN_FLIGHT), toArray()));
  const t0 = performance.now();
  const seq = await lastValueFrom(from(ids).pipe(concatMap(id => fetch$(Contact, id, { client })), toArray()));
  const syncMs = performance.now() - t0;
  const t1 = performance.now();
  const par = await lastValueFrom(from(ids).pipe(mergeMap(id => fetch$(Contact, id, { client }), IN_FLIGHT), toArray()));
  const asyncMs = performance.now() - t1;
  const t2 = performance.now();
  const listed = await lastValueFrom(fetchList$(Contact, ids, { client }).pipe(
    filter((e): e is ListComplete<never> => e.type === 'complete'), map(e => e.results.length)));
  const listMs = performance.now() - t2;
  const speedup = syncMs / asyncMs;
  out(`   sync  (concatMap, one at a time): ${seq.length} records in ${seconds(syncMs)}`);
  out(`   async (mergeMap, ${IN_FLIGHT} in flight):   ${par.length} records in ${seconds(asyncMs)}`);
  out(`   fetchList$ (≤ 2,000 ids a request): ${listed} records in ${seconds(listMs)}`);
  out(`   Speedup: ${speedup.toFixed(1)}x`);
  steps.push({ name: 'sequential fetch$', ms: syncMs, result: `${seq.length} records` });
  steps.push({ name: 'concurrent fetch$ (mergeMap)', ms: asyncMs, result: `${par.length} records, speedup ${speedup.toFixed(1)}x` });
  steps.push({ name: 'fetchList$', ms: listMs, result: `${listed} records` });
}

/** Fetch opportunities, change a few, and send only what changed. */
async function onlyChanges(client: SalesforceClient, stats: () => Promise<{ apiRequests: number }>, steps: Step[], out: (l?: string) => void): Promise<void> {
  out('\n4. Only-changes update: fetch 300 opportunities, move the Prospecting ones to Qualification');
  const opps = await query(select(Opportunity).orderBy('Name').limit(300), { client });
  let changed = 0;
  for (const o of opps) if (o.StageName === 'Prospecting') { o.StageName = 'Qualification'; changed++; }
  const before = (await stats()).apiRequests;
  const done = await timed(steps, 'only-changes update', () => lastValueFrom(from(opps).pipe(
    updateRecords(Opportunity, { client, onlyChanges: true }), filter(e => e.type === 'complete'))),
  () => `${changed} of ${opps.length} changed`);
  const requests = (await stats()).apiRequests - before;
  out(`   ${opps.length} records, ${changed} changed → ${requests} request${requests === 1 ? '' : 's'}, `
    + `${(done as ListComplete<ListSaveResult>).failed} failed`);
}

/** Upsert by External_Id__c: existing accounts are updated, new ones created, in one pass. */
async function upsertByExternalId(client: SalesforceClient, steps: Step[], out: (l?: string) => void): Promise<void> {
  out('\n5. Upsert 50 accounts by External_Id__c (40 existing, 10 new)');
  const rows = [
    ...Array.from({ length: 40 }, (_, i) => ({ External_Id__c: `ACC-${String(i + 1).padStart(5, '0')}`, Name: `Renamed ${i + 1}`, Rating: 'Hot' as const })),
    ...Array.from({ length: 10 }, (_, i) => ({ External_Id__c: `NEW-${String(i + 1).padStart(5, '0')}`, Name: `New account ${i + 1}`, Rating: 'Warm' as const })),
  ];
  const done = await timed(steps, 'upsert by External_Id__c', () => lastValueFrom(from(rows).pipe(
    upsertRecords(Account, 'External_Id__c', { client }), filter((e): e is ListComplete<ListSaveResult> => e.type === 'complete'))),
  d => `${d.results.filter(r => r.created).length} created, ${d.results.filter(r => r.success && !r.created).length} updated`);
  out(`   ${done.results.filter(r => r.created).length} created, ${done.results.filter(r => r.success && !r.created).length} updated, ${done.failed} failed`);
}

/** Mirror Account into a temporary SQLite file, change a few records, and bring the mirror up to date in one round. */
async function syncStep(client: SalesforceClient, steps: Step[], out: (l?: string) => void, io: CliIo): Promise<void> {
  out('\n7. Sync: mirror Account into SQLite, change a few records, one incremental round');
  const file = join(tmpdir(), `rxforce-demo-mirror-${process.pid}.db`);
  const plan = { objects: ['Account'], target: { kind: 'sqlite' as const, path: file }, intervalSeconds: 60, once: true,
    keepDeleted: false };
  const quiet = { ...io, stdout: indent(io.stdout), stderrIsTTY: false };
  try {
    const said = (r: Map<string, RoundEvent>) => {
      const e = r.get('Account');
      return e ? `${e.upserts} upsert${e.upserts === 1 ? '' : 's'}, ${e.deletes} delete${e.deletes === 1 ? '' : 's'}` : 'no round';
    };
    await timed(steps, 'sync: initial load into SQLite', () => runSync(client, plan, quiet), said);
    // accounts the upsert step created: nothing else points at them, so one can be deleted
    const accounts = await query<{ Id: string; Name: string }>("SELECT Id, Name FROM Account WHERE Name LIKE 'New account%' ORDER BY Name LIMIT 3", { client });
    await lastValueFrom(from(accounts.slice(0, 2).map(a => ({ Id: a.Id, Name: `${a.Name} (renamed)` })))
      .pipe(updateRecords(Account, { client }), filter(e => e.type === 'complete')));
    await deleteRecord(Account, accounts[2]!.Id, { client });
    out('   renamed 2 accounts and deleted 1');
    await timed(steps, 'sync: one incremental round', () => runSync(client, plan, quiet), said);
    out('   (each round reads back over the overlap margin, a minute, so rows loaded moments ago are read again;');
    out('   upserts by Id make that harmless, and a daemon that stays up skips what it has already seen)');
    out(`   mirror: ${file} (removed now)`);
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  }
}

/** A stream that indents every line it is given (the demo's nested output). */
function indent(stream: NodeJS.WritableStream): NodeJS.WritableStream {
  const wrapper = Object.create(stream) as NodeJS.WritableStream;
  wrapper.write = ((chunk: string) => stream.write(String(chunk).replace(/^(?=.)/gm, '   '))) as NodeJS.WritableStream['write'];
  return wrapper;
}
