/**
 * Full-size chaos run: 10,000 records per operation through the list operators and a bulk upsert against an
 * emulator with mixed faults; prints faults by kind, retries, and the records lost and duplicated (both must be 0).
 */
import { from, lastValueFrom } from 'rxjs';
import { fileURLToPath } from 'node:url';
import type { ListSaveResult } from '../src/sources/collections/types.js';
import { deleteRecords, insertRecords, results, updateRecords, upsertRecords } from '../src/operators/index.js';
import { bulkUpsert } from '../src/sources/bulk/bulkUpsert.js';
import { Account, CALM, CHAOS, outcomeOf, rowsByMarker, startChaosOrg } from '../spec/reliability/support.js';

export interface ChaosReport { operations: Record<string, Record<string, number>>; faults: Record<string, number>;
  requests: number; logins: number; lost: number; duplicated: number }

const N = 10_000;

export async function run(n = N): Promise<ChaosReport> {
  const { emu, client } = await startChaosOrg({ ...CHAOS });
  const list = { client, batchSize: 200, concurrency: 5, continueOnError: true, lockRetryDelayMs: 5 };
  const operations: ChaosReport['operations'] = {};
  const tally = (name: string, rs: ListSaveResult[]) => {
    const t: Record<string, number> = { success: 0, failure: 0, notAttempted: 0, ambiguous: 0 };
    for (const r of rs) t[outcomeOf(r)]++;
    operations[name] = t;
  };
  let lost = 0;
  let duplicated = 0;
  try {
    const ins = await lastValueFrom(from(Array.from({ length: n }, (_, i) => ({ Name: `c ${i}`, External_Id__c: `ins-${i}` })))
      .pipe(insertRecords(Account, list), results()));
    tally('insert', ins);
    let org = rowsByMarker(emu, 'ins-');
    ins.forEach((r, i) => {
      const ids = org.get(`ins-${i}`) ?? [];
      if (r.success && ids.length === 0) lost++;
      if (ids.length > 1) duplicated += ids.length - 1;
      if (!r.success && outcomeOf(r) !== 'ambiguous' && ids.length > 0) duplicated += ids.length;
    });
    const ups = await lastValueFrom(from(Array.from({ length: n }, (_, i) => ({ Name: `u ${i}`, External_Id__c: `ups-${i}` })))
      .pipe(upsertRecords(Account, 'External_Id__c', list), results()));
    tally('upsert', ups);
    const upd = await lastValueFrom(from([...rowsByMarker(emu, 'ups-').values()].map(([Id]) => ({ Id, NumberOfEmployees: 7 })))
      .pipe(updateRecords(Account, list), results()));
    tally('update', upd);
    const bulk = await bulkUpsert(Account, Array.from({ length: n }, (_, i) => ({ Name: `b ${i}`, External_Id__c: `blk-${i}` })),
      'External_Id__c', { client, polling: { initialMs: 50, maxMs: 500 } }).catch(() => undefined);
    operations.bulkUpsert = { success: bulk?.successful.length ?? 0, failure: bulk?.failed.length ?? 0,
      notAttempted: bulk ? bulk.unprocessed.length : n, ambiguous: 0 };
    const del = await lastValueFrom(from([...rowsByMarker(emu, 'ins-').values()].map(([id]) => id))
      .pipe(deleteRecords(Account, list), results()));
    tally('delete', del);
    emu.faults.set(CALM);
    for (const prefix of ['ups-', 'blk-']) {
      org = rowsByMarker(emu, prefix);
      for (const ids of org.values()) if (ids.length > 1) duplicated += ids.length - 1;
    }
    const upserted = rowsByMarker(emu, 'ups-');
    ups.forEach((r, i) => { if (r.success && !upserted.has(`ups-${i}`)) lost++; });
    return { operations, faults: { ...emu.stats.faults }, requests: emu.stats.requests, logins: emu.stats.logins, lost, duplicated };
  } finally {
    await emu.stop();
  }
}

function print(r: ChaosReport): void {
  console.log('operation   success  failure  notAttempted  ambiguous');
  for (const [op, t] of Object.entries(r.operations)) {
    console.log(`${op.padEnd(11)} ${String(t.success).padStart(7)}  ${String(t.failure).padStart(7)}  ${
      String(t.notAttempted).padStart(12)}  ${String(t.ambiguous).padStart(9)}`);
  }
  console.log('faults injected: ' + Object.entries(r.faults).map(([k, v]) => `${k}=${v}`).join(' '));
  // every fault that was answered (pages, resets, expired sessions) cost one more request than the work needed
  console.log(`requests: ${r.requests}, logins: ${r.logins}, retries (fail+reset+sessionExpired): ${
    r.faults.fail + r.faults.resetBefore + r.faults.resetAfter + r.faults.sessionExpired}`);
  console.log(`records lost: ${r.lost}`);
  console.log(`records duplicated: ${r.duplicated}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) print(await run());
