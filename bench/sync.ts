/**
 * Sync: the initial load of a mirror against its ideal bound, the lag of a running `rxforce sync` under churn, and
 * the requests it makes while the org is idle.
 *
 * - Initial load of `--size` Accounts (default 1M, every field describe lists) into SQLite and into Postgres:
 *   `replicate$` piped into `applyTo(sink)` until the load's first round is committed, in a child process, the clock
 *   starting after login. The ideal bound (bench/syncIdeal.ts) runs next, in a child of its own, with the very columns
 *   the mirror ended with: one raw Bulk API 2.0 query job, CSV pages parsed, raw batched inserts. Postgres needs a
 *   server: `.ci/with-postgres npm run bench -- sync` starts a throwaway one (RXFORCE_TEST_PG_URL); without it the
 *   Postgres rows say so.
 * - Lag: `rxforce sync Account --to sqlite:… --interval S` runs as a daemon (the CLI, in a child process) over the
 *   loaded mirror while the emulator churns at 50 writes/s for `--lag-seconds`; every committed write is timed from
 *   its commit to the moment the mirror shows it (the row with that SystemModstamp, or the row gone), polling the
 *   mirror every 100 ms (so each figure may be up to 0.1 s late).
 * - Idle: churn stopped, one interval to catch up, then the emulator counts the API requests the daemon sends during
 *   `--idle-seconds`, scaled to an hour.
 *
 *   node --import tsx bench/run.ts sync [--size 1000000] [--interval 5] [--lag-seconds 60] [--idle-seconds 120]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CREDENTIALS } from './rawOrg.js';
import { idealPostgres, idealSqlite, type IdealColumn } from './syncIdeal.js';

export interface BenchResult { name: string; value: number; unit: string; ratio?: number; runs?: number }

interface ChildReport { records: number; ms: number; columns?: IdealColumn[] }

const SELF = fileURLToPath(import.meta.url);
const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const CHURN_RATE = 50;
const POLL_MIRROR_MS = 100;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const n = Number(i >= 0 ? process.argv[i + 1] : fallback);
  if (!(n > 0)) throw new Error(`bench sync: ${name} must be a positive number, not ${process.argv[i + 1]}`);
  return n;
}

const env = (url: string) => ({ ...process.env, SF_LOGIN_URL: url, SF_USERNAME: CREDENTIALS.username,
  SF_PASSWORD: CREDENTIALS.password, SF_CLIENT_ID: CREDENTIALS.consumerKey, SF_CLIENT_SECRET: CREDENTIALS.consumerSecret });

/** Runs one scenario in a fresh Node process and reads its report (the last stdout line). */
function child(args: string[]): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--max-old-space-size=4096', '--import', 'tsx', SELF, '--child', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', d => { out += String(d); });
    p.on('error', reject);
    p.on('close', (code, signal) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`${args[0]}: child exited with ${signal ?? code}${line ? `: ${line}` : ''}`));
      else resolve(JSON.parse(line) as ChildReport);
    });
  });
}

/** The scenario run inside a child: `rx-sqlite`, `rx-postgres`, `ideal-sqlite`, `ideal-postgres`. */
async function runChild(scenario: string, url: string, where: string, columnsJson: string | undefined): Promise<ChildReport> {
  if (scenario.startsWith('ideal-')) {
    const columns = JSON.parse(columnsJson ?? '[]') as IdealColumn[];
    const t0 = performance.now();
    const records = scenario === 'ideal-sqlite'
      ? await idealSqlite(url, 'Account', columns, where)
      : await idealPostgres(url, 'Account', columns, where, 'ideal');
    return { records, ms: performance.now() - t0 };
  }
  const { SalesforceClient } = await import('../src/client/client.js');
  const { passwordLogin } = await import('../src/client/auth/password.js');
  const { replicate$, applyTo } = await import('../src/sync/index.js');
  const { sqliteSink, postgresSink } = await import('../src/node/sync/index.js');
  const { lastValueFrom, first } = await import('rxjs');
  const client = new SalesforceClient({ login: passwordLogin({ loginUrl: url, ...CREDENTIALS }), apiVersion: '62.0' });
  await client.session();
  const sink = scenario === 'rx-sqlite' ? sqliteSink(where) : postgresSink(where);
  let records = 0;
  const t0 = performance.now();
  await lastValueFrom(replicate$('Account', { client, checkpoint: sink }).pipe(applyTo(sink), first(e => {
    if (e.type === 'upsert') records++;
    return e.type === 'round';
  })));
  const ms = performance.now() - t0;
  await sink.close();
  return { records, ms, columns: await mirrorColumns(scenario, where) };
}

/** The columns the mirror's Account table ended with, as the ideal creates and fills them. */
async function mirrorColumns(scenario: string, where: string): Promise<IdealColumn[]> {
  const kind = (type: string): IdealColumn['kind'] => (/bool/i.test(type) ? 'boolean' : /int|real|num|double|float/i.test(type) ? 'number' : 'text');
  if (scenario === 'rx-sqlite') {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(where, { readonly: true });
    try {
      return (db.prepare('PRAGMA table_info("Account")').all() as { name: string; type: string }[]).map(c => ({ name: c.name, kind: kind(c.type) }));
    } finally {
      db.close();
    }
  }
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: where });
  await c.connect();
  try {
    const { rows } = await c.query<{ column_name: string; data_type: string }>(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'Account' ORDER BY ordinal_position");
    return rows.map(r => ({ name: r.column_name, kind: /timestamp|json/.test(r.data_type) ? 'text' : kind(r.data_type) }));
  } finally {
    await c.end();
  }
}

/** Seeds `size` Accounts straight into the emulator's store (not timed: the org is the bench's input). */
function seed(store: import('../src/emulator/store.js').Store, userId: string, size: number): void {
  const industries = ['Technology', 'Energy', 'Banking', 'Retail', null];
  for (let i = 0; i < size; i++) {
    const r = store.runAs(userId, () => store.insert('Account', {
      Name: `Bench account ${i}`, Industry: industries[i % 5], Phone: `+1 555 ${String(i).padStart(7, '0')}`,
      AnnualRevenue: (i % 1000) * 1000, NumberOfEmployees: i % 5000, BillingCity: i % 2 ? 'Paris' : 'Lyon',
      BillingCountry: 'France', Website: `https://example.com/${i}`, Description: `Account number ${i} of the bench org`,
      Rating: i % 3 ? 'Warm' : 'Hot',
    }));
    if (!r.success) throw new Error(`seed: ${JSON.stringify(r.errors)}`);
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** A write the mirror must show: a row at (at least) this SystemModstamp, or the row gone. */
interface Pending { id: string; stamp: number; deleted: boolean; at: number }

const stampMs = (v: unknown) => (typeof v === 'string' ? Date.parse(v.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : Number.NaN);

export async function run(): Promise<BenchResult[]> {
  const size = arg('--size', 1_000_000);
  const interval = arg('--interval', 5);
  const lagSeconds = arg('--lag-seconds', 60);
  const idleSeconds = arg('--idle-seconds', 120);
  const { startEmulator } = await import('../src/emulator/index.js');
  const emu = await startEmulator({ port: 0, bulkRecordsPerSecond: 10_000_000 });
  const dir = mkdtempSync(join(tmpdir(), 'rxforce-bench-sync-'));
  const results: BenchResult[] = [];
  const k = (n: number) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1000 ? `${n / 1000}k` : String(n));
  const rate = (c: ChildReport) => Math.round(c.records / (c.ms / 1000));
  let daemon: ChildProcess | undefined;
  try {
    console.error(`  sync: seeding ${k(size)} Accounts…`);
    seed(emu.store, emu.org.users[0]!.userId, size);

    const load = async (db: 'sqlite' | 'postgres', where: string, idealWhere: string) => {
      console.error(`  sync: initial load into ${db}…`);
      const rx = await child([`rx-${db}`, '--url', emu.url, '--where', where]);
      if (rx.records !== size) throw new Error(`rx-${db}: ${rx.records} records instead of ${size}`);
      console.error(`  sync: ideal load into ${db}…`);
      const ideal = await child([`ideal-${db}`, '--url', emu.url, '--where', idealWhere, '--columns', JSON.stringify(rx.columns)]);
      if (ideal.records !== size) throw new Error(`ideal-${db}: ${ideal.records} records instead of ${size}`);
      const cols = rx.columns?.length ?? 0;
      results.push(
        { name: `ideal bound initial load ${k(size)} Accounts into ${db} (raw bulk query, CSV parsed, raw batched inserts; ${cols} columns; ${(ideal.ms / 1000).toFixed(1)} s)`,
          value: rate(ideal), unit: 'records/s', runs: 1 },
        { name: `rxforce replicate$ + applyTo(${db}Sink) initial load ${k(size)} (÷ ideal; aim ≤ 1.43, i.e. ≥ 0.7× the ideal's rate; ${(rx.ms / 1000).toFixed(1)} s)`,
          value: rate(rx), unit: 'records/s', ratio: rx.ms / ideal.ms, runs: 1 },
      );
    };

    const sqlitePath = join(dir, 'mirror.db');
    await load('sqlite', sqlitePath, join(dir, 'ideal.db'));
    const pgUrl = process.env.RXFORCE_TEST_PG_URL;
    if (pgUrl) {
      const pg = (await import('pg')).default;
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      const name = `rxforce_bench_${process.pid}`;
      await admin.query(`CREATE DATABASE ${name}`);
      const dbUrl = new URL(pgUrl);
      dbUrl.pathname = `/${name}`;
      try {
        await load('postgres', dbUrl.toString(), dbUrl.toString());
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    } else {
      results.push({ name: 'initial load into postgres: not run (no server; run through .ci/with-postgres)', value: 0, unit: 'records/s' });
    }

    // lag and idle: the CLI daemon over the loaded SQLite mirror
    console.error(`  sync: lag under churn of ${CHURN_RATE} writes/s for ${lagSeconds} s, interval ${interval} s…`);
    const Database = (await import('better-sqlite3')).default;
    const pending = new Map<string, Pending>();
    const lags: number[] = [];
    let writes = 0;
    const records = new Set<string>();
    const unsubscribe = emu.store.onCommit(e => {
      const now = Date.now();
      if (e.o === 'i' && e.r.IsDeleted === false && String(e.r.Id).startsWith('001')) {
        writes++;
        records.add(e.r.Id);
        pending.set(e.r.Id, { id: e.r.Id, stamp: stampMs(e.r.SystemModstamp), deleted: false, at: now });
      } else if (e.o === 'u' && e.id.startsWith('001')) {
        writes++;
        records.add(e.id);
        pending.set(e.id, { id: e.id, stamp: stampMs(e.f.SystemModstamp), deleted: e.f.IsDeleted === true, at: now });
      }
    });
    daemon = spawn(process.execPath, ['--import', 'tsx', CLI, 'sync', 'Account', '--to', `sqlite:${sqlitePath}`, '--interval', String(interval)],
      { env: env(emu.url), stdio: ['ignore', 'pipe', 'inherit'] });
    // the churn starts once the daemon has run its first round (a process start is not lag)
    let log = '';
    daemon.stdout!.on('data', d => { log += String(d); });
    const readyBy = Date.now() + 300_000;
    while (!/ Account (round|initial load|resync):/.test(log) && daemon.exitCode === null && Date.now() < readyBy) {
      await new Promise(r => setTimeout(r, 50));
    }
    if (daemon.exitCode !== null) throw new Error(`rxforce sync exited with ${daemon.exitCode}: ${log}`);
    const db = new Database(sqlitePath, { readonly: true, fileMustExist: true });
    const read = db.prepare('SELECT "SystemModstamp" AS s FROM "Account" WHERE "Id" = ?');
    const check = () => {
      const now = Date.now();
      for (const p of pending.values()) {
        const row = read.get(p.id) as { s: unknown } | undefined;
        const shown = p.deleted ? row === undefined : row !== undefined && stampMs(row.s) >= p.stamp;
        if (shown) {
          lags.push(now - p.at);
          pending.delete(p.id);
        }
      }
    };
    const apiBefore = emu.stats.apiRequests;
    emu.churn.start({ rate: CHURN_RATE, objects: ['Account'] });
    const churnStart = Date.now();
    while (Date.now() - churnStart < lagSeconds * 1000) {
      await new Promise(r => setTimeout(r, POLL_MIRROR_MS));
      check();
    }
    emu.churn.stop();
    const graceEnd = Date.now() + (interval + 30) * 1000;
    while (pending.size && Date.now() < graceEnd) {
      await new Promise(r => setTimeout(r, POLL_MIRROR_MS));
      check();
    }
    unsubscribe();
    const churnRequests = emu.stats.apiRequests - apiBefore;
    lags.sort((a, b) => a - b);
    const seen = lags.length;
    results.push(
      { name: `lag p50, rxforce sync --interval ${interval} under churn of ${CHURN_RATE} writes/s (${writes} writes to ${records.size} records over ${lagSeconds} s; a record written again before the mirror showed it is timed from its last write; ${seen} shown, ${pending.size} never)`,
        value: percentile(lags, 50) / 1000, unit: 's', runs: 1 },
      { name: `lag p99 (aim ≤ interval + 2 s = ${interval + 2} s; ratio: p99 ÷ (interval + 2 s))`,
        value: percentile(lags, 99) / 1000, unit: 's', ratio: percentile(lags, 99) / 1000 / (interval + 2), runs: 1 },
      { name: `API requests during the churn (${lagSeconds} s, interval ${interval} s)`, value: churnRequests, unit: 'requests', runs: 1 },
    );

    console.error(`  sync: idle for ${idleSeconds} s…`);
    await new Promise(r => setTimeout(r, (interval + 2) * 1000));
    const idleBefore = emu.stats.apiRequests;
    await new Promise(r => setTimeout(r, idleSeconds * 1000));
    const idle = emu.stats.apiRequests - idleBefore;
    const perHour = Math.round((idle * 3600) / idleSeconds);
    const perInterval = idle / (idleSeconds / interval);
    results.push(
      { name: `API requests per hour while idle, 1 object, interval ${interval} s (${idle} in ${idleSeconds} s)`, value: perHour, unit: 'requests/h', runs: 1 },
      { name: 'idle requests per object per interval (aim ≤ 1)', value: Math.round(perInterval * 100) / 100, unit: 'requests', ratio: perInterval, runs: 1 },
    );
    db.close();
    return results;
  } finally {
    if (daemon && daemon.exitCode === null) {
      daemon.kill('SIGTERM');
      await new Promise(r => daemon!.once('exit', r));
    }
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--child')) {
  const at = process.argv.indexOf('--child');
  const value = (name: string) => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : undefined; };
  runChild(process.argv[at + 1]!, value('--url')!, value('--where')!, value('--columns')).then(
    r => { console.log(JSON.stringify(r)); process.exit(0); },
    (e: unknown) => { console.error(e); process.exit(1); },
  );
} else if (process.argv[1] === SELF) {
  run().then(r => { for (const x of r) console.log(`${x.name}: ${x.value} ${x.unit}${x.ratio === undefined ? '' : ` (ratio ${x.ratio.toFixed(2)})`}`); },
    (e: unknown) => { console.error(e); process.exit(1); });
}
