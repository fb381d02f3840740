/**
 * End to end: three `rxforce sync --worker` processes mirror 20 objects of one emulated org (which refuses past 25
 * requests in flight, as Salesforce's concurrent request limit does) into one Postgres database, through one Redis.
 * One worker is SIGKILLed mid-round; BullMQ's stalled-job check hands its rounds to the others, which resume from the
 * checkpoints in Postgres. Needs Redis and Postgres (pending without them, failing under CI).
 *
 * The workers share an org-wide limit of 10 requests in flight: 3 workers × 4 rounds at once could send 12, so a peak
 * of at most 10 shows the limit is shared across processes (20 objects cannot bring 25 requests at once, each round
 * sending one request at a time).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { SchemaJson } from '../../src/emulator/schema/registry.js';
import { mirrorDifferences, type MirrorRow } from '../support/mirror.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/postgres.js';
import { redisUrl } from '../support/redis.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// the sources, not dist/: a stale build must not stand in for the code under test
const ENTRY = ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];
const OBJECTS = Array.from({ length: 20 }, (_, i) => `Stream${String(i + 1).padStart(2, '0')}__c`);
/** Two pages of a keyset load (2,000 rows a page). */
const ROWS = 2100;
const SHARED_LIMIT = 10;
const PER_WORKER = 4;

const SCHEMA: SchemaJson = {
  objects: OBJECTS.map(name => ({
    name, fields: [
      { name: 'Amount__c', type: 'currency', precision: 16, scale: 2 },
      { name: 'Code__c', type: 'string', length: 20 },
      { name: 'Active__c', type: 'boolean' },
      { name: 'Due__c', type: 'date' },
      { name: 'Seen__c', type: 'datetime' },
    ],
  })),
};

interface Worker { child: ChildProcess; out: string; err: string; exited: Promise<unknown> }

const delay = (ms: number) => new Promise(r => setTimeout(r, ms));

async function until(what: string, ready: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

/** Objects a worker's log shows a round started for, and those it shows a round committed for. */
function rounds(log: string): { started: Set<string>; committed: Set<string> } {
  const started = new Set([...log.matchAll(/ (\w+) round started/g)].map(m => m[1]!));
  const committed = new Set([...log.matchAll(/ (\w+) (?:initial load|round|resync): \d+ upserts?/g)].map(m => m[1]!));
  return { started, committed };
}

describe('rxforce sync --worker, three workers sharing one org through Redis', () => {
  let emu: Emulator | undefined;
  let db: TestDatabase | undefined;
  let workers: Worker[];

  beforeEach(() => { workers = []; emu = undefined; db = undefined; });
  afterEach(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map(w => w.exited));
    await emu?.stop();
    await db?.drop();
  });

  it('mirrors 20 objects within the org-wide limit, and a worker killed mid-round has its rounds finished by the others', async () => {
    const redis = redisUrl();
    const pgUrl = postgresUrl();
    emu = await startEmulator({ port: 0, seed: 18, maxConcurrent: 25, latencyMs: 250, schemaFile: SCHEMA });
    const admin = emu.org.users[0]!.userId;
    for (const [o, object] of OBJECTS.entries()) {
      for (let i = 0; i < ROWS; i++) {
        const r = emu.store.runAs(admin, () => emu!.store.insert(object, {
          Name: `${object} ${i}`, Amount__c: (i * 7.25 + o) % 100_000, Code__c: i % 3 ? `C-${o}-${i}` : null, Active__c: i % 2 === 0,
          Due__c: `2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
          Seen__c: i % 5 ? new Date(Date.UTC(2026, 0, 1) + i * 61_000).toISOString() : null,
        }));
        if (!r.success) throw new Error(`seed ${object}: ${JSON.stringify(r.errors)}`);
      }
    }
    db = await createTestDatabase(pgUrl);
    const c = emu.credentials;
    const env = { ...process.env, SF_LOGIN_URL: emu.url, SF_USERNAME: c.username, SF_PASSWORD: c.password,
      SF_CLIENT_ID: c.consumerKey, SF_CLIENT_SECRET: c.consumerSecret };
    // a long interval: within the spec, a killed worker's rounds can only finish through the stalled-job check
    const args = ['sync', ...OBJECTS, '--to', db.url, '--redis', redis, '--worker', '--interval', '600',
      '--concurrency', String(PER_WORKER), '--max-concurrent', String(SHARED_LIMIT), '--lease', '5'];
    const start = (): Worker => {
      const child = spawn(process.execPath, [...ENTRY, ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      const w: Worker = { child, out: '', err: '', exited: once(child, 'exit') };
      child.stdout!.on('data', d => { w.out += String(d); });
      child.stderr!.on('data', d => { w.err += String(d); });
      workers.push(w);
      return w;
    };
    // the first worker takes rounds first; the others start beside it, and it dies while it has rounds in hand
    const victim = start();
    await until('a round in hand on the first worker', () => {
      const { started, committed } = rounds(victim.out);
      return [...started].some(o => !committed.has(o)) || victim.child.exitCode !== null;
    }, 120_000).catch((e: Error) => { throw new Error(`${e.message}: ${victim.out}${victim.err}`); });
    const others = [start(), start()];
    victim.child.kill('SIGKILL');
    await victim.exited;
    const log = rounds(victim.out);
    const inHand = [...log.started].filter(o => !log.committed.has(o));
    expect(inHand.length).withContext(`victim's log:\n${victim.out}${victim.err}`).toBeGreaterThan(0);

    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      await until('every object loaded', async () => {
        const done = await pool.query<{ n: string }>('SELECT count(*) AS n FROM _rxforce_checkpoints WHERE checkpoint IS NOT NULL')
          .catch(() => ({ rows: [{ n: '0' }] }));
        return Number(done.rows[0]!.n) === OBJECTS.length;
      }, 120_000).catch((e: Error) => {
        throw new Error(`${e.message}\n${others.map(w => w.out + w.err).join('\n---\n')}`);
      });
      const survivors = others.map(w => w.out).join('\n');
      for (const object of inHand) {
        expect(survivors).withContext(`${object} was in hand on the killed worker`)
          .toMatch(new RegExp(` ${object} round started \\(taken over from a worker that stopped\\)`));
        expect(survivors).toMatch(new RegExp(` ${object} (initial load|round): \\d+ upserts?`));
      }
      for (const object of OBJECTS) {
        const mirror = (await pool.query<MirrorRow>(`SELECT * FROM "${object}"`)).rows;
        expect(mirrorDifferences(emu, object, mirror)).withContext(object).toEqual([]);
        expect(mirror.length).toBe(ROWS);
      }
    } finally {
      await pool.end();
    }

    expect(emu.stats.faults.concurrency).withContext('requests refused with REQUEST_LIMIT_EXCEEDED').toBe(0);
    expect(emu.stats.peakInFlight).toBeLessThanOrEqual(SHARED_LIMIT);
    expect(emu.stats.peakInFlight).withContext('more requests at once than one worker\'s rounds').toBeGreaterThan(PER_WORKER);

    // SIGTERM: the rounds in hand (none now) finish, the workers close and exit 0
    for (const w of others) w.child.kill('SIGTERM');
    await Promise.all(others.map(w => w.exited));
    for (const w of others) {
      expect(w.child.exitCode).withContext(w.err).toBe(0);
      expect(w.err).toContain('rxforce: worker stopped');
    }
  }, 300_000);
});
