/**
 * sObject Collections throughput: `fetchList$` of 10,000 ids and `insertRecords` of 10,000 records against the local
 * emulator at 50 ms latency, next to jsforce@3.10.16 doing the same work and the ideal bound
 * (round trips × latency / concurrency).
 *
 * The emulator runs in a child process, as a real org runs on another machine: its CPU work overlaps with the
 * client's instead of queueing behind it. Both clients warm up (JIT, login) before the clock starts. The emulator
 * sleeps the configured latency once per request, before handling it, so the ideal bound counts it once per trip.
 *
 * Every timed run is repeated (`BENCH_REPEAT`, default 5) for both clients and the median is reported, with the
 * fastest and slowest runs in the row name so the spread is visible. Ratios are of wall time: rxforce ÷ ideal bound
 * (1 is the floor; the aim is ≤ 1.2) and jsforce ÷ rxforce (the aim is ≥ 4 for inserts).
 *
 *   node --import tsx bench/lists.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { from, lastValueFrom } from 'rxjs';
import { passwordLogin } from '../src/client/auth/index.js';
import { SalesforceClient } from '../src/client/client.js';
import { startEmulator } from '../src/emulator/index.js';
import { defineSObject, sf } from '../src/model/index.js';
import { insertRecords } from '../src/operators/insertRecords.js';
import { results } from '../src/operators/results.js';
import { fetchList$ } from '../src/operators/fetchList.js';

export interface BenchResult { name: string; value: number; unit: string; ratio?: number; runs?: number }

const SIZE = 10_000;
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const CONCURRENCY = 5;
const REPEAT = Math.max(1, Math.floor(Number(process.env.BENCH_REPEAT ?? 5)) || 5);

const Account = defineSObject('Account', {
  Id: sf.id(),
  Name: sf.string({ length: 255 }),
  Industry: sf.string().optional(),
  Phone: sf.phone().optional(),
});

const rows = (tag: string) =>
  Array.from({ length: SIZE }, (_v, i) => ({ Name: `${tag} ${i}`, Industry: i % 3 ? 'Energy' : 'Technology', Phone: `+1 555 ${String(i).padStart(7, '0')}` }));

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** Runs `fn(run)` `REPEAT` times: the median time, the spread, and the last run's value (for checks). */
async function repeated<T>(fn: (run: number) => Promise<T>): Promise<{ median: number; min: number; max: number; value: T }> {
  const runs: { ms: number; value: T }[] = [];
  for (let i = 0; i < REPEAT; i++) runs.push(await timed(() => fn(i)));
  const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], value: runs[runs.length - 1].value };
}

/** Ideal wall time: every round trip pays the latency once, `concurrency` at a time. */
function ideal(roundTrips: number, concurrency: number): number {
  return Math.ceil(roundTrips / concurrency) * LATENCY_MS;
}

const SELF = fileURLToPath(import.meta.url);

interface EmulatorInfo { url: string; username: string; password: string; consumerKey: string; consumerSecret: string }

/** Starts the emulator in a child process with the given latency and reads its address from the first line. */
function emulatorProcess(latencyMs: number): Promise<{ info: EmulatorInfo; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--emulator', String(latencyMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ info: JSON.parse(out.slice(0, nl)) as EmulatorInfo, child });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
}

/** Child mode: serve until the parent closes stdin. */
async function serveEmulator(latencyMs: number): Promise<void> {
  const emu = await startEmulator({ port: 0, seed: 1, latencyMs });
  const { username, password, consumerKey, consumerSecret } = emu.credentials;
  process.stdout.write(JSON.stringify({ url: emu.url, username, password, consumerKey, consumerSecret }) + '\n');
  process.stdin.resume();
  process.stdin.on('end', () => void emu.stop().then(() => process.exit(0)));
}

export async function run(): Promise<BenchResult[]> {
  const { info, child } = await emulatorProcess(LATENCY_MS);
  try {
    const { url, username, password, consumerKey, consumerSecret } = info;
    const emu = { url };
    const client = new SalesforceClient({
      login: passwordLogin({ loginUrl: emu.url, username, password, consumerKey, consumerSecret }),
      apiVersion: '62.0',
    });
    const jsforce = (await import('jsforce')).default;
    const conn = new jsforce.Connection({ loginUrl: emu.url, version: '62.0', maxRequest: 10, oauth2: { loginUrl: emu.url, clientId: consumerKey, clientSecret: consumerSecret } });
    await conn.login(username, password);
    // warm up both clients and the emulator's code paths before the clock starts
    const warm = await lastValueFrom(from(rows('warm').slice(0, 2000)).pipe(insertRecords(Account, { client, concurrency: CONCURRENCY }), results()));
    await lastValueFrom(fetchList$(Account, warm.map((r) => r.id!), { client, concurrency: CONCURRENCY }));
    const jsWarm = await conn.sobject('Account').create(rows('jswarm').slice(0, 2000), { allowRecursive: true });
    await conn.sobject('Account').retrieve(jsWarm.map((r) => r.id!), { fields: Account.fieldNames });

    // inserts: ≤ 200 records a request
    const insertTrips = Math.ceil(SIZE / 200);
    const rx = await repeated((run) => lastValueFrom(from(rows(`rx${run}`)).pipe(insertRecords(Account, { client, concurrency: CONCURRENCY }), results())));
    const js = await repeated((run) => conn.sobject('Account').create(rows(`js${run}`), { allowRecursive: true }));
    if (!rx.value.every((r) => r.success) || !js.value.every((r) => r.success)) throw new Error('insert benchmark: some records failed');

    // retrieve: ≤ 2,000 ids a request; jsforce sends one retrieve per 2,000 ids, one after another
    const ids = rx.value.map((r) => r.id!);
    const fetchTrips = Math.ceil(SIZE / 2000);
    const rxFetch = await repeated(() => lastValueFrom(fetchList$(Account, ids, { client, concurrency: CONCURRENCY })));
    const jsFetch = await repeated(async () => {
      const out: unknown[] = [];
      for (let i = 0; i < ids.length; i += 2000) {
        out.push(...(await conn.sobject('Account').retrieve(ids.slice(i, i + 2000), { fields: Account.fieldNames })));
      }
      return out;
    });
    if (rxFetch.value.type !== 'complete' || rxFetch.value.failed !== 0 || jsFetch.value.length !== SIZE) throw new Error('fetch benchmark: records missing');

    const round = (n: number) => Math.round(n * 100) / 100;
    const insertIdeal = ideal(insertTrips, CONCURRENCY);
    const fetchIdeal = ideal(fetchTrips, CONCURRENCY);
    const spread = (r: { min: number; max: number }) => `runs ${round(r.min)}–${round(r.max)} ms`;
    return [
      { name: `ideal bound insert ${SIZE} (${insertTrips} round trips × ${LATENCY_MS} ms / ${CONCURRENCY})`, value: insertIdeal, unit: 'ms' },
      { name: `rxforce insertRecords ${SIZE} (concurrency ${CONCURRENCY}, ${LATENCY_MS} ms latency; ${spread(rx)}) (÷ ideal)`, value: round(rx.median), unit: 'ms', ratio: round(rx.median / insertIdeal), runs: REPEAT },
      { name: `jsforce create(${SIZE}, allowRecursive; ${spread(js)}) (÷ rxforce)`, value: round(js.median), unit: 'ms', ratio: round(js.median / rx.median), runs: REPEAT },
      { name: `ideal bound fetch ${SIZE} (${fetchTrips} round trips × ${LATENCY_MS} ms / ${CONCURRENCY})`, value: fetchIdeal, unit: 'ms' },
      { name: `rxforce fetchList$ ${SIZE} ids (concurrency ${CONCURRENCY}, ${LATENCY_MS} ms latency; ${spread(rxFetch)}) (÷ ideal)`, value: round(rxFetch.median), unit: 'ms', ratio: round(rxFetch.median / fetchIdeal), runs: REPEAT },
      { name: `jsforce retrieve(${SIZE} ids, 2,000 a call; ${spread(jsFetch)}) (÷ rxforce)`, value: round(jsFetch.median), unit: 'ms', ratio: round(jsFetch.median / rxFetch.median), runs: REPEAT },
    ];
  } finally {
    child.removeAllListeners('exit');
    child.stdin!.end();
  }
}

if (process.argv[2] === '--emulator') {
  await serveEmulator(Number(process.argv[3]));
} else if (process.argv[1] === SELF) {
  const rows = await run();
  for (const r of rows) console.log(`${r.name}: ${r.value} ${r.unit}${r.ratio !== undefined ? ` (ratio ${r.ratio})` : ''}`);
  console.log('ratios: rxforce rows are × the ideal bound; jsforce rows are × rxforce (how much slower)');
}
