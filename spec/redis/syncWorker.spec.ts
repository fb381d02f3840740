/**
 * syncWorker$ in process, against the emulator and a Redis server (pending without one, failing under CI): cold until
 * subscribed, one round per object at a time (a job for a stream whose round runs elsewhere is skipped), and a
 * graceful stop that lets the round in hand commit.
 */
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { lastValueFrom, Subject, toArray } from 'rxjs';
import type { Emulator } from '../../src/emulator/index.js';
import { syncWorker$, type SyncWorkerEvent } from '../../src/redis/index.js';
import { memoryCheckpointStore, type ReplicationSink, type SyncRecord } from '../../src/sync/index.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { emulatorWithAccounts } from './support/accounts.js';

/** A sink in memory: rows by object and Id, checkpoints beside them. */
function memorySink(): ReplicationSink & { rows: Map<string, Map<string, SyncRecord>> } {
  const checkpoints = memoryCheckpointStore();
  const rows = new Map<string, Map<string, SyncRecord>>();
  const table = (o: string) => rows.get(o) ?? rows.set(o, new Map()).get(o)!;
  return {
    rows,
    async apply(events) {
      for (const e of events) {
        if (e.type === 'upsert') table(e.object).set(e.record.Id, e.record);
        if (e.type === 'delete') table(e.object).delete(e.id);
        if (e.type === 'checkpoint') await checkpoints.save(e.checkpoint);
      }
    },
    load: o => checkpoints.load(o),
    save: c => checkpoints.save(c),
    status: () => Promise.resolve([]),
    close: () => Promise.resolve(),
  };
}

describe('syncWorker$', () => {
  let emu: Emulator | undefined;
  let connections: Redis[];
  const connect = () => { const r = new Redis(redisUrl()); connections.push(r); return r; };

  beforeEach(() => { emu = undefined; connections = []; });
  afterEach(async () => {
    await Promise.all(connections.map(c => c.quit().catch(() => c.disconnect())));
    await emu?.stop();
  });

  it('touches nothing before subscribe, skips a round whose stream is busy, and commits the round in hand on stop', async () => {
    const redis = connect();
    const prefix = uniquePrefix();
    const seeded = await emulatorWithAccounts({ seed: 3, latencyMs: 1000, count: 2500, name: 'Worker' });
    emu = seeded.emu;
    const client = seeded.client;
    const sink = memorySink();
    const options = { redis, client, sink, org: '00Dspec', objects: ['Account'], intervalMs: 600_000, leaseMs: 2000, prefix, queue: 'spec' };
    const stopA = new Subject<void>();
    const stopB = new Subject<void>();
    // a runs one round at a time, so the second job for Account can only go to b
    const a$ = syncWorker$({ ...options, stop: stopA, workerName: 'a', concurrency: 1 });
    const b$ = syncWorker$({ ...options, stop: stopB, workerName: 'b' });
    expect(await redis.keys(`*${prefix}*`)).withContext('nothing before subscribe').toEqual([]);

    const aEvents = lastValueFrom(a$.pipe(toArray()));
    // wait for worker a to have the round in hand
    const until = Date.now() + 60_000;
    while (!(await redis.exists(`mutex:${prefix}:00Dspec:spec:stream:account`))) {
      if (Date.now() > until) throw new Error('no round started');
      await new Promise(r => setTimeout(r, 20));
    }
    const bDone = lastValueFrom(b$.pipe(toArray()));
    // another job for the same object, while a's round runs: b takes it and leaves it to a's round
    const queueConnection = redis.duplicate({ maxRetriesPerRequest: null });
    connections.push(queueConnection);
    const queue = new Queue(`spec-00Dspec`, { connection: queueConnection, prefix });
    await queue.add('round', { object: 'Account' });
    const skipBy = Date.now() + 60_000;
    let bEvents: SyncWorkerEvent[] | undefined;
    const bCollected = bDone.then(events => { bEvents = events; });
    while (!(await queue.getCompleted()).some(j => j.returnvalue === 'skipped')) {
      if (Date.now() > skipBy) throw new Error('the duplicate job was not skipped');
      await new Promise(r => setTimeout(r, 50));
    }
    stopA.next();
    stopB.next();
    const events = await aEvents;
    await bCollected;
    await queue.close();
    const rounds = events.filter(e => e.type === 'round');
    expect(rounds.length).withContext('the round in hand finished before the worker stopped').toBe(1);
    expect(events).toContain({ type: 'worker', state: 'stopping' });
    expect(bEvents!.some(e => e.type === 'job' && e.state === 'skipped' && e.object === 'Account')).toBeTrue();
    expect(bEvents!.some(e => e.type === 'round')).withContext('b never ran a round of its own').toBeFalse();
    expect(sink.rows.get('Account')?.size).toBe(emu.store.count('Account'));
    expect(await sink.load('Account')).toEqual(jasmine.objectContaining({ object: 'Account' }));
  }, 120_000);
});
