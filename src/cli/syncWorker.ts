/**
 * `rxforce sync OBJECT... --to postgres://… --redis redis://… --worker`: this process is one of N workers that mirror
 * one org into one Postgres database, sharing the org's concurrency limit and API budget through Redis (rxforce/redis).
 * SIGINT/SIGTERM: the rounds in hand finish and commit, then exit 0; a second one stops at once (the rounds in hand
 * are taken over by another worker once their lease passes).
 */
import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import type { Redis } from 'ioredis';
import { Subject } from 'rxjs';
import { SalesforceClient } from '../client/client.js';
import type { LoginFlow, Session } from '../client/types.js';
import { postgresSink } from '../node/sync/index.js';
import { loadPeer } from '../node/sync/peer.js';
import type { ReplicationEvent } from '../sync/index.js';
import { redact } from '../util/redact.js';
import { CliError, describeError, EXIT } from './errors.js';
import type { CliIo } from './io.js';
import { parseSyncArgs, shownTarget, type SyncFlags } from './syncArgs.js';
import { loginFor, mergeFlags, type TargetFlags } from './target.js';

export interface WorkerFlags {
  redis?: string;
  worker?: boolean;
  concurrency?: string;
  maxConcurrent?: string;
  lease?: string;
  apiBudget?: string;
}

/** What a worker was asked for, checked before anything is opened. */
export interface WorkerPlan {
  objects: string[];
  url: string;
  redisUrl: string;
  intervalSeconds: number;
  fields?: string[];
  keepDeleted: boolean;
  concurrency: number;
  maxConcurrent: number;
  leaseSeconds: number;
  apiBudget: number;
}

/** Requests in flight across every worker of the org: Salesforce allows 25 long-running ones; some stay for others. */
export const DEFAULT_WORKER_MAX_CONCURRENT = 20;
/** New rounds stop everywhere once the org has used this share of its daily API allowance. */
export const DEFAULT_WORKER_API_BUDGET = 0.9;
const DEFAULT_LEASE_SECONDS = 30;
const REDIS_CONNECT_MS = 10_000;

/** The worker's flags on `rxforce sync`. */
export function addWorkerOptions(cmd: Command): Command {
  return cmd
    .option('--worker', 'run as one of several workers sharing the mirror through --redis (Postgres only)')
    .option('--redis <url>', 'redis://HOST:PORT the workers share: the queue of rounds, the org\'s limits')
    .option('--concurrency <n>', `--worker: rounds this worker runs at once (default 3)`)
    .option('--max-concurrent <n>', `--worker: requests in flight across every worker of the org (default ${DEFAULT_WORKER_MAX_CONCURRENT})`)
    .option('--lease <seconds>', `--worker: a dead worker's rounds are taken over after about twice this (default ${DEFAULT_LEASE_SECONDS})`)
    .option('--api-budget <share>', `--worker: no new requests once the org used this share of its daily API allowance (default ${DEFAULT_WORKER_API_BUDGET})`);
}

/** Whether the flags ask for a worker (then {@link runSyncWorkerCommand} takes over). */
export function wantsWorker(o: WorkerFlags): boolean {
  return o.worker === true || o.redis !== undefined || o.concurrency !== undefined || o.maxConcurrent !== undefined
    || o.lease !== undefined || o.apiBudget !== undefined;
}

function redactUrl(text: string): string {
  return text.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

function wholeNumber(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > max) throw new CliError(`${flag} must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

/** Checks a worker's flags; a CliError (exit 2) names the flag and the reason. */
export function parseWorkerArgs(objects: string[], o: TargetFlags & SyncFlags & WorkerFlags, cwd: string): WorkerPlan {
  if (!o.worker) {
    const given = ['--redis', '--concurrency', '--max-concurrent', '--lease', '--api-budget']
      .find((_, i) => [o.redis, o.concurrency, o.maxConcurrent, o.lease, o.apiBudget][i] !== undefined);
    throw new CliError(`${given} goes with --worker: rxforce sync OBJECT... --to postgres://… --redis redis://… --worker`);
  }
  if (o.once) throw new CliError('--worker runs until stopped; --once does not go with it');
  if (o.emulator) throw new CliError('--worker needs an org the workers share; an --emulator would be an org of each worker\'s own');
  const plan = parseSyncArgs(objects, o, cwd);
  if (plan.target.kind !== 'postgres') {
    throw new CliError('--worker needs --to postgres://…: workers on several machines cannot share one SQLite file');
  }
  if (!o.redis) throw new CliError('--worker needs --redis redis://HOST:PORT: the workers share their queue and the org\'s limits there');
  if (!/^rediss?:\/\//i.test(o.redis) || !URL.canParse(o.redis)) {
    throw new CliError(`--redis must be redis://HOST:PORT (or rediss:// for TLS), got ${JSON.stringify(redactUrl(o.redis))}`);
  }
  let leaseSeconds = DEFAULT_LEASE_SECONDS;
  if (o.lease !== undefined) {
    leaseSeconds = Number(o.lease);
    if (!/^\d+(\.\d+)?$/.test(o.lease.trim()) || leaseSeconds < 1 || leaseSeconds > 3600) {
      throw new CliError(`--lease must be a number of seconds from 1 to 3600, got ${JSON.stringify(o.lease)}`);
    }
  }
  let apiBudget = DEFAULT_WORKER_API_BUDGET;
  if (o.apiBudget !== undefined) {
    apiBudget = Number(o.apiBudget);
    if (!/^\d*\.?\d+$/.test(o.apiBudget.trim()) || !(apiBudget > 0) || apiBudget > 1) {
      throw new CliError(`--api-budget must be a share above 0 and at most 1 (0.9 = 90%), got ${JSON.stringify(o.apiBudget)}`);
    }
  }
  return {
    objects: plan.objects, url: plan.target.url, redisUrl: o.redis, intervalSeconds: plan.intervalSeconds, fields: plan.fields,
    keepDeleted: plan.keepDeleted, concurrency: wholeNumber('--concurrency', o.concurrency, 3, 100),
    maxConcurrent: wholeNumber('--max-concurrent', o.maxConcurrent, DEFAULT_WORKER_MAX_CONCURRENT, 1000), leaseSeconds, apiBudget,
  };
}

/** The org's id: from the login (OAuth `id` URL, SOAP userInfo), else from the session id, which begins with it. */
export function orgIdOf(session: Session): string {
  const id = session.organizationId ?? /^(00D[A-Za-z0-9]{12,15})!/.exec(session.accessToken)?.[1];
  if (!id) throw new CliError('--worker: the login did not say which org it is (no organization id), so the workers cannot share its limits', EXIT.failed);
  return id.slice(0, 15);
}

/** One mirror, one queue: named after the database it fills (host, port, database), never its password. */
export function mirrorQueueName(url: string): string {
  const u = new URL(url);
  const digest = createHash('sha256').update(`${u.hostname}:${u.port || '5432'}${u.pathname}`).digest('hex').slice(0, 12);
  return `sync-${digest}`;
}

/** The login flow again, answering its first call with the session a login already yielded. */
function resumeWith(flow: LoginFlow, session: Session): LoginFlow {
  let first: Session | undefined = session;
  return {
    kind: flow.kind, canRefresh: flow.canRefresh,
    login(ctx) {
      const s = first;
      first = undefined;
      return s ? Promise.resolve(s) : flow.login(ctx);
    },
  };
}

async function connectRedis(url: string): Promise<Redis> {
  const RedisClass = await loadPeer<typeof import('ioredis').default>('ioredis', 'rxforce sync --worker');
  const redis = new RedisClass(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', () => undefined); // reported by the command that fails; ioredis reconnects on its own
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer in ${REDIS_CONNECT_MS / 1000} s`)), REDIS_CONNECT_MS); }),
    ]);
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new CliError(`cannot reach Redis at ${redactUrl(url)}: ${redact((err as Error).message ?? String(err))}`, EXIT.failed);
  } finally {
    clearTimeout(timer);
  }
}

const stamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Runs one worker until SIGINT/SIGTERM. `logLine` words replication events as `rxforce sync` does.
 */
export async function runSyncWorkerCommand(objects: string[], o: TargetFlags & SyncFlags & WorkerFlags, io: CliIo,
  logLine: (e: ReplicationEvent) => string | undefined): Promise<void> {
  const plan = parseWorkerArgs(objects, o, io.cwd ?? process.cwd());
  const f = mergeFlags(o, io.env);
  const flow = loginFor(f);
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const redis = await connectRedis(plan.redisUrl);
  const closers: (() => Promise<unknown>)[] = [() => redis.quit().catch(() => redis.disconnect())];
  try {
    const session = await new SalesforceClient({ login: flow, apiVersion: f.apiVersion }).session();
    const org = orgIdOf(session);
    const { redisApiUsage, redisLimiter, syncWorker$ } = await import('../redis/index.js');
    const usage = redisApiUsage({ redis, org });
    closers.unshift(() => usage.close());
    await usage.ready;
    const client = new SalesforceClient({
      login: resumeWith(flow, session), apiVersion: f.apiVersion, apiBudget: plan.apiBudget, apiUsageShare: usage,
      limiter: redisLimiter({ redis, org, maxConcurrent: plan.maxConcurrent }),
    });
    const sink = postgresSink(plan.url, { keepDeleted: plan.keepDeleted });
    closers.unshift(() => sink.close());
    const stop$ = new Subject<void>();
    let stopping = false;
    const queue = mirrorQueueName(plan.url);
    const leaseMs = plan.leaseSeconds * 1000;
    const unlisten = io.interrupts?.listen(() => {
      stopping = true;
      io.stderr.write('rxforce: stopping: the rounds in hand finish and commit (interrupt again to stop at once)\n');
      stop$.next();
    }, () => `worker stopped at once; another worker takes its rounds over in about ${2 * plan.leaseSeconds} s`);
    try {
      await new Promise<void>((resolve, reject) => {
        syncWorker$({
          redis, client, sink, org, objects: plan.objects, intervalMs: plan.intervalSeconds * 1000, concurrency: plan.concurrency,
          leaseMs, queue, stop: stop$, replicate: { fields: plan.fields, keepDeleted: plan.keepDeleted },
        }).subscribe({
          next: e => {
            if (e.type === 'worker') {
              if (e.state === 'ready') {
                out(`${stamp()} worker ready: ${plan.objects.join(', ')} every ${plan.intervalSeconds} s into ${redact(shownTarget({ kind: 'postgres', url: plan.url }))}; `
                  + `${plan.concurrency} rounds at once here, ${plan.maxConcurrent} requests in flight across the org's workers`);
              } else if (e.state === 'error') {
                io.stderr.write(`${describeError(e.error).line} (Redis; retrying)\n`);
              }
              return;
            }
            if (e.type === 'job') {
              if (e.state === 'started') out(`${stamp()} ${e.object} round started${e.takenOver ? ' (taken over from a worker that stopped)' : ''}`);
              else if (e.state === 'skipped') out(`${stamp()} ${e.object} round skipped: another worker has one in hand`);
              else if (e.state === 'failed') io.stderr.write(`${describeError(e.error).line.replace(/^rxforce: /, `rxforce: ${e.object} round failed: `)}\n`);
              return;
            }
            const line = logLine(e);
            if (line) out(line);
          },
          error: reject,
          complete: resolve,
        });
      });
    } finally {
      unlisten?.();
    }
    if (stopping) io.stderr.write(`rxforce: worker stopped; the mirror in ${redact(shownTarget({ kind: 'postgres', url: plan.url }))} is consistent up to its last checkpoints\n`);
  } finally {
    for (const close of closers) await close().catch(() => undefined);
  }
}

