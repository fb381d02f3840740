/**
 * sObject Collections throughput: `fetchList$` of 10,000 ids and `insertRecords` of 10,000 records against the local
 * emulator at 50 ms latency, next to jsforce@3.10.16 doing the same work and the ideal bound
 * (round trips × latency / concurrency).
 *
 * The emulator runs in a child process, as a real org runs on another machine: its CPU work overlaps with the
 * client's instead of queueing behind it. Both clients warm up (JIT, login) before the clock starts. The emulator
 * sleeps the configured latency once per request, before handling it, so the ideal bound counts it once per trip.
 *
 * Every timed run is repeated (`BENCH_REPEAT`, default 5), the contenders taking turns within a round, and the median
 * is reported with the fastest and slowest runs in the row name so the spread is visible. Ratios are of wall time,
 * the median of the per-round ratios: rxforce ÷ measured ideal (what the library costs; aims ≤ 1.15 for inserts,
 * ≤ 1.2 for fetches), rxforce ÷ latency-only bound, and jsforce ÷ rxforce. Beside the wall times, the client's CPU time
 * per run (this process's; the emulator has its own) for rxforce and the measured ideal, which a busy machine
 * sways less than wall time.
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
import { rawHttp } from './rawOrg.js';

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

/** Wall time and this process's CPU time (the client's: the emulator runs in a child process) of one run. */
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await fn();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, value };
}

interface Spread { median: number; min: number; max: number }

function spreadOf(xs: number[]): Spread {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/**
 * Runs every contender once per round, `REPEAT` rounds, so a change in the machine's load falls on all of them
 * alike: each contender's times, and the last round's values (for checks).
 */
async function interleaved<K extends string>(contenders: Record<K, (run: number) => Promise<unknown>>): Promise<Record<K, { ms: number[]; cpuMs: number[]; value: unknown }>> {
  const out = {} as Record<K, { ms: number[]; cpuMs: number[]; value: unknown }>;
  for (const k of Object.keys(contenders) as K[]) out[k] = { ms: [], cpuMs: [], value: undefined };
  for (let i = 0; i < REPEAT; i++) {
    for (const k of Object.keys(contenders) as K[]) {
      const { ms, cpuMs, value } = await timed(() => contenders[k](i));
      out[k].ms.push(ms);
      out[k].cpuMs.push(cpuMs);
      out[k].value = value;
    }
  }
  return out;
}

/** At most `concurrency` calls of `fn` in flight, as a pipeline keeps them; results in input order. */
async function pool<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Ideal wall time: every round trip pays the latency once, `concurrency` at a time. */
function ideal(roundTrips: number, concurrency: number): number {
  return Math.ceil(roundTrips / concurrency) * LATENCY_MS;
}

const SELF = fileURLToPath(import.meta.url);

interface EmulatorInfo { url: string; username: string; password: string; consumerKey: string; consumerSecret: string }

/** Starts the emulator in a child process with the given latency and reads its address from the first line. */
export function emulatorProcess(latencyMs: number): Promise<{ info: EmulatorInfo; child: ChildProcess }> {
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

    // The measured ideal: raw axios sending the same requests (the same batches, `CONCURRENCY` in flight) and
    // parsing the answers, nothing else — no validation, no typing, no bookkeeping per record. rxforce ÷ this is
    // what the library costs; this ÷ the latency-only bound is what the emulator and JSON cost.
    const http = await rawHttp(emu.url, '/services/data/v62.0/');
    type SaveRow = { id?: string; success: boolean };
    const rawInsert = async (input: Record<string, unknown>[]) => {
      const batches = chunks(input.map((r) => ({ attributes: { type: 'Account' }, ...r })), 200);
      const answers = await pool(batches, CONCURRENCY, async (records) => (await http.post<SaveRow[]>('composite/sobjects', { allOrNone: false, records })).data);
      return answers.flat();
    };
    const rawFetch = async (ids: string[]) => {
      const answers = await pool(chunks(ids, 2000), CONCURRENCY, async (batch) =>
        (await http.post<unknown[]>('composite/sobjects/Account', { ids: batch, fields: Account.fieldNames })).data);
      return answers.flat();
    };
    await rawFetch((await rawInsert(rows('rawwarm').slice(0, 2000))).map((r) => r.id!));

    // inserts: ≤ 200 records a request; one round runs all three, so a change in load falls on each alike
    const insertTrips = Math.ceil(SIZE / 200);
    const inserts = await interleaved({
      rx: (run) => lastValueFrom(from(rows(`rx${run}`)).pipe(insertRecords(Account, { client, concurrency: CONCURRENCY }), results())),
      raw: (run) => rawInsert(rows(`raw${run}`)),
      js: (run) => conn.sobject('Account').create(rows(`js${run}`), { allowRecursive: true }),
    });
    const rxSaved = inserts.rx.value as { success: boolean; id?: string }[];
    if (![rxSaved, inserts.raw.value as SaveRow[], inserts.js.value as SaveRow[]].every((v) => v.length === SIZE && v.every((r) => r.success))) {
      throw new Error('insert benchmark: some records failed');
    }

    // retrieve: ≤ 2,000 ids a request; jsforce sends one retrieve per 2,000 ids, one after another
    const ids = rxSaved.map((r) => r.id!);
    const fetchTrips = Math.ceil(SIZE / 2000);
    const fetches = await interleaved({
      rx: () => lastValueFrom(fetchList$(Account, ids, { client, concurrency: CONCURRENCY })),
      raw: () => rawFetch(ids),
      js: async () => {
        const out: unknown[] = [];
        for (let i = 0; i < ids.length; i += 2000) {
          out.push(...(await conn.sobject('Account').retrieve(ids.slice(i, i + 2000), { fields: Account.fieldNames })));
        }
        return out;
      },
    });
    const rxFetched = fetches.rx.value as { type: string; failed: number };
    if (rxFetched.type !== 'complete' || rxFetched.failed !== 0 || (fetches.js.value as unknown[]).length !== SIZE
      || (fetches.raw.value as unknown[]).filter((r) => r !== null).length !== SIZE) {
      throw new Error('fetch benchmark: records missing');
    }

    const round = (n: number) => Math.round(n * 100) / 100;
    const insertIdeal = ideal(insertTrips, CONCURRENCY);
    const fetchIdeal = ideal(fetchTrips, CONCURRENCY);
    const ms = (r: Spread) => `runs ${round(r.min)}–${round(r.max)} ms`;
    /** Per-round ratios a ÷ b: each from one round, where both met the same load. */
    const ratios = (a: number[], b: number[]) => spreadOf(a.map((x, i) => x / b[i]));
    const span = (r: Spread) => `${r.min.toFixed(2)}–${r.max.toFixed(2)}`;
    const rows_ = (what: string, trips: number, latencyIdeal: number, t: Record<'rx' | 'raw' | 'js', { ms: number[]; cpuMs: number[] }>, rxName: string, jsName: string): BenchResult[] => {
      const rx = spreadOf(t.rx.ms);
      const raw = spreadOf(t.raw.ms);
      const js = spreadOf(t.js.ms);
      const rxRaw = ratios(t.rx.ms, t.raw.ms);
      const jsRx = ratios(t.js.ms, t.rx.ms);
      return [
        { name: `ideal bound ${what} ${SIZE}, latency only (${trips} round trips × ${LATENCY_MS} ms / ${CONCURRENCY})`, value: latencyIdeal, unit: 'ms' },
        { name: `ideal ${what} ${SIZE}, measured: raw axios, same requests, ${CONCURRENCY} in flight, answers parsed (${ms(raw)}) (÷ latency-only bound)`,
          value: round(raw.median), unit: 'ms', ratio: round(raw.median / latencyIdeal), runs: REPEAT },
        { name: `${rxName} (${ms(rx)}; per-round ratios ${span(rxRaw)}) (÷ measured ideal)`, value: round(rx.median), unit: 'ms', ratio: round(rxRaw.median), runs: REPEAT },
        { name: `${rxName} (÷ latency-only bound)`, value: round(rx.median), unit: 'ms', ratio: round(rx.median / latencyIdeal), runs: REPEAT },
        // the client's own CPU time per run: what the library costs, less swayed by the machine's load than wall time
        { name: `client CPU, raw axios ${what} ${SIZE} (runs ${span(spreadOf(t.raw.cpuMs))} ms)`, value: round(spreadOf(t.raw.cpuMs).median), unit: 'ms', runs: REPEAT },
        { name: `client CPU, ${rxName} (runs ${span(spreadOf(t.rx.cpuMs))} ms; per-round ratios ${span(ratios(t.rx.cpuMs, t.raw.cpuMs))}) (÷ raw axios's)`,
          value: round(spreadOf(t.rx.cpuMs).median), unit: 'ms', ratio: round(ratios(t.rx.cpuMs, t.raw.cpuMs).median), runs: REPEAT },
        { name: `${jsName} (${ms(js)}; per-round ratios ${span(jsRx)}) (÷ rxforce)`, value: round(js.median), unit: 'ms', ratio: round(jsRx.median), runs: REPEAT },
      ];
    };
    return [
      ...rows_('insert', insertTrips, insertIdeal, inserts, `rxforce insertRecords ${SIZE} (concurrency ${CONCURRENCY}, ${LATENCY_MS} ms latency)`,
        `jsforce create(${SIZE}, allowRecursive)`),
      ...rows_('fetch', fetchTrips, fetchIdeal, fetches, `rxforce fetchList$ ${SIZE} ids (concurrency ${CONCURRENCY}, ${LATENCY_MS} ms latency)`,
        `jsforce retrieve(${SIZE} ids, 2,000 a call)`),
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
