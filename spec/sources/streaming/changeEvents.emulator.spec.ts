import { firstValueFrom, lastValueFrom, Subject, take, takeWhile, timer, toArray } from 'rxjs';
import type { SalesforceClient } from '../../../src/client/client.js';
import type { Emulator } from '../../../src/emulator/index.js';
import { changeEvents$, isGapEvent, publish, ReplayIdExpiredError, subscribe$, type ChangeEvent } from '../../../src/sources/streaming/index.js';
import { ValidationError } from '../../../src/util/errors.js';
import { bulkInsert, bulkUpdate } from '../../../src/sources/bulk/index.js';
import { startOrg } from '../../support/org.js';

const ACCOUNTS = '/data/AccountChangeEvent';

describe('changeEvents$ against the emulator', () => {
  let emulator: Emulator;
  let client: SalesforceClient;
  let clock: number;
  let pubsub: { client: SalesforceClient; endpoint: string; tls: false };

  beforeEach(async () => {
    clock = Date.UTC(2026, 2, 1, 12);
    ({ emulator, client } = await startOrg({
      now: () => clock,
      pubsub: { changeDataCapture: ['Account', 'Contact'], tlsPort: false, keepaliveMs: 50 },
      schemaFile: { objects: [{ name: 'Low_Ink__e', label: 'Low Ink', fields: [{ name: 'Printer_Model__c', type: 'string' },
        { name: 'Pages__c', type: 'double' }] }] },
    }));
    pubsub = { client, endpoint: `127.0.0.1:${emulator.pubsub!.port}`, tls: false };
  });
  afterEach(async () => {
    await emulator.stop();
  });

  const rest = async (method: 'POST' | 'PATCH' | 'DELETE', path: string, data?: unknown) =>
    (await firstValueFrom(client.request$({ method, path, data }))).data as { id?: string };
  /** Waits until the subscription is open on the server (so LATEST starts before the writes that follow). */
  const open = async () => {
    for (let i = 0; i < 200 && emulator.pubsub!.stats.openStreams === 0; i++) await firstValueFrom(timer(5));
    await firstValueFrom(timer(20));
  };

  it('delivers create, update, delete and undelete with their headers, changed fields and values', async () => {
    const events = lastValueFrom(changeEvents$(ACCOUNTS, pubsub).pipe(take(4), toArray()));
    await open();
    const { id } = await rest('POST', 'sobjects/Account', { Name: 'Acme', Industry: 'Energy', BillingCity: 'Paris' });
    clock += 1000;
    await rest('PATCH', `sobjects/Account/${id}`, { Name: 'Acme', Industry: null, BillingCity: 'Lyon', NumberOfEmployees: 12 });
    await rest('DELETE', `sobjects/Account/${id}`);
    expect(emulator.undelete([id!])[0].success).toBeTrue();
    const [create, update, del, undelete] = await events;

    expect(create.header).toEqual(jasmine.objectContaining({ entityName: 'Account', recordIds: [id!], changeType: 'CREATE',
      changedFields: [], commitTimestamp: Date.UTC(2026, 2, 1, 12) }));
    expect(create.header.transactionKey).toMatch(/^\w{16,}$/);
    expect(create.fields).toEqual(jasmine.objectContaining({ Name: 'Acme', Industry: 'Energy', BillingCity: 'Paris',
      BillingStreet: null, CreatedDate: '2026-03-01T12:00:00.000+0000' }));

    expect(update.header.changeType).toBe('UPDATE');
    expect([...update.header.changedFields].sort()).toEqual(['BillingCity', 'Industry', 'LastModifiedDate', 'NumberOfEmployees']);
    expect(update.header.nulledFields).toEqual(['Industry']);
    expect(update.fields).toEqual({ Industry: null, BillingCity: 'Lyon', NumberOfEmployees: 12,
      LastModifiedDate: '2026-03-01T12:00:01.000+0000' });

    expect(del.header).toEqual(jasmine.objectContaining({ changeType: 'DELETE', recordIds: [id!], changedFields: [] }));
    expect(del.fields).toEqual({});
    expect(undelete.header.changeType).toBe('UNDELETE');
    expect(undelete.fields).toEqual(jasmine.objectContaining({ Name: 'Acme', BillingCity: 'Lyon', NumberOfEmployees: 12 }));
    expect(new Set([create, update, del, undelete].map(e => e.replayId)).size).toBe(4);
  });

  it('merges the same change to several records of one collections call into one event, and /data/ChangeEvents carries every object', async () => {
    const events = lastValueFrom(changeEvents$('/data/ChangeEvents', pubsub).pipe(take(4), toArray()));
    await open();
    const created = await rest('POST', 'composite/sobjects', { allOrNone: true, records: [
      { attributes: { type: 'Account' }, Name: 'A' }, { attributes: { type: 'Account' }, Name: 'B' }] }) as unknown as { id: string }[];
    await rest('POST', 'sobjects/Contact', { LastName: 'Doe', FirstName: 'Jane' });
    await firstValueFrom(client.request$({ method: 'DELETE', path: 'composite/sobjects',
      params: { ids: created.map(c => c.id).join(',') } }));
    const [a, b, contact, deletes] = await events;
    // different values: one event each
    expect([a, b].map(e => e.header.recordIds)).toEqual(created.map(c => [c.id]));
    expect(contact.header.entityName).toBe('Contact');
    expect(contact.fields).toEqual(jasmine.objectContaining({ FirstName: 'Jane', LastName: 'Doe' }));
    expect(deletes.header).toEqual(jasmine.objectContaining({ changeType: 'DELETE', recordIds: created.map(c => c.id) }));
  });

  it('emits events for Bulk API 2.0 writes too: records changed alike share events', async () => {
    let updated = 0;
    const events = lastValueFrom(changeEvents$(ACCOUNTS, pubsub).pipe(takeWhile(e => {
      if (e.header.changeType === 'UPDATE') updated += e.header.recordIds.length;
      return updated < 30;
    }, true), toArray()));
    await open();
    const rows = Array.from({ length: 30 }, (_, i) => ({ Name: `bulk ${i}`, Industry: 'Energy' }));
    await bulkInsert('Account', rows, { client, polling: { initialMs: 20, maxMs: 50 } });
    const ids = [...emulator.store.scan('Account')].filter(r => String(r.Name).startsWith('bulk ')).map(r => r.Id);
    // Industry set to one value on every row: the rows of one transaction share an UPDATE event
    await bulkUpdate('Account', ids.map(Id => ({ Id, Industry: 'Technology' })), { client, polling: { initialMs: 20, maxMs: 50 } });
    const all = await events;
    const creates = all.slice(0, 30);
    expect(creates.every(e => e.header.changeType === 'CREATE' && e.header.recordIds.length === 1)).toBeTrue();
    expect(creates.map(e => e.fields.Name)).toEqual(rows.map(r => r.Name));
    const updates = all.slice(30);
    expect(updates.every(e => e.header.changeType === 'UPDATE' && e.fields.Industry === 'Technology')).toBeTrue();
    expect(updates.flatMap(e => e.header.recordIds).sort()).toEqual([...ids].sort());
    expect(updates.length).toBeLessThan(ids.length);
  });

  it('decodes compound fields of the bitmaps (a contact name and addresses) to the API names', async () => {
    const events = lastValueFrom(changeEvents$('/data/ContactChangeEvent', pubsub).pipe(take(2), toArray()));
    await open();
    const { id } = await rest('POST', 'sobjects/Contact', { LastName: 'Doe', FirstName: 'Jane', MailingCity: 'Oslo' });
    clock += 1000;
    await rest('PATCH', `sobjects/Contact/${id}`, { FirstName: 'Janet', MailingCity: null, OtherCity: 'Bergen', Title: 'CTO' });
    const [create, update] = await events;
    expect(create.fields).toEqual(jasmine.objectContaining({ FirstName: 'Jane', LastName: 'Doe', MailingCity: 'Oslo', OtherCity: null }));
    expect([...update.header.changedFields].sort()).toEqual(['FirstName', 'LastModifiedDate', 'MailingCity', 'OtherCity', 'Title']);
    expect(update.header.nulledFields).toEqual(['MailingCity']);
    expect(update.fields).toEqual({ FirstName: 'Janet', MailingCity: null, OtherCity: 'Bergen', Title: 'CTO',
      LastModifiedDate: '2026-03-01T12:00:01.000+0000' });
  });

  it('replays from a stored replay id after a disconnect: the changes made meanwhile, nothing twice', async () => {
    const first = lastValueFrom(changeEvents$(ACCOUNTS, pubsub).pipe(take(1), toArray()));
    await open();
    await rest('POST', 'sobjects/Account', { Name: 'before' });
    const [seen] = await first;
    // the subscriber is gone; the org goes on changing
    await rest('POST', 'sobjects/Account', { Name: 'while away 1' });
    await rest('POST', 'sobjects/Account', { Name: 'while away 2' });
    const resumed = await lastValueFrom(changeEvents$(ACCOUNTS, { ...pubsub, replay: { replayId: seen.replayId } })
      .pipe(take(2), toArray()));
    expect(resumed.map(e => e.fields.Name)).toEqual(['while away 1', 'while away 2']);
    const all = await lastValueFrom(changeEvents$(ACCOUNTS, { ...pubsub, replay: 'earliest' }).pipe(take(3), toArray()));
    expect(all.map(e => e.fields.Name)).toEqual(['before', 'while away 1', 'while away 2']);
  });

  it('reconnects after a dropped stream and resumes after the last event delivered', async () => {
    const got: ChangeEvent[] = [];
    const done = new Subject<void>();
    const sub = changeEvents$(ACCOUNTS, { ...pubsub, reconnect: { delayMs: 10 } }).subscribe(e => {
      got.push(e);
      if (got.length === 3) done.next();
    });
    await open();
    await rest('POST', 'sobjects/Account', { Name: 'one' });
    while (got.length < 1) await firstValueFrom(timer(5));
    expect(emulator.pubsub!.dropStreams()).toBe(1);
    await rest('POST', 'sobjects/Account', { Name: 'two' });
    await rest('POST', 'sobjects/Account', { Name: 'three' });
    await firstValueFrom(done);
    sub.unsubscribe();
    expect(got.map(e => e.fields.Name)).toEqual(['one', 'two', 'three']);
  });

  it('refuses a replay id older than the 72-hour retention window with ReplayIdExpiredError', async () => {
    const first = lastValueFrom(changeEvents$(ACCOUNTS, pubsub).pipe(take(1)));
    await open();
    await rest('POST', 'sobjects/Account', { Name: 'old' });
    const old = await first;
    await rest('POST', 'sobjects/Account', { Name: 'also old' });
    clock += 73 * 3600_000;
    await expectAsync(firstValueFrom(changeEvents$(ACCOUNTS, { ...pubsub, replay: { replayId: old.replayId }, reconnect: false })))
      .toBeRejectedWith(jasmine.any(ReplayIdExpiredError));
  });

  it('sends gap events when told to, and an overflow event past the per-transaction limit', async () => {
    const events = lastValueFrom(changeEvents$(ACCOUNTS, pubsub).pipe(take(5), toArray()));
    await open();
    emulator.pubsub!.sendGapEvents(1);
    const { id } = await rest('POST', 'sobjects/Account', { Name: 'gap' });
    emulator.pubsub!.overflowThreshold = 3;
    await rest('POST', 'composite/sobjects', { allOrNone: false, records: ['a', 'b', 'c', 'd', 'e']
      .map(n => ({ attributes: { type: 'Account' }, Name: n })) });
    const [gap, a, b, c, overflow] = await events;
    expect(isGapEvent(gap)).toBeTrue();
    expect(gap.header).toEqual(jasmine.objectContaining({ changeType: 'GAP_CREATE', recordIds: [id!] }));
    expect(gap.fields).toEqual({});
    expect([a, b, c].map(e => e.fields.Name)).toEqual(['a', 'b', 'c']);
    expect(overflow.header).toEqual(jasmine.objectContaining({ changeType: 'GAP_OVERFLOW', entityName: 'Account', recordIds: [] }));
  });

  it('asks for more only as a slow consumer finishes: the server never runs ahead by more than one batch', async () => {
    const batchSize = 10;
    let handled = 0;
    let maxAhead = 0;
    const watched = lastValueFrom(changeEvents$(ACCOUNTS, { ...pubsub, batchSize, process: () => {
      handled++;
      maxAhead = Math.max(maxAhead, emulator.pubsub!.stats.delivered - handled);
      return timer(1);
    } }).pipe(take(300), toArray()));
    await open();
    // a burst: 300 changes at once, published long before the consumer gets through them
    for (let i = 0; i < 3; i++) {
      await rest('POST', 'composite/sobjects', { allOrNone: false, records: Array.from({ length: 100 },
        (_, j) => ({ attributes: { type: 'Account' }, Name: `burst ${i}-${j}` })) });
    }
    const got = await watched;
    expect(got.map(e => e.fields.Name)).toEqual(Array.from({ length: 300 }, (_, k) => `burst ${Math.floor(k / 100)}-${k % 100}`));
    expect(maxAhead).toBeLessThanOrEqual(batchSize);
    expect(maxAhead).toBeGreaterThan(0);
  });

  it('publishes platform events and delivers them to /event subscribers, REST inserts included', async () => {
    const received = lastValueFrom(subscribe$('/event/Low_Ink__e', pubsub).pipe(take(3), toArray()));
    await open();
    const results = await publish('/event/Low_Ink__e', [{ Printer_Model__c: 'XZO-5', Pages__c: 12 }, { Printer_Model__c: 'XZO-6' }], pubsub);
    expect(results.map(r => r.success)).toEqual([true, true]);
    await rest('POST', 'sobjects/Low_Ink__e', { Printer_Model__c: 'REST-1' });
    const events = await received;
    expect(events.map(e => e.payload.Printer_Model__c)).toEqual(['XZO-5', 'XZO-6', 'REST-1']);
    expect(events[0].payload.Pages__c).toBe(12);
    expect(events[0].replayId).toBe(results[0].replayId!);
  });

  it('rejects bad input before anything is sent', async () => {
    const opened = () => emulator.pubsub!.stats.openStreams;
    await expectAsync(firstValueFrom(changeEvents$('AccountChangeEvent', pubsub))).toBeRejectedWith(jasmine.any(ValidationError));
    await expectAsync(firstValueFrom(changeEvents$(ACCOUNTS, { ...pubsub, batchSize: 0 }))).toBeRejectedWithError(/batchSize/);
    await expectAsync(firstValueFrom(changeEvents$(ACCOUNTS, { ...pubsub, replay: { replayId: '%%' } }))).toBeRejectedWithError(/replay/);
    await expectAsync(firstValueFrom(changeEvents$(ACCOUNTS, { client, endpoint: 'pubsub.example.com:7443', tls: false })))
      .toBeRejectedWithError(TypeError, /loopback/);
    await expectAsync(publish('/event/Low_Ink__e', [{ Nope__c: 1 }], pubsub)).toBeRejectedWithError(ValidationError, /Nope__c/);
    expect(opened()).toBe(0);
  });
});
