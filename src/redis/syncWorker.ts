/**
 * Distributed sync: N processes mirror one org's objects into one database, each (org, object) stream a BullMQ job
 * repeated at the interval. A round runs on one worker at a time, resumes from the checkpoint the sink stores with
 * the rows, and a worker that dies mid-round has its stream taken over by another through BullMQ's stalled-job
 * handling. BullMQ is an optional peer, loaded on first use.
 */
import type { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { Mutex } from 'redis-semaphore';
import { Observable, Subject, takeUntil, takeWhile, tap, type Subscription } from 'rxjs';
import type { SalesforceClient } from '../client/client.js';
import {
  applyTo, replicate$, type CachedDescribe, type ReplicateOptions, type ReplicationEvent, type ReplicationSink,
} from '../sync/index.js';

/** What a sync worker needs: Redis, the org's client, the shared mirror, and which objects to schedule how often. */
export interface SyncWorkerOptions {
  /**
   * An ioredis connection. The stream locks use it as it is; the queue and the worker use duplicates of it (BullMQ
   * wants connections that wait instead of failing a command), closed when the worker stops. It is never closed.
   */
  redis: Redis;
  /**
   * The client rounds run on. Give it `redisLimiter` and `redisApiUsage` (with `apiBudget`) so every worker of the org
   * shares one concurrency limit and one API budget.
   */
  client: SalesforceClient;
  /**
   * The mirror every worker writes to (a Postgres sink from `rxforce/node`): rows and checkpoints, in one transaction.
   * Each round claims its object's stream first (`claim`), so a round that lost its stream cannot commit over the
   * round that took it over.
   */
  sink: ReplicationSink;
  /** The org the streams belong to (its id): with `queue`, what names the queue and the locks. */
  org: string;
  /** Objects this worker schedules (every worker may name the same ones: scheduling is idempotent). */
  objects: readonly string[];
  /** Time between the starts of two rounds of one object, ms. A round that runs longer delays the next. */
  intervalMs: number;
  /** Rounds this worker runs at once (each a different object). Default 3. */
  concurrency?: number;
  /**
   * How long a round's lease outlives its worker's last renewal, ms (default 30,000): BullMQ's `lockDuration` and
   * `stalledInterval`, and the stream lock's timeout. A live worker renews at half of it; a dead one's rounds are taken
   * over within about twice this. Shorter means faster takeover, and a worker whose event loop stalls that long is
   * taken for dead (its round then stops at its next step: the stream lock is lost).
   */
  leaseMs?: number;
  /** Names the mirror when one org has several (one queue per mirror). Letters, digits, `-` and `_`. Default `sync`. */
  queue?: string;
  /** Key prefix in Redis (default `rxforce`). */
  prefix?: string;
  /** What each round mirrors: the same on every worker of a queue. */
  replicate?: Pick<ReplicateOptions, 'fields' | 'keepDeleted' | 'where' | 'bulkThreshold' | 'overlapMs'>;
  /** Failed attempts inside one round before the job fails (the next interval's job tries again). Default 3. */
  maxRetries?: number;
  /** Emits once to stop gracefully: no new rounds, the rounds in hand finish and commit, then the stream completes. */
  stop?: Observable<unknown>;
  /** Recorded on the jobs this worker runs (BullMQ `processedBy`). Default: BullMQ's. */
  workerName?: string;
}

/** Something a worker did with one job. */
export interface SyncJobEvent {
  type: 'job';
  /** The object whose round the job is. */
  object: string;
  /** BullMQ's id of the job (`repeat:<object>:<due time>`). */
  jobId: string;
  /**
   * `started`: the round began (`takenOver` when the job was recovered from a worker that stopped renewing it);
   * `done`: the round committed; `skipped`: another worker holds the stream (its round covers this one);
   * `failed`: the attempt gave up (the stored checkpoint is where it was); BullMQ tries the job twice more, a lease
   * apart, then the next interval's job tries again.
   */
  state: 'started' | 'done' | 'skipped' | 'failed';
  /** On `started`: the job was recovered from a worker that stopped renewing its lock (died, or stalled past the lease). */
  takenOver?: boolean;
  /** On `failed`: why (`StreamTakenOverError`: another worker took the stream over, and this round's commit was refused). */
  error?: unknown;
}

/** The worker itself: ready (scheduled, taking jobs), stopping, or a Redis error it reported and rides out. */
export interface SyncWorkerStateEvent {
  type: 'worker';
  /** `ready`: the objects are scheduled and jobs are taken; `stopping`: `stop` emitted; `error`: see `error`. */
  state: 'ready' | 'stopping' | 'error';
  /** On `error`: what Redis or BullMQ reported (the worker keeps going; ioredis reconnects). */
  error?: unknown;
}

/** A replication event (once committed to the sink), a job event, or a worker event. */
export type SyncWorkerEvent = ReplicationEvent | SyncJobEvent | SyncWorkerStateEvent;

/** Every default in one place. */
export const SYNC_WORKER_DEFAULTS = { concurrency: 3, leaseMs: 30_000, queue: 'sync', prefix: 'rxforce', maxRetries: 3 } as const;

/** Attempts at one round before it waits for the next interval. */
const JOB_ATTEMPTS = 3;
/** BullMQ lets a job stall this many times (its worker died twice) before failing it; the next interval brings another. */
const MAX_STALLED = 2;

interface RoundData { object: string }

const NAME = /^[A-Za-z0-9_-]+$/;
const OBJECT = /^[A-Za-z][A-Za-z0-9_]*$/;

interface Settings extends Required<Omit<SyncWorkerOptions, 'stop' | 'workerName' | 'replicate'>> {
  replicate: SyncWorkerOptions['replicate'];
  stop?: Observable<unknown>;
  workerName?: string;
}

function check(o: SyncWorkerOptions): Settings {
  if (!o || typeof o !== 'object') throw new TypeError('syncWorker$ needs options');
  if (!o.redis || typeof (o.redis as { duplicate?: unknown }).duplicate !== 'function') throw new TypeError('redis must be an ioredis connection');
  if (!o.client) throw new TypeError('client must be a SalesforceClient');
  if (!o.sink || typeof o.sink.apply !== 'function' || typeof o.sink.load !== 'function') throw new TypeError('sink must be a replication sink (e.g. postgresSink from rxforce/node)');
  if (typeof o.org !== 'string' || !NAME.test(o.org)) throw new TypeError(`org must be the org's id (letters and digits), got ${JSON.stringify(o.org)}`);
  if (!Array.isArray(o.objects) || o.objects.length === 0) throw new TypeError('objects must name at least one object');
  const seen = new Set<string>();
  for (const name of o.objects) {
    if (typeof name !== 'string' || !OBJECT.test(name)) throw new TypeError(`not an object API name: ${JSON.stringify(name)}`);
    if (seen.has(name.toLowerCase())) throw new TypeError(`object ${name} is named twice`);
    seen.add(name.toLowerCase());
  }
  const positive = (name: string, v: number, min: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new RangeError(`${name} must be a number ≥ ${min}, got ${String(v)}`);
    return v;
  };
  const concurrency = o.concurrency ?? SYNC_WORKER_DEFAULTS.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number ≥ 1, got ${String(concurrency)}`);
  const maxRetries = o.maxRetries ?? SYNC_WORKER_DEFAULTS.maxRetries;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new RangeError(`maxRetries must be a whole number ≥ 0, got ${String(maxRetries)}`);
  const queue = o.queue ?? SYNC_WORKER_DEFAULTS.queue;
  if (typeof queue !== 'string' || !NAME.test(queue)) throw new TypeError(`queue must be letters, digits, - and _, got ${JSON.stringify(queue)}`);
  const prefix = o.prefix ?? SYNC_WORKER_DEFAULTS.prefix;
  if (typeof prefix !== 'string' || prefix === '' || prefix.includes(':')) throw new TypeError(`prefix must be a non-empty name without ':', got ${JSON.stringify(prefix)}`);
  return {
    redis: o.redis, client: o.client, sink: o.sink, org: o.org, objects: [...o.objects],
    intervalMs: Math.round(positive('intervalMs', o.intervalMs, 100)), concurrency, leaseMs: Math.round(positive('leaseMs', o.leaseMs ?? SYNC_WORKER_DEFAULTS.leaseMs, 1000)),
    queue, prefix, maxRetries, replicate: o.replicate, stop: o.stop, workerName: o.workerName,
  };
}

/** BullMQ, an optional peer: loaded when a worker starts, with an error that says how to install it. */
async function loadBullmq(): Promise<typeof import('bullmq')> {
  try {
    return await import('bullmq');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error('Distributed sync needs the bullmq package: npm install bullmq', { cause: err });
    }
    throw err;
  }
}

/**
 * One sync worker: schedules a round of every object in `objects` every `intervalMs` (one BullMQ job scheduler per
 * object, shared by every worker of the queue), and runs rounds of any object of the queue, `concurrency` at once,
 * each as its own `replicate$` from the checkpoint in `sink` to the end of one round, applied with `applyTo(sink)`.
 *
 * A round describes its object only when the describe this worker kept from an earlier round of it has changed: it
 * asks with `If-Modified-Since` (Salesforce answers 304 without a body), so a field added or removed in the org is
 * still picked up by the next round, at the price of one small request per round.
 *
 * A stream runs on one worker at a time: a round holds the stream's lock (redis-semaphore) while it runs, and a job
 * that finds it held is skipped. A worker that dies stops renewing its job locks and stream locks; after `leaseMs`
 * BullMQ's stalled-job check moves its jobs back to the queue and another worker resumes each stream from the last
 * checkpoint committed with its rows: changes after it are read again (upserts by Id: no duplicate), none before it
 * is skipped (no gap).
 *
 * Cold: nothing touches Redis before subscribe. `stop` emitting ends it gracefully (the rounds in hand commit);
 * unsubscribing ends it at once (the rounds in hand stop, uncommitted work is rolled back, and their jobs are taken
 * over by another worker after `leaseMs`).
 *
 * @example
 * import Redis from 'ioredis';
 * import { SalesforceClient } from 'rxforce';
 * import { postgresSink } from 'rxforce/node';
 * import { redisApiUsage, redisLimiter, syncWorker$ } from 'rxforce/redis';
 * const redis = new Redis(process.env.REDIS_URL!);
 * const org = '00D5g000004Xyz1';
 * const client = new SalesforceClient({ login, apiBudget: 0.9,
 *   limiter: redisLimiter({ redis, org, maxConcurrent: 20 }), apiUsageShare: redisApiUsage({ redis, org }) });
 * syncWorker$({ redis, client, org, sink: postgresSink(process.env.DATABASE_URL!), objects: ['Account', 'Contact'],
 *   intervalMs: 60_000 }).subscribe(e => e.type === 'round' && console.log(e.object, e.upserts));
 *
 * @returns a cold Observable of what the worker does, until stopped
 */
export function syncWorker$(options: SyncWorkerOptions): Observable<SyncWorkerEvent> {
  const s = check(options);
  return new Observable<SyncWorkerEvent>(subscriber => {
    const emit = (e: SyncWorkerEvent) => { if (!subscriber.closed) subscriber.next(e); };
    const rounds = new Set<{ abort(reason: Error): void }>();
    // each object's describe, kept between its rounds on this worker: a round asks only whether it changed
    const describes = new Map<string, CachedDescribe>();
    let torn = false;
    let stopping = false;
    let queue: Queue | undefined;
    let worker: Worker | undefined;
    let connection: Redis | undefined;
    let stopSub: Subscription | undefined;

    const processor = async (job: Job<RoundData>): Promise<string> => {
      const object = job.data.object;
      const jobId = job.id ?? '';
      let round: { abort(reason: Error): void } | undefined;
      // a job recovered from a dead worker waits for that worker's stream lock to expire (at most a lease); any other
      // job that finds the stream held leaves it to the round in hand, which covers what this one would read
      const takenOver = job.stalledCounter > 0;
      const mutex = new Mutex(s.redis, `${s.prefix}:${s.org}:${s.queue}:stream:${object.toLowerCase()}`, {
        lockTimeout: s.leaseMs, refreshInterval: Math.floor(s.leaseMs / 2),
        ...(takenOver ? { acquireTimeout: s.leaseMs + 1000, retryInterval: 100 } : { acquireAttemptsLimit: 1 }),
        onLockLost: () => round?.abort(new Error(`${object}: lost the stream lock (no renewal for ${s.leaseMs} ms); another worker may have taken the stream over`)),
      });
      if (!(await mutex.tryAcquire())) {
        emit({ type: 'job', object, jobId, state: 'skipped' });
        return 'skipped';
      }
      try {
        emit({ type: 'job', object, jobId, state: 'started', ...(takenOver ? { takenOver: true } : {}) });
        // fenced before the checkpoint is read: should this worker stall past its lease and the stream be taken over,
        // its later commits are refused by the sink (StreamTakenOverError), whatever the locks in Redis say
        const sink = s.sink.claim ? await s.sink.claim(object) : s.sink;
        await new Promise<void>((resolve, reject) => {
          const abort$ = new Subject<void>();
          let retries = 0;
          const handle = { abort: (reason: Error) => { reject(reason); abort$.next(); } };
          round = handle;
          rounds.add(handle);
          replicate$(object, { ...s.replicate, client: s.client, checkpoint: sink, pollInterval: s.intervalMs, describeCache: describes }).pipe(
            // one round: through the first round event (an initial load, or the changes since the checkpoint)
            takeWhile(e => e.type !== 'round', true),
            tap(e => {
              if (e.type === 'retry' && ++retries > s.maxRetries) throw e.error;
            }),
            applyTo(sink),
            takeUntil(abort$),
          ).subscribe({ next: emit, error: reject, complete: resolve });
        }).finally(() => { if (round) rounds.delete(round); });
        emit({ type: 'job', object, jobId, state: 'done' });
        return 'done';
      } catch (err) {
        emit({ type: 'job', object, jobId, state: 'failed', error: err });
        throw err;
      } finally {
        await mutex.release().catch(() => undefined); // an unreleased lock expires with its lease
      }
    };

    const close = async (force: boolean): Promise<void> => {
      const w = worker;
      const q = queue;
      const c = connection;
      worker = undefined;
      queue = undefined;
      connection = undefined;
      await w?.close(force).catch(() => undefined);
      await q?.close().catch(() => undefined);
      await c?.quit().catch(() => c.disconnect());
    };

    const start = async (): Promise<void> => {
      const { Queue, Worker } = await loadBullmq();
      if (torn) return;
      connection = s.redis.duplicate({ maxRetriesPerRequest: null });
      const name = `${s.queue}-${s.org}`;
      queue = new Queue(name, { connection, prefix: s.prefix });
      queue.on('error', (err: unknown) => emit({ type: 'worker', state: 'error', error: err }));
      for (const object of s.objects) {
        // the same scheduler id for every worker: a second upsert with the same interval changes nothing
        await queue.upsertJobScheduler(object.toLowerCase(), { every: s.intervalMs }, {
          name: 'round', data: { object } satisfies RoundData,
          // a failed round is tried again a lease later (the stream lock of a lost attempt has expired by then)
          opts: { attempts: JOB_ATTEMPTS, backoff: { type: 'fixed', delay: s.leaseMs }, removeOnComplete: { count: 100 },
            removeOnFail: { count: 1000 } },
        });
        if (torn) return;
      }
      worker = new Worker<RoundData, string>(name, processor, {
        connection, prefix: s.prefix, concurrency: s.concurrency, autorun: true,
        lockDuration: s.leaseMs, stalledInterval: s.leaseMs, maxStalledCount: MAX_STALLED,
        ...(s.workerName ? { name: s.workerName } : {}),
      });
      worker.on('error', (err: unknown) => emit({ type: 'worker', state: 'error', error: err }));
      await worker.waitUntilReady();
      if (torn) return;
      emit({ type: 'worker', state: 'ready' });
      stopSub = s.stop?.subscribe(() => { void graceful(); });
    };

    const graceful = async (): Promise<void> => {
      if (stopping || torn) return;
      stopping = true;
      emit({ type: 'worker', state: 'stopping' });
      await close(false);
      subscriber.complete();
    };

    start().catch((err: unknown) => {
      if (torn) return;
      void close(true).then(() => subscriber.error(err));
    });

    return () => {
      torn = true;
      stopSub?.unsubscribe();
      if (stopping && !worker) return;
      const cancelled = new Error('sync worker stopped');
      // close first, so a round that stops now is left to the stalled-job check, then stop the rounds in hand
      const closing = close(true);
      for (const r of [...rounds]) r.abort(cancelled);
      void closing;
    };
  });
}

/**
 * The Promise twin of {@link syncWorker$}: resolves once `stop` has emitted and the rounds in hand have committed;
 * rejects when the worker cannot start (Redis unreachable, bullmq missing).
 */
export function runSyncWorker(options: SyncWorkerOptions, onEvent?: (e: SyncWorkerEvent) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    syncWorker$(options).subscribe({ next: e => onEvent?.(e), error: reject, complete: resolve });
  });
}
