import { from, lastValueFrom, toArray } from 'rxjs';
import { passwordLogin } from '../../src/client/auth/index.js';
import { SalesforceClient } from '../../src/client/client.js';
import type { Emulator } from '../../src/emulator/index.js';
import { deleteRecords } from '../../src/operators/deleteRecords.js';
import { insertRecords } from '../../src/operators/insertRecords.js';
import { results } from '../../src/operators/results.js';
import { updateRecords } from '../../src/operators/updateRecords.js';
import { upsertRecords } from '../../src/operators/upsertRecords.js';
import { bulkInsert } from '../../src/sources/bulk/bulkInsert.js';
import { bulkUpsert } from '../../src/sources/bulk/bulkUpsert.js';
import type { ListSaveResult } from '../../src/sources/collections/types.js';
import { query$ } from '../../src/sources/query/query.js';
import { Account, CALM, CHAOS, outcomeOf, rowsByMarker, startChaosOrg, type Outcome } from './support.js';

/**
 * 2,000 records per operation against mixed faults. Batches run one at a time so the seeded fault sequence is the
 * same on every run; the assertions are exact invariants on the org and the reporting, never timings.
 */
const N = 2000;
const LIST = { batchSize: 50, concurrency: 1, continueOnError: true, lockRetryDelayMs: 1 };

/** Rows put straight into the store, for the specs that start from existing data. */
function seedRows(emu: Emulator, prefix: string): string[] {
  return Array.from({ length: N }, (_, i) => {
    const r = emu.store.insert('Account', { Name: `seed ${i}`, External_Id__c: `${prefix}${i}`, NumberOfEmployees: i });
    if (!r.success) throw new Error(`seed failed: ${JSON.stringify(r)}`);
    return r.id;
  });
}

function tally(rs: ListSaveResult[]): Record<Outcome, number> {
  const t: Record<Outcome, number> = { success: 0, failure: 0, notAttempted: 0, ambiguous: 0 };
  for (const r of rs) t[outcomeOf(r)]++;
  return t;
}

describe('chaos: collections and bulk under mixed faults', () => {
  let emu: Emulator;
  let client: SalesforceClient;
  let list: typeof LIST & { client: SalesforceClient };
  // each spec gets its own seeded org, so the fault sequence does not depend on the order specs run in
  beforeEach(async () => {
    ({ emu, client } = await startChaosOrg());
    list = { ...LIST, client };
  });
  afterEach(async () => {
    expect(emu.stats.faults.fail).withContext('transient error pages').toBeGreaterThan(0);
    expect(emu.stats.faults.resetBefore + emu.stats.faults.resetAfter).withContext('dropped connections').toBeGreaterThan(0);
    expect(emu.stats.faults.sessionExpired).withContext('expired sessions').toBeGreaterThan(0);
    await emu.stop();
  });

  it('insertRecords: nothing lost or duplicated, dropped creates reported ambiguous and present at most once', async () => {
    emu.faults.set(CHAOS);
    const rows = Array.from({ length: N }, (_, i) => ({ Name: `chaos ${i}`, External_Id__c: `ins-${i}` }));
    const [res] = await lastValueFrom(from(rows).pipe(insertRecords(Account, list), results(), toArray()));
    emu.faults.set(CALM);
    const t = tally(res);
    expect(res.length).toBe(N);
    expect(t.success + t.failure + t.notAttempted + t.ambiguous).toBe(N);
    // the seeded run does drop connections mid-create and answers error pages
    expect(t.ambiguous).toBeGreaterThan(0);
    expect(t.notAttempted).toBe(0);

    const org = rowsByMarker(emu, 'ins-');
    res.forEach((r, i) => {
      const ids = org.get(`ins-${i}`) ?? [];
      switch (outcomeOf(r)) {
        case 'success': expect(ids).withContext(`record ${i}`).toEqual([r.id!]); break;
        case 'failure': expect(ids).withContext(`record ${i}`).toEqual([]); break;
        case 'ambiguous': expect(ids.length).withContext(`record ${i}`).toBeLessThanOrEqual(1); break;
        default: fail(`record ${i} not attempted`);
      }
    });
    for (const [marker, ids] of org) expect(ids.length).withContext(marker).toBe(1);
  });

  it('upsertRecords by external id: an at-least-once pipeline ends with exactly N rows', async () => {
    emu.faults.set(CHAOS);
    const rows = Array.from({ length: N }, (_, i) => ({ Name: `up ${i}`, External_Id__c: `ups-${i}`, NumberOfEmployees: i }));
    let pending = rows;
    let rounds = 0;
    // re-send whatever did not succeed, as a pipeline with at-least-once delivery does
    while (pending.length > 0 && rounds < 6) {
      rounds++;
      const [res] = await lastValueFrom(from(pending).pipe(upsertRecords(Account, 'External_Id__c', list), results(), toArray()));
      expect(res.length).toBe(pending.length);
      expect(res.every(r => outcomeOf(r) !== 'ambiguous')).toBeTrue();
      pending = pending.filter((_, i) => !res[i].success);
    }
    // and the whole set once more: a replay never adds rows
    await lastValueFrom(from(rows).pipe(upsertRecords(Account, 'External_Id__c', list), results()));
    emu.faults.set(CALM);
    expect(pending).toEqual([]);
    const org = rowsByMarker(emu, 'ups-');
    expect(org.size).toBe(N);
    for (const [marker, ids] of org) expect(ids.length).withContext(marker).toBe(1);
  });

  it('updateRecords: successes hold the new value, record-level failures keep the old one', async () => {
    const targets = seedRows(emu, 'ups-').map((Id, i) => ({ Id, marker: `ups-${i}` }));
    emu.faults.set(CHAOS);
    const res = await lastValueFrom(from(targets.map(t => ({ Id: t.Id, NumberOfEmployees: 1_000_000 })))
      .pipe(updateRecords(Account, list), results()));
    emu.faults.set(CALM);
    const t = tally(res);
    expect(t.success + t.failure).toBe(targets.length);
    res.forEach((r, i) => {
      const row = emu.store.get(targets[i].Id)!;
      const old = Number(targets[i].marker.slice(4));
      if (r.success) expect(row.NumberOfEmployees).toBe(1_000_000);
      else if (r.errors[0].statusCode === 'UNABLE_TO_LOCK_ROW') expect(row.NumberOfEmployees).toBe(old);
      else expect([old, 1_000_000]).toContain(row.NumberOfEmployees as number);
    });
    expect(rowsByMarker(emu, 'ups-').size).toBe(N);
  });

  it('query$ reads every row exactly once across pages, refreshes and retries', async () => {
    seedRows(emu, 'ins-');
    seedRows(emu, 'ups-');
    const expected = new Set([...rowsByMarker(emu, 'ins-').keys(), ...rowsByMarker(emu, 'ups-').keys()]);
    // 20 pages of 200: short sessions so the locator outlives several of them
    emu.faults.set({ ...CHAOS, sessionTtlRequests: 4 });
    const seen = await lastValueFrom(query$<{ External_Id__c: string | null }>(
      "SELECT Id, External_Id__c FROM Account WHERE External_Id__c LIKE 'ins-%' OR External_Id__c LIKE 'ups-%'",
      { client, batchSize: 200 }).pipe(toArray()));
    const markers = seen.map(r => r.External_Id__c!);
    expect(markers.length).toBe(expected.size);
    expect(new Set(markers)).toEqual(expected);
    emu.faults.set(CALM);
  });

  it('bulkUpsert: re-running a failed job is safe and ends with exactly N rows', async () => {
    // a job takes a handful of requests, so sessions are shorter and resets likelier here; the requests before the
    // first poll (login, create, upload, close) see the same seeded faults on every run
    emu.faults.set({ ...CHAOS, sessionTtlRequests: 4, resetRate: 0.25 });
    const rows = Array.from({ length: N }, (_, i) => ({ Name: `bulk ${i}`, External_Id__c: `blk-${i}` }));
    let pending = rows;
    for (let round = 0; round < 30 && pending.length > 0; round++) {
      try {
        const result = await bulkUpsert(Account, pending, 'External_Id__c', { client, polling: { initialMs: 5, maxMs: 20 } });
        expect(result.successful.length + result.failed.length + result.unprocessed.length).toBe(pending.length);
        const ok = new Set(result.successful.map(s => s.record));
        pending = pending.filter(r => !ok.has(r));
      } catch {
        // the job could not be finished (a dropped create or upload): send the same rows again
      }
    }
    emu.faults.set(CALM);
    expect(pending).toEqual([]);
    const org = rowsByMarker(emu, 'blk-');
    expect(org.size).toBe(N);
    for (const [marker, ids] of org) expect(ids.length).withContext(marker).toBe(1);
  });

  it('bulkInsert: a job that errors is reconciled by its markers, never re-sent blindly; ends with exactly N rows', async () => {
    emu.faults.set({ ...CHAOS, sessionTtlRequests: 4, resetRate: 0.25 });
    const rows = Array.from({ length: N }, (_, i) => ({ Name: `bin ${i}`, External_Id__c: `bin-${i}` }));
    let pending = rows;
    for (let round = 0; round < 30 && pending.length > 0; round++) {
      const result = await bulkInsert(Account, pending, { client, polling: { initialMs: 5, maxMs: 20 } }).catch(() => undefined);
      if (result) {
        const ok = new Set(result.successful.map(s => s.record));
        pending = pending.filter(r => !ok.has(r));
        continue;
      }
      // the job may have saved some rows before it errored: ask the org which markers exist, send only the others
      const present = await lastValueFrom(query$<{ External_Id__c: string }>(
        "SELECT External_Id__c FROM Account WHERE External_Id__c LIKE 'bin-%'", { client }).pipe(toArray()));
      const saved = new Set(present.map(r => r.External_Id__c));
      pending = pending.filter(r => !saved.has(r.External_Id__c));
    }
    emu.faults.set(CALM);
    expect(emu.stats.faults.resetBefore + emu.stats.faults.resetAfter).withContext('dropped connections').toBeGreaterThan(0);
    expect(pending).toEqual([]);
    const org = rowsByMarker(emu, 'bin-');
    expect(org.size).toBe(N);
    for (const [marker, ids] of org) expect(ids.length).withContext(marker).toBe(1);
  });

  it('deleteRecords: every id ends deleted or reported, and nothing else is touched', async () => {
    const ids = seedRows(emu, 'ins-');
    const keep = seedRows(emu, 'ups-').length;
    emu.faults.set(CHAOS);
    const res = await lastValueFrom(from(ids).pipe(deleteRecords(Account, list), results()));
    emu.faults.set(CALM);
    expect(res.length).toBe(ids.length);
    res.forEach((r, i) => {
      const row = emu.store.get(ids[i]);
      if (r.success) expect(row).withContext(ids[i]).toBeUndefined();
      // a retried DELETE whose first answer was lost finds the row already gone
      else if (r.errors[0].statusCode === 'ENTITY_IS_DELETED') expect(row).toBeUndefined();
      else if (r.errors[0].statusCode === 'UNABLE_TO_LOCK_ROW') expect(row).toBeDefined();
    });
    expect(rowsByMarker(emu, 'ups-').size).toBe(keep);
    const left = rowsByMarker(emu, 'ins-').size;
    expect(left).toBe(res.filter(r => !r.success && r.errors[0].statusCode !== 'ENTITY_IS_DELETED'
      && emu.store.get(r.id ?? '') !== undefined).length);
    expect(emu.stats.faults.lock).toBeGreaterThan(0);
  });
});

describe('chaos: session expiry under load', () => {
  it('100 requests in flight when the session dies: one login, 100 successes', async () => {
    let clock = Date.UTC(2025, 0, 1);
    const { emu } = await startChaosOrg({ now: () => clock, sessionTtlSeconds: 3600 });
    const { username, password, securityToken, consumerKey, consumerSecret } = emu.credentials;
    const client = new SalesforceClient({
      login: passwordLogin({ loginUrl: emu.url, username, password, securityToken, consumerKey, consumerSecret }),
      maxConcurrent: 100, retry: false,
    });
    try {
      const id = seedRows(emu, 'load-')[0];
      await client.request({ method: 'GET', path: `sobjects/Account/${id}` });
      expect(emu.stats.logins).toBe(1);
      clock += 3600_000;
      const answers = await Promise.all(Array.from({ length: 100 },
        () => client.request<{ Id: string }>({ method: 'GET', path: `sobjects/Account/${id}` })));
      expect(answers.map(a => a.data.Id)).toEqual(Array(100).fill(id));
      expect(emu.stats.logins).toBe(2);
      expect(emu.stats.faults.sessionExpired).toBeGreaterThan(0);
    } finally {
      await emu.stop();
    }
  });
});
