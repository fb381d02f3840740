/**
 * Distributed sync: the initial load of `--objects` custom objects × `--rows` rows (default 20 × 50,000) into one
 * Postgres database by 1, 2 and 3 `rxforce sync --worker` processes (the CLI, child processes) sharing one Redis,
 * against the emulator with `--latency` ms per request (default 2,000: a 2,000-row query page on a busy org), so the
 * org's answers, not the machine's 2 cores, bound the work. The emulator refuses past 25 requests in flight, as
 * Salesforce does; the workers share `--max-concurrent 25` through Redis and run `--concurrency` rounds each (default 3, as the CLI).
 *
 * Each run gets a fresh database and queue. The queue is paused until every worker is ready, so a worker that starts
 * first does not take a head start; the clock runs from the resume to the last object's checkpoint in Postgres.
 * Reported per worker count: throughput (rows/s; ratio over one worker's), the most requests the emulator saw in flight,
 * API requests used, and requests refused with REQUEST_LIMIT_EXCEEDED.
 *
 *   .ci/with-postgres .ci/with-redis npm run bench -- distributed [--rows 50000] [--objects 20] [--latency 2000] [--concurrency 3]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface BenchResult { name: string; value: number; unit: string; ratio?: number; runs?: number }

const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKER_COUNTS = [1, 2, 3];
const ORG_LIMIT = 25;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const n = Number(i >= 0 ? process.argv[i + 1] : fallback);
  if (!(n > 0) || !Number.isInteger(n)) throw new Error(`bench distributed: ${name} must be a whole number above 0, not ${process.argv[i + 1]}`);
  return n;
}

const delay = (ms: number) => new Promise(r => setTimeout(r, ms));

export async function run(): Promise<BenchResult[]> {
  const redisUrl = process.env.RXFORCE_TEST_REDIS_URL;
  const pgUrl = process.env.RXFORCE_TEST_PG_URL;
  if (!redisUrl || !pgUrl) {
    throw new Error('needs Redis and Postgres: run it through .ci/with-postgres .ci/with-redis npm run bench -- distributed');
  }
  const rows = arg('--rows', 50_000);
  const objectCount = arg('--objects', 20);
  const latencyMs = arg('--latency', 2000);
  const concurrency = arg('--concurrency', 3);
  const { startEmulator } = await import('../src/emulator/index.js');
  const { createTestDatabase } = await import('../spec/support/postgres.js');
  const { mirrorQueueName } = await import('../src/cli/syncWorker.js');
  const { Queue } = await import('bullmq');
  const { Redis } = await import('ioredis');
  const pg = (await import('pg')).default;

  const objects = Array.from({ length: objectCount }, (_, i) => `Bench${String(i + 1).padStart(2, '0')}__c`);
  const emu = await startEmulator({ port: 0, seed: 21, maxConcurrent: ORG_LIMIT, schemaFile: { objects: objects.map(name => ({
    name, fields: [
      { name: 'Amount__c', type: 'currency', precision: 16, scale: 2 }, { name: 'Code__c', type: 'string', length: 20 },
      { name: 'Active__c', type: 'boolean' }, { name: 'Due__c', type: 'date' },
    ],
  })) } });
  const results: BenchResult[] = [];
  const children = new Set<ChildProcess>();
  try {
    const admin = emu.org.users[0]!.userId;
    console.error(`  seeding ${objectCount} objects × ${rows.toLocaleString('en-US')} rows…`);
    for (const [o, object] of objects.entries()) {
      emu.store.runAs(admin, () => {
        for (let i = 0; i < rows; i++) {
          emu.store.insert(object, { Name: `${object} ${i}`, Amount__c: (i * 3.5 + o) % 100_000, Code__c: `C-${i}`,
            Active__c: i % 2 === 0, Due__c: `2026-${String((i % 12) + 1).padStart(2, '0')}-15` });
        }
      });
    }
    emu.faults.set({ latencyMs });
    const c = emu.credentials;
    const env = { ...process.env, SF_LOGIN_URL: emu.url, SF_USERNAME: c.username, SF_PASSWORD: c.password,
      SF_CLIENT_ID: c.consumerKey, SF_CLIENT_SECRET: c.consumerSecret };
    const total = rows * objectCount;
    let oneWorker: number | undefined;
    for (const n of WORKER_COUNTS) {
      const db = await createTestDatabase(pgUrl);
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
      const queue = new Queue(`${mirrorQueueName(db.url)}-${emu.org.orgId.slice(0, 15)}`, { connection: redis, prefix: 'rxforce' });
      const pool = new pg.Pool({ connectionString: db.url, max: 1 });
      try {
        await queue.pause();
        const logs: string[] = [];
        const exits: Promise<unknown>[] = [];
        for (let k = 0; k < n; k++) {
          const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'sync', ...objects, '--to', db.url, '--redis', redisUrl,
            '--worker', '--interval', '3600', '--concurrency', String(concurrency), '--max-concurrent', String(ORG_LIMIT)],
          { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
          children.add(child);
          logs[k] = '';
          child.stdout!.on('data', d => { logs[k] += String(d); });
          child.stderr!.on('data', d => { logs[k] += String(d); });
          exits.push(once(child, 'exit'));
        }
        const readyBy = Date.now() + 180_000;
        while (!logs.every(l => l.includes('worker ready'))) {
          if (Date.now() > readyBy) throw new Error(`workers not ready in 180 s:\n${logs.join('\n---\n')}`);
          await delay(100);
        }
        const before = { api: emu.stats.apiRequests, refused: emu.stats.faults.concurrency };
        emu.stats.peakInFlight = 0;
        const t0 = performance.now();
        await queue.resume();
        const doneBy = Date.now() + 3_600_000;
        for (;;) {
          const { rows: [row] } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM _rxforce_checkpoints WHERE checkpoint IS NOT NULL')
            .catch(() => ({ rows: [{ n: '0' }] }));
          if (Number(row!.n) === objectCount) break;
          if (Date.now() > doneBy) throw new Error('the load did not finish in an hour');
          await delay(200);
        }
        const seconds = (performance.now() - t0) / 1000;
        const loaded = (await Promise.all(objects.map(o => pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${o}"`))))
          .reduce((sum, r) => sum + Number(r.rows[0]!.n), 0);
        if (loaded !== total) throw new Error(`${n} workers: the mirror holds ${loaded} rows, the org ${total}`);
        const throughput = total / seconds;
        oneWorker ??= throughput;
        const label = `${n} worker${n === 1 ? '' : 's'}`;
        results.push(
          { name: `${label}: initial load, ${objectCount} × ${rows.toLocaleString('en-US')} rows`, value: Number(seconds.toFixed(1)), unit: 's' },
          { name: `${label}: throughput (÷ 1 worker)`, value: Math.round(throughput), unit: 'rows/s', ratio: throughput / oneWorker },
          { name: `${label}: peak requests in flight (org limit ${ORG_LIMIT})`, value: emu.stats.peakInFlight, unit: 'requests' },
          { name: `${label}: API requests used`, value: emu.stats.apiRequests - before.api, unit: 'requests' },
          { name: `${label}: refused with REQUEST_LIMIT_EXCEEDED`, value: emu.stats.faults.concurrency - before.refused, unit: 'requests' },
        );
        console.error(`  ${label}: ${seconds.toFixed(1)} s, peak ${emu.stats.peakInFlight} in flight`);
        for (const child of children) child.kill('SIGTERM');
        await Promise.all(exits);
        children.clear();
      } finally {
        for (const child of children) child.kill('SIGKILL');
        children.clear();
        await pool.end().catch(() => undefined);
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close().catch(() => undefined);
        await redis.quit().catch(() => redis.disconnect());
        await db.drop();
      }
    }
  } finally {
    await emu.stop();
  }
  return results;
}
