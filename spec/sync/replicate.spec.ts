import { filter, map, type Observable, takeUntil, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { replicate$, type Checkpoint, type ReplicateOptions, type ReplicationEvent } from '../../src/index.js';
import {
  createTestClient, replicationOrg, respond, sfError, type CannedResponse, type ReplicationOrg, type TestClientOptions,
} from '../../src/testing/index.js';

const FIELDS = [{ name: 'Name', type: 'string' }, { name: 'Amount__c', type: 'double' }];

describe('replicate$ (virtual time)', () => {
  let scheduler: TestScheduler;

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** Runs one replication for `untilMs` of virtual time against a fake org the test prepares and changes. */
  function replicate(
    opts: Partial<ReplicateOptions>,
    untilMs: number,
    script: (org: ReplicationOrg, at: (ms: number, work: () => void) => void) => void,
    clientOptions: TestClientOptions = {},
  ): { events: ReplicationEvent[]; times: number[]; org: ReplicationOrg; requests: { time: number; path: string; q?: string }[] } {
    const events: ReplicationEvent[] = [];
    const times: number[] = [];
    let org!: ReplicationOrg;
    let log!: { time: number; path: string; query: Record<string, string> }[];
    scheduler.run(() => {
      org = replicationOrg(scheduler, { object: 'Account', fields: FIELDS.map(f => ({ ...f })) });
      const at = (ms: number, work: () => void) => { scheduler.schedule(work, ms); };
      script(org, at);
      const test = createTestClient(scheduler, { ...clientOptions, routes: [...(clientOptions.routes ?? []), ...org.routes] });
      log = test.requests;
      replicate$('Account', { client: test.client, pollInterval: 1000, overlapMs: 5000, ...opts })
        .pipe(takeUntil(timer(untilMs, scheduler)))
        .subscribe({ next: e => { events.push(e); times.push(scheduler.now()); }, error: (err: unknown) => fail(err) });
    });
    return { events, times, org, requests: log.map(r => ({ time: r.time, path: r.path.split('?')[0], q: r.query.q })) };
  }

  const upserts = (events: ReplicationEvent[]) => events.flatMap(e => (e.type === 'upsert' ? [e.record] : []));
  const checkpoints = (events: ReplicationEvent[]) => events.flatMap(e => (e.type === 'checkpoint' ? [e.checkpoint] : []));
  const after = (events: ReplicationEvent[], type: ReplicationEvent['type']) => events.slice(events.findIndex(e => e.type === type) + 1);

  it('loads the object, then emits each change once although every round reads back over the overlap', () => {
    let a = '';
    const { events, requests } = replicate({}, 6500, (org, at) => {
      a = org.insert({ Name: 'Acme', Amount__c: 1 });
      org.insert({ Name: 'Globex', Amount__c: 2 });
      at(1500, () => org.update(a, { Amount__c: 10 }));
    });
    const initial = events.slice(0, events.findIndex(e => e.type === 'checkpoint'));
    expect(upserts(initial).map(r => r.Name)).toEqual(['Acme', 'Globex']);
    const incremental = after(events, 'checkpoint');
    // rounds at 2000 … 6000 all reach back 5 s and read the update again; it is emitted once
    expect(upserts(incremental)).toEqual([jasmine.objectContaining({ Id: a, Amount__c: 10 })]);
    const rounds = requests.filter(r => r.path.endsWith('/queryAll'));
    expect(rounds.length).toBe(6);
    expect(rounds.every(r => / SystemModstamp >= /.test(r.q!))).toBeTrue();
  });

  it('sees a change committed late with a stamp older than the last round, within the overlap', () => {
    let late = '';
    const { events } = replicate({}, 4500, (org, at) => {
      org.insert({ Name: 'Acme' });
      // committed at 3.5 s, stamped 2.5 s: the round at 3 s could not see it
      at(3500, () => { late = org.insert({ Name: 'Late' }, org.now() - 1000); });
    });
    expect(upserts(after(events, 'checkpoint')).map(r => r.Id)).toEqual([late]);
  });

  describe('with an overlap longer than the recent margin (rounds read a settled slice and the recent rows)', () => {
    const epoch = Date.UTC(2024, 4, 1);
    const queryAll = <R extends { path: string }>(requests: R[]) => requests.filter(r => r.path.endsWith('/queryAll'));

    it('sends one request a round while the overlap still holds thousands of changes already emitted', () => {
      const { events, requests } = replicate({ overlapMs: 30_000 }, 20_500, (org, at) => {
        org.insert({ Name: 'before' });
        at(1200, () => { for (let i = 0; i < 4500; i++) org.insert({ Name: `bulk ${i}` }, epoch + 1100 + (i % 50)); });
      });
      const changed = upserts(after(events, 'checkpoint'));
      expect(changed.length).toBe(4500);
      expect(new Set(changed.map(r => r.Id)).size).toBe(4500);
      // the rounds until 7 s page through the 4,500 rows (each reads back to 5 s before the previous one began);
      // from 8 s on they are behind the recent reach and not yet settled, so each round asks once (reading the whole
      // overlap again would take 3 pages a round until 31 s)
      const byRound = new Map<number, number>();
      for (const r of queryAll(requests)) byRound.set(r.time, (byRound.get(r.time) ?? 0) + 1);
      for (let t = 2000; t <= 7000; t += 1000) expect(byRound.get(t)).withContext(`round at ${t} ms`).toBe(3);
      for (let t = 8000; t <= 20_000; t += 1000) expect(byRound.get(t)).withContext(`round at ${t} ms`).toBe(1);
      expect(queryAll(requests).at(-1)!.q).toMatch(/\(\(SystemModstamp >= \S+ AND SystemModstamp < \S+\) OR SystemModstamp >= \S+\)/);
    });

    it('emits a row and an update committed 10 s late, stamped before the recent reach, once their stamps settle', () => {
      let a = '';
      let late = '';
      const { events, times } = replicate({ overlapMs: 30_000 }, 36_500, (org, at) => {
        a = org.insert({ Name: 'A' });
        at(1500, () => org.update(a, { Name: 'A 2' }));
        // committed at 12 s and 12.5 s, stamped 2 s and 3 s: the rounds from 13 s on read the recent rows from
        // 7 s, 8 s …, so only the settled slices of the rounds at 33 s and 34 s reach them
        at(12_000, () => { late = org.insert({ Name: 'Late' }, epoch + 2000); });
        at(12_500, () => org.update(a, { Name: 'A 3' }, epoch + 3000));
      });
      const emitted = events.flatMap((e, i) => (e.type === 'upsert' ? [{ at: times[i], name: e.record.Name, id: e.record.Id }] : []));
      expect(emitted.filter(e => e.at > 0)).toEqual([
        { at: 2000, name: 'A 2', id: a },
        { at: 33_000, name: 'Late', id: late },
        { at: 34_000, name: 'A 3', id: a },
      ]);
      // no checkpoint before them claims their stamps: a restart from any of them would read them
      events.forEach((e, i) => {
        if (e.type !== 'checkpoint') return;
        if (times[i] < 33_000) expect(Date.parse(e.checkpoint.watermark)).toBeLessThanOrEqual(epoch + 2000);
        if (times[i] < 34_000) expect(Date.parse(e.checkpoint.watermark)).toBeLessThanOrEqual(epoch + 3000);
      });
    });
  });

  it('never puts the watermark ahead of the org clock minus the overlap, and moves it while idle', () => {
    const { events, times } = replicate({}, 3500, o => { o.insert({ Name: 'Acme' }); });
    const epoch = Date.UTC(2024, 4, 1);
    const marks = events.flatMap((e, i) => (e.type === 'checkpoint' ? [{ at: epoch + times[i], mark: Date.parse(e.checkpoint.watermark) }] : []));
    expect(marks.length).toBe(4);
    for (const { at, mark } of marks) expect(mark).toBeLessThanOrEqual(at - 5000);
    // each idle round moves it on by the interval
    expect(marks.map(m => m.mark - marks[0].mark)).toEqual([0, 1000, 2000, 3000]);
  });

  it('pages through thousands of rows sharing one SystemModstamp without skipping or repeating one', () => {
    const { events, requests } = replicate({}, 2500, (org, at) => {
      org.insert({ Name: 'before' });
      at(1200, () => { const t = org.now(); for (let i = 0; i < 4500; i++) org.insert({ Name: `bulk ${i}` }, t); });
    });
    const changed = upserts(after(events, 'checkpoint'));
    expect(changed.length).toBe(4500);
    expect(new Set(changed.map(r => r.Id)).size).toBe(4500);
    // 2,000 + 2,000 + 500, each page resuming after the last (stamp, Id)
    const pages = requests.filter(r => r.path.endsWith('/queryAll') && r.time === 2000);
    expect(pages.length).toBe(3);
    expect(pages[1].q).toMatch(/\(SystemModstamp > \S+ OR \(SystemModstamp = \S+ AND Id > '/);
  });

  it('loads thousands of rows sharing one stamp in keyset pages as well', () => {
    const { events } = replicate({}, 500, org => {
      const t = org.now();
      for (let i = 0; i < 4100; i++) org.insert({ Name: `row ${i}` }, t);
    });
    expect(new Set(upserts(events).map(r => r.Id)).size).toBe(4100);
    expect(upserts(events).length).toBe(4100);
  });

  it('emits a delete inside the window before the checkpoint that covers it, once', () => {
    let gone = '';
    const { events } = replicate({}, 4500, (org, at) => {
      org.insert({ Name: 'Acme' });
      gone = org.insert({ Name: 'Gone' });
      at(1500, () => org.update(gone, { Name: 'Going' }));
      at(1600, () => org.delete(gone));
    });
    const rest = after(events, 'checkpoint').filter(e => e.type === 'upsert' || e.type === 'delete' || e.type === 'checkpoint');
    const incremental = rest.slice(rest.findIndex(e => e.type !== 'checkpoint'));
    expect(incremental[0]).toEqual(jasmine.objectContaining({ type: 'delete', id: gone, reason: 'deleted', deletedAt: new Date(Date.UTC(2024, 4, 1) + 1600).toISOString() }));
    expect(incremental[1].type).toBe('checkpoint');
    expect(incremental.filter(e => e.type === 'delete' || e.type === 'upsert').length).toBe(1);
  });

  it('resyncs when the checkpoint is older than the delete log reaches, and says why', () => {
    const epoch = Date.UTC(2024, 4, 1);
    const stale: Checkpoint = {
      object: 'Account', field: 'SystemModstamp', watermark: new Date(epoch - 3_600_000).toISOString(), where: null,
      loadedAt: new Date(epoch - 7_200_000).toISOString(), deletesCoveredTo: new Date(epoch - 3_600_000).toISOString(),
    };
    let keep = '';
    const { events } = replicate({ checkpoint: stale }, 500, org => {
      keep = org.insert({ Name: 'Acme' });
      const ghost = org.insert({ Name: 'Ghost' });
      org.delete(ghost);
      org.purgeDeleteLog();
    });
    const kinds = events.filter(e => e.type !== 'schema' && e.type !== 'progress');
    expect(kinds[0]).toEqual(jasmine.objectContaining({ type: 'phase', phase: 'resync', reason: 'checkpoint-expired' }));
    expect(upserts(events).map(r => r.Id)).toEqual([keep]);
    expect(events.find(e => e.type === 'checkpoint')).toEqual(jasmine.objectContaining({ fullLoad: true }));
  });

  it('resyncs when the mirror was taken with another filter', () => {
    const epoch = Date.UTC(2024, 4, 1);
    const checkpoint: Checkpoint = {
      object: 'Account', field: 'SystemModstamp', watermark: new Date(epoch - 60_000).toISOString(), where: null,
      loadedAt: new Date(epoch - 3_600_000).toISOString(), deletesCoveredTo: new Date(epoch - 120_000).toISOString(),
    };
    const events: ReplicationEvent[] = [];
    scheduler.run(() => {
      const org = replicationOrg(scheduler, { object: 'Account', fields: FIELDS, where: r => Number(r.Amount__c) > 5 });
      org.insert({ Name: 'Big', Amount__c: 10 });
      org.insert({ Name: 'Small', Amount__c: 1 });
      const { client } = createTestClient(scheduler, { routes: org.routes });
      replicate$('Account', { client, checkpoint, where: 'Amount__c > 5', pollInterval: 1000 }).pipe(takeUntil(timer(500, scheduler)))
        .subscribe(e => events.push(e));
    });
    expect(events.find(e => e.type === 'phase')).toEqual(jasmine.objectContaining({ phase: 'resync', reason: 'filter-changed' }));
    expect(upserts(events).map(r => r.Name)).toEqual(['Big']);
    expect(checkpoints(events).at(-1)!.where).toBe('Amount__c > 5');
  });

  it('reads the org delete log on start, so a row purged while stopped is still deleted', () => {
    const epoch = Date.UTC(2024, 4, 1);
    const checkpoint: Checkpoint = {
      object: 'Account', field: 'SystemModstamp', watermark: new Date(epoch - 120_000).toISOString(), where: null,
      loadedAt: new Date(epoch - 3_600_000).toISOString(), deletesCoveredTo: new Date(epoch - 600_000).toISOString(),
    };
    let purged = '';
    const { events, requests } = replicate({ checkpoint }, 100, org => {
      org.insert({ Name: 'Acme' }, epoch - 300_000);
      purged = org.insert({ Name: 'Purged' }, epoch - 300_000);
      org.delete(purged, epoch - 240_000);
      org.purge(purged);
    });
    expect(events.filter(e => e.type === 'delete')).toEqual([
      jasmine.objectContaining({ id: purged, reason: 'deleted', deletedAt: new Date(epoch - 240_000).toISOString() }),
    ]);
    const getDeleted = requests.filter(r => r.path.includes('/deleted/'));
    expect(getDeleted.length).toBe(1);
    // the next check moves on from where this one ended
    expect(checkpoints(events).at(-1)!.deletesCoveredTo).toBe(new Date(epoch).toISOString());
  });

  it('picks up a field added in describe and back-fills it; a removed field is no longer asked for', () => {
    let a = '';
    const { events, requests } = replicate({ schemaInterval: 0 }, 5500, (org, at) => {
      a = org.insert({ Name: 'Acme' });
      at(1500, () => { org.addField({ name: 'Rating__c', type: 'string' }); org.update(a, { Rating__c: 'Hot', Name: 'Acme 2' }); });
      at(3500, () => { org.removeField('Amount__c'); org.update(a, { Name: 'Acme 3' }); });
    });
    const schema = events.filter(e => e.type === 'schema');
    expect(schema.length).toBe(3);
    expect(schema[1]).toEqual(jasmine.objectContaining({ added: ['Rating__c'], removed: [] }));
    expect(schema[2]).toEqual(jasmine.objectContaining({ added: [], removed: ['Amount__c'] }));
    // the back-fill brings the new field's value
    expect(upserts(events)).toContain(jasmine.objectContaining({ Id: a, Rating__c: 'Hot' }));
    expect(upserts(events).at(-1)).toEqual(jasmine.objectContaining({ Name: 'Acme 3' }));
    expect(upserts(events).at(-1)).not.toEqual(jasmine.objectContaining({ Amount__c: jasmine.anything() }));
    const lastQuery = requests.filter(r => r.path.endsWith('/queryAll')).at(-1)!.q!;
    expect(lastQuery).not.toContain('Amount__c');
    expect(events.some(e => e.type === 'retry' && e.attempt > 1)).toBeFalse();
  });

  it('retries a failed round after a backoff and keeps the checkpoint until it succeeds', () => {
    scheduler.run(({ expectObservable }) => {
      const org = replicationOrg(scheduler, { object: 'Account', fields: FIELDS });
      const a = org.insert({ Name: 'Acme' });
      scheduler.schedule(() => org.update(a, { Name: 'Acme 2' }), 1500);
      let failed = false;
      const flaky = respond('GET', /\/queryAll\?/, req => {
        if (req.time === 2000 && !failed) {
          failed = true;
          return sfError(503, 'SERVER_UNAVAILABLE', 'down for maintenance');
        }
        return (org.routes[2].replies[0] as (r: typeof req) => CannedResponse)(req);
      });
      const { client } = createTestClient(scheduler, { routes: [...org.routes, flaky], retry: false });
      const kinds$: Observable<string> = replicate$('Account', { client, pollInterval: 1000, overlapMs: 5000 }).pipe(
        filter(e => e.type === 'retry' || e.type === 'checkpoint' || e.type === 'upsert'),
        map(e => (e.type === 'retry' ? `retry ${e.attempt} after ${e.delayMs}` : e.type)),
      );
      // 0: load (upsert, checkpoint); 1000: idle round; 2000: the round fails, retried at 3000 with the change
      expectObservable(kinds$, '^ 3500ms !').toBe('(ab) 996ms b 999ms c 999ms (db)', {
        a: 'upsert', b: 'checkpoint', c: 'retry 1 after 1000', d: 'upsert',
      });
    });
  });
  describe('after a restart from a stored checkpoint', () => {
    /**
     * A first replication runs until 2500 ms (load at 0, rounds at 1000 and 2000, A changed at 1500), storing each
     * checkpoint as a consumer does after applying the events before it; C is inserted at 2700 while nothing runs;
     * a second replication starts at 3000 from the stored checkpoint, as changed by `stored`.
     */
    function restart(stored: (c: Checkpoint) => Checkpoint) {
      const second: ReplicationEvent[] = [];
      const ids: Record<string, string> = {};
      let saved: Checkpoint | undefined;
      let log: { time: number; query: Record<string, string> }[] = [];
      scheduler.run(() => {
        const org = replicationOrg(scheduler, { object: 'Account', fields: FIELDS.map(f => ({ ...f })) });
        ids.a = org.insert({ Name: 'A' });
        ids.b = org.insert({ Name: 'B' });
        scheduler.schedule(() => org.update(ids.a!, { Name: 'A 2' }), 1500);
        scheduler.schedule(() => { ids.c = org.insert({ Name: 'C' }); }, 2700);
        const test = createTestClient(scheduler, { routes: org.routes });
        const opts = { client: test.client, pollInterval: 1000, overlapMs: 5000 };
        replicate$('Account', opts).pipe(takeUntil(timer(2500, scheduler))).subscribe({
          next: e => { if (e.type === 'checkpoint') saved = e.checkpoint; },
          error: (err: unknown) => fail(err),
        });
        scheduler.schedule(() => {
          replicate$('Account', { ...opts, checkpoint: stored(saved!) }).pipe(takeUntil(timer(800, scheduler)))
            .subscribe({ next: e => second.push(e), error: (err: unknown) => fail(err) });
        }, 3000);
        log = test.requests;
      });
      return { second, ids, saved: saved!, queries: log.map(r => ({ time: r.time, q: r.query.q })) };
    }

    it('does not emit again what the checkpoint covers, although its first round reads the overlap again', () => {
      const { second, ids, saved, queries } = restart(c => c);
      // the checkpoint remembers A's change and the load's rows, all stamped inside the overlap
      expect(saved.seen).toEqual({
        [new Date(Date.UTC(2024, 4, 1)).toISOString()]: [ids.b],
        [new Date(Date.UTC(2024, 4, 1) + 1500).toISOString()]: [ids.a],
      });
      // the first round reads A, B and C (its window starts before all of them) and emits only C
      const round = queries.filter(r => r.time === 3000 && / SystemModstamp >= /.test(r.q ?? ''));
      expect(round.length).toBe(1);
      expect(upserts(second).map(r => r.Name)).toEqual(['C']);
      expect(second.filter(e => e.type === 'round')).toEqual([jasmine.objectContaining({ phase: 'incremental', upserts: 1, deletes: 0 })]);
      // and its checkpoint remembers C as well
      expect(Object.values(checkpoints(second).at(-1)!.seen ?? {}).flat()).toEqual(jasmine.arrayWithExactContents([ids.a, ids.b, ids.c]));
    });

    it('emits them again from a checkpoint stored before checkpoints remembered them (harmless: upserts by Id)', () => {
      const { second, ids } = restart(({ seen: _seen, ...old }) => old);
      expect(upserts(second).map(r => r.Id)).toEqual(jasmine.arrayWithExactContents([ids.a, ids.b, ids.c]));
    });

    it('refuses a checkpoint whose remembered changes are malformed, naming the entry', () => {
      const epoch = '2024-05-01T00:00:00.000Z';
      const cp: Checkpoint = { object: 'Account', field: 'SystemModstamp', watermark: epoch, where: null, loadedAt: epoch };
      expect(() => replicate$('Account', { checkpoint: { ...cp, seen: { yesterday: ['001'] } } }))
        .toThrowError(/checkpoint: seen: "yesterday" is no date/);
      expect(() => replicate$('Account', { checkpoint: { ...cp, seen: { [epoch]: [1] } } as unknown as Checkpoint }))
        .toThrowError(/checkpoint: seen: the Ids at 2024-05-01T00:00:00.000Z are not a list of Ids/);
    });
  });

  it('begins rounds an interval apart counted from each round\'s start, however long a round takes', () => {
    let queryAllTimes: number[] = [];
    scheduler.run(() => {
      const org = replicationOrg(scheduler, { object: 'Account', fields: FIELDS.map(f => ({ ...f })) });
      org.insert({ Name: 'Acme' });
      // every round's query takes 400 ms to answer
      const slow = respond('GET', /\/queryAll\?/, req => timer(400, scheduler).pipe(
        map(() => (org.routes[2].replies[0] as (r: typeof req) => CannedResponse)(req))));
      const test = createTestClient(scheduler, { routes: [...org.routes, slow] });
      replicate$('Account', { client: test.client, pollInterval: 1000, overlapMs: 5000 }).pipe(takeUntil(timer(3500, scheduler)))
        .subscribe({ error: (err: unknown) => fail(err) });
      scheduler.schedule(() => { queryAllTimes = slow.hits.map(r => r.time); }, 3499);
    });
    // not 1000, 2400, 3800: the 400 ms a round takes is inside the interval, not added to it
    expect(queryAllTimes).toEqual([1000, 2000, 3000]);
  });
});
