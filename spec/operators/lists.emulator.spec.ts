import { from, lastValueFrom, mergeMap, throwError, toArray } from 'rxjs';
import { SalesforceClient } from '../../src/client/client.js';
import { NetworkError, ValidationError } from '../../src/client/errors.js';
import { axiosTransport } from '../../src/client/transport.js';
import type { Emulator } from '../../src/emulator/index.js';
import { defineSObject, sf } from '../../src/model/index.js';
import { deleteRecords } from '../../src/operators/deleteRecords.js';
import { insertRecords } from '../../src/operators/insertRecords.js';
import { results } from '../../src/operators/results.js';
import { updateRecords } from '../../src/operators/updateRecords.js';
import { upsertRecords } from '../../src/operators/upsertRecords.js';
import type { ListEvent, ListSaveResult } from '../../src/sources/collections/types.js';
import { loginTo, withOrg } from '../support/org.js';

const Account = defineSObject('Account', {
  Id: sf.id(),
  Name: sf.string({ length: 255 }),
  External_Id__c: sf.string({ externalId: true, length: 40 }).optional(),
  NumberOfEmployees: sf.int().optional(),
});
const Contact = defineSObject('Contact', { Id: sf.id(), LastName: sf.string({ length: 80 }) });
const ContentVersion = defineSObject('ContentVersion', { Id: sf.id(), Title: sf.string(), PathOnClient: sf.string().optional(), VersionData: sf.blob() });

describe('list operators against the emulator', () => {
  let emu: Emulator;
  let client: SalesforceClient;
  withOrg({ client: { retry: false } }, org => ({ emulator: emu, client } = org));
  afterEach(() => emu.faults.set({ lockRate: 0 }));

  const names = (prefix: string, n: number) => Array.from({ length: n }, (_v, i) => ({ Name: `${prefix} ${i}` }));

  it('inserts 450 records in 3 requests, results in input order, ids written back', async () => {
    const rows = names('Insert', 450);
    const before = emu.stats.apiRequests;
    const events = await lastValueFrom(from(rows).pipe(insertRecords(Account, { client, concurrency: 3 }), toArray()));
    const complete = events[events.length - 1] as Extract<ListEvent<ListSaveResult>, { type: 'complete' }>;
    expect(events.filter((e) => e.type === 'progress').map((e) => e.type === 'progress' && e.batch.size).sort()).toEqual([200, 200, 50]);
    expect(emu.stats.apiRequests - before).toBe(3);
    expect(complete.results.every((r) => r.success)).toBeTrue();
    expect(complete.results.map((r) => r.id)).toEqual(rows.map((r) => (r as { Id?: string }).Id!));
    expect(emu.store.get(complete.results[449].id!)?.Name).toBe('Insert 449');
  });

  it('reports per-record errors as data and rolls back the whole batch with allOrNone', async () => {
    const rows = [{ Name: 'Good 1' }, { Name: 'Bad', NumberOfEmployees: 1_000_000_000 }, { Name: 'Good 2' }];
    const partial = await lastValueFrom(from(rows.map((r) => ({ ...r }))).pipe(insertRecords(Account, { client }), results()));
    expect(partial.map((r) => r.success)).toEqual([true, false, true]);
    expect(partial[1].errors[0].statusCode).toMatch(/^[A-Z_]+$/);

    const count = emu.store.count('Account');
    const atomic = await lastValueFrom(from(rows.map((r) => ({ ...r }))).pipe(insertRecords(Account, { client, allOrNone: true }), results()));
    expect(atomic.map((r) => r.success)).toEqual([false, false, false]);
    expect(atomic[0].errors[0].statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(atomic[1].errors[0].statusCode).toBe(partial[1].errors[0].statusCode);
    expect(emu.store.count('Account')).toBe(count);
  });

  it('updates with onlyChanges, sending nothing for unchanged records', async () => {
    const [a, b] = [{ Name: 'U1' }, { Name: 'U2' }] as { Id?: string; Name: string }[];
    await lastValueFrom(from([a, b]).pipe(insertRecords(Account, { client }), results()));
    b.Name = 'U2 renamed';
    const before = emu.stats.apiRequests;
    const res = await lastValueFrom(from([a, b]).pipe(updateRecords(Account, { client, onlyChanges: true }), results()));
    expect(res.map((r) => [r.id, r.success])).toEqual([[a.Id!, true], [b.Id!, true]]);
    expect(emu.stats.apiRequests - before).toBe(1);
    expect(emu.store.get(b.Id!)?.Name).toBe('U2 renamed');
    const again = emu.stats.apiRequests;
    await lastValueFrom(from([a, b]).pipe(updateRecords(Account, { client, onlyChanges: true }), results()));
    expect(emu.stats.apiRequests).toBe(again);
  });

  it('upserts on an external id: created, then updated', async () => {
    const first = await lastValueFrom(from([{ External_Id__c: 'UP-1', Name: 'Up' }]).pipe(upsertRecords(Account, 'External_Id__c', { client }), results()));
    expect(first[0]).toEqual(jasmine.objectContaining({ success: true, created: true }));
    const second = await lastValueFrom(from([{ External_Id__c: 'UP-1', Name: 'Up 2' }]).pipe(upsertRecords(Account, 'External_Id__c', { client }), results()));
    expect(second[0]).toEqual(jasmine.objectContaining({ success: true, created: false, id: first[0].id }));
    expect(emu.store.get(first[0].id!)?.Name).toBe('Up 2');
  });

  it('deletes ids of several objects, keeping to the 10-chunk rule, and reports unknown ids per record', async () => {
    const accounts = names('Del', 6);
    const contacts = Array.from({ length: 6 }, (_v, i) => ({ LastName: `Del ${i}` }));
    await lastValueFrom(from(accounts).pipe(insertRecords(Account, { client }), results()));
    await lastValueFrom(from(contacts).pipe(insertRecords(Contact, { client }), results()));
    const ids = accounts.flatMap((a, i) => [(a as { Id?: string }).Id!, (contacts[i] as { Id?: string }).Id!]);
    const before = emu.stats.apiRequests;
    const res = await lastValueFrom(from(ids).pipe(deleteRecords({ client }), results()));
    expect(res.every((r) => r.success)).toBeTrue();
    expect(emu.stats.apiRequests - before).toBe(2); // 12 alternating runs → 10 + 2
    const gone = await lastValueFrom(from([ids[0]]).pipe(deleteRecords({ client }), results()));
    expect(gone[0].success).toBeFalse();
    expect(gone[0].errors[0].statusCode).toMatch(/ENTITY_IS_DELETED|INVALID_CROSS_REFERENCE_KEY|NOT_FOUND/);
  });

  it('reports a delete batch re-sent after its answer was lost as deleted, not ENTITY_IS_DELETED', async () => {
    const rows = names('Resent delete', 3);
    await lastValueFrom(from(rows).pipe(insertRecords(Account, { client }), results()));
    const ids = rows.map((r) => (r as { Id?: string }).Id!);
    // the org deletes the rows, then the connection drops before the answer arrives
    const real = axiosTransport();
    let deletes = 0;
    const flaky = new SalesforceClient({
      login: loginTo(emu),
      retry: { maxAttempts: 2, baseDelayMs: 1 },
      transport: (req) =>
        req.method === 'DELETE' && deletes++ === 0
          ? real(req).pipe(mergeMap(() => throwError(() => new NetworkError({ code: 'ECONNRESET', message: 'socket hang up', method: req.method, url: req.url }))))
          : real(req),
    });
    const res = await lastValueFrom(from(ids).pipe(deleteRecords({ client: flaky }), results()));
    expect(deletes).toBe(2);
    expect(res).toEqual(ids.map((id) => ({ id, success: true, errors: [] })));
    expect(ids.every((id) => emu.store.get(id) === undefined)).toBeTrue();
  });

  it('sends records carrying bytes one at a time as multipart, the rest in one collection, results in input order', async () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    const rows = [
      { attributes: { type: 'Account' }, Name: 'Blob neighbour 1' },
      { attributes: { type: 'ContentVersion' }, Title: 'one', PathOnClient: 'one.txt', VersionData: bytes('first file') },
      { attributes: { type: 'Account' }, Name: 'Blob neighbour 2' },
      { attributes: { type: 'ContentVersion' }, Title: 'two', VersionData: bytes('second file') }, // no PathOnClient: refused
      { attributes: { type: 'ContentVersion' }, Title: 'three', PathOnClient: 'three.txt', VersionData: bytes('third file') },
    ];
    const before = emu.stats.apiRequests;
    const res = await lastValueFrom(from(rows).pipe(insertRecords([Account, ContentVersion], { client }), results()));
    expect(emu.stats.apiRequests - before).toBe(4); // one collection for the Accounts, one multipart per file
    expect(res.map((r) => r.success)).toEqual([true, true, true, false, true]);
    expect(res.map((r) => r.id?.slice(0, 3) ?? null)).toEqual(['001', '068', '001', null, '068']);
    expect(res[3].errors[0].statusCode).toMatch(/^[A-Z_]+$/);
    expect(emu.store.blob(res[1].id!)?.toString()).toBe('first file');
    expect(emu.store.blob(res[4].id!)?.toString()).toBe('third file');
  });

  it('inserts a mixed Account/Contact stream in batches of at most 10 chunks', async () => {
    const rows = Array.from({ length: 24 }, (_v, i) =>
      i % 2 ? { attributes: { type: 'Contact' }, LastName: `Mixed ${i}` } : { attributes: { type: 'Account' }, Name: `Mixed ${i}` },
    );
    const before = emu.stats.apiRequests;
    const res = await lastValueFrom(from(rows).pipe(insertRecords([Account, Contact], { client }), results()));
    expect(res.every((r) => r.success)).toBeTrue();
    expect(res.map((r) => r.id!.slice(0, 3))).toEqual(rows.map((_r, i) => (i % 2 ? '003' : '001')));
    expect(emu.stats.apiRequests - before).toBe(3); // 24 runs of 1 → 10 + 10 + 4
  });

  it('re-sends records that come back UNABLE_TO_LOCK_ROW', async () => {
    // 0.2 ** 12 per record: no record stays locked through every attempt, whatever order requests arrive in
    emu.faults.set({ lockRate: 0.2 });
    const locksBefore = emu.stats.faults.lock;
    const rows = names('Lock', 100);
    const res = await lastValueFrom(from(rows).pipe(insertRecords(Account, { client, lockRetries: 12, lockRetryDelayMs: 1 }), results()));
    expect(emu.stats.faults.lock - locksBefore).toBeGreaterThan(0);
    expect(res.every((r) => r.success)).toBeTrue();
    expect(new Set(res.map((r) => r.id)).size).toBe(100);
  });

  it('fails with a ValidationError before any request', async () => {
    const before = emu.stats.apiRequests;
    const bad = [{ Name: 'ok' }, { Name: 42 }] as unknown as { Name: string }[];
    const error = await lastValueFrom(from(bad).pipe(insertRecords(Account, { client }))).catch((e: unknown) => e);
    expect(error).toEqual(jasmine.any(ValidationError));
    expect((error as ValidationError).recordIndex).toBe(1);
    expect((error as ValidationError).field).toBe('Name');
    expect(emu.stats.apiRequests).toBe(before);
  });
});
