/**
 * REST query throughput and client memory: `query$` over 100,000 records against jsforce@3.10.16 (`autoFetch`,
 * `maxFetch` raised), each client in its own child process reporting its peak RSS (kernel maxRSS), plus rxforce's
 * peak RSS with a streaming consumer at 10k and 100k records — flat if paging is truly lazy — against the same
 * process reading one record (what Node, tsx and the client cost before any paging), and the pull iterable
 * `queryRecords` over the same 100,000. The ideal bound is the floor of an axios client on this emulator: raw axios
 * fetching the same pages (following nextRecordsUrl) with JSON.parse and nothing else; beside it the same pages on raw
 * `node:http` with a keep-alive agent (what rxforce's default Node transport is built on). The clock starts after login.
 * Ratios are of wall time: rxforce ÷ ideal (1 is the floor) and jsforce ÷ rxforce (above 1: rxforce is faster);
 * memory rows divide by the row they name.
 *
 *   node --import tsx bench/query.ts [--size 100000]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CREDENTIALS, rawHttp } from './rawOrg.js';
import { count, lastValueFrom } from 'rxjs';

export interface BenchResult { name: string; value: number; unit: string; ratio?: number; runs?: number }
interface ChildReport { records: number; ms: number; peakRssMb: number }

const SELF = fileURLToPath(import.meta.url);
/** Rounds of the ideals, query$ and queryRecords (`BENCH_QUERY_ROUNDS`, else `BENCH_REPEAT`, default 3). */
const ROUNDS = Math.max(1, Math.floor(Number(process.env.BENCH_QUERY_ROUNDS ?? process.env.BENCH_REPEAT ?? 3)) || 3);
const SOQL = (n: number) => `SELECT Id, Name, Industry, Phone, CreatedDate FROM Account LIMIT ${n}`;

function child(scenario: string, url: string, size: number): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', scenario, '--url', url, '--size', String(size)],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', d => { out += String(d); });
    p.on('error', reject);
    p.on('exit', code => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildReport)
      : reject(new Error(`${scenario} exited with ${code}`))));
  });
}

async function runChild(scenario: string, url: string, size: number): Promise<ChildReport> {
  let started = 0;
  let records = 0;
  if (scenario === 'rx' || scenario === 'pull') {
    const { SalesforceClient } = await import('../src/client/client.js');
    const { passwordLogin } = await import('../src/client/auth/password.js');
    const { query$ } = await import('../src/sources/query/query.js');
    const { queryRecords } = await import('../src/sources/query/queryPages.js');
    const client = new SalesforceClient({ login: passwordLogin({ loginUrl: url, ...CREDENTIALS }), apiVersion: '62.0' });
    await client.session();
    started = performance.now();
    if (scenario === 'rx') records = await lastValueFrom(query$(SOQL(size), { client }).pipe(count()));
    else for await (const _ of queryRecords(SOQL(size), { client })) records++;
  } else if (scenario === 'ideal-node') {
    const { nodeGet } = await import('./overhead.js');
    const { Agent } = await import('node:http');
    const http = await rawHttp(url, '');
    const headers = { Authorization: String(http.defaults.headers.Authorization), Accept: 'application/json' };
    const base = http.defaults.baseURL!;
    const agent = new Agent({ keepAlive: true });
    started = performance.now();
    type Page = { records: unknown[]; done: boolean; nextRecordsUrl?: string };
    let page = await nodeGet(`${base}/services/data/v62.0/query?q=${encodeURIComponent(SOQL(size))}`, headers, agent) as Page;
    records += page.records.length;
    while (!page.done && page.nextRecordsUrl) {
      page = await nodeGet(`${base}${page.nextRecordsUrl}`, headers, agent) as Page;
      records += page.records.length;
    }
  } else if (scenario === 'ideal') {
    const http = await rawHttp(url, '', { responseType: 'text', transformResponse: (d: string) => d });
    started = performance.now();
    type Page = { records: unknown[]; done: boolean; nextRecordsUrl?: string };
    let page = JSON.parse((await http.get<string>('/services/data/v62.0/query', { params: { q: SOQL(size) } })).data) as Page;
    records += page.records.length;
    while (!page.done && page.nextRecordsUrl) {
      page = JSON.parse((await http.get<string>(page.nextRecordsUrl)).data) as Page;
      records += page.records.length;
    }
  } else {
    const jsforce = (await import('jsforce')).default;
    const conn = new jsforce.Connection({ loginUrl: url, version: '62.0',
      oauth2: { loginUrl: url, clientId: CREDENTIALS.consumerKey, clientSecret: CREDENTIALS.consumerSecret } });
    await conn.login(CREDENTIALS.username, CREDENTIALS.password);
    started = performance.now();
    const res = await conn.query(SOQL(size), { autoFetch: true, maxFetch: size + 1 });
    records = res.records.length;
  }
  return { records, ms: performance.now() - started, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

export async function run(size = 100_000): Promise<BenchResult[]> {
  const { startEmulator } = await import('../src/emulator/index.js');
  const { SalesforceClient } = await import('../src/client/client.js');
  const { passwordLogin } = await import('../src/client/auth/password.js');
  const { bulkInsert$ } = await import('../src/sources/bulk/index.js');
  const emu = await startEmulator({ port: 0, seed: 9 });
  try {
    const client = new SalesforceClient({ login: passwordLogin({ loginUrl: emu.url, ...CREDENTIALS }), apiVersion: '62.0' });
    async function* rows() { for (let i = 0; i < size; i++) yield { Name: `Query ${i}`, Industry: i % 2 ? 'Energy' : 'Banking', Phone: `+1 555 ${i}` }; }
    await lastValueFrom(bulkInsert$('Account', rows(), { client, results: 'stream', polling: { initialMs: 100, factor: 1.5, maxMs: 1000 } }));

    // the cheap rows run ROUNDS times, interleaved, so a change in the machine's load falls on each alike; each
    // ratio is the median of the per-round ratios (both sides of a ratio met the same load)
    const rounds: { ideal: ChildReport; node: ChildReport; rx: ChildReport; pull: ChildReport }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      rounds.push({ ideal: await child('ideal', emu.url, size), rx: await child('rx', emu.url, size), node: await child('ideal-node', emu.url, size),
        pull: await child('pull', emu.url, size) });
    }
    const js = await child('jsforce', emu.url, size);
    const small = await child('rx', emu.url, Math.floor(size / 10));
    const idle = await child('rx', emu.url, 1);
    for (const { ideal, node, rx, pull } of rounds) {
      if (rx.records !== size || js.records !== size || pull.records !== size || ideal.records !== size || node.records !== size) {
        throw new Error(`record counts differ: rxforce ${rx.records}, pulled ${pull.records}, jsforce ${js.records}, ideal ${ideal.records}, expected ${size}`);
      }
    }
    const median = (xs: number[]) => { const s = [...xs].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
    /** The round whose time is the median, for a row that reports one child's figures. */
    const mid = (key: 'ideal' | 'node' | 'rx' | 'pull') => { const m = median(rounds.map(r => r[key].ms)); return rounds.find(r => r[key].ms === m)?.[key] ?? rounds[0]![key]; };
    const ideal = mid('ideal');
    const rx = mid('rx');
    const pull = mid('pull');
    const node = mid('node');
    const ratios = (key: 'rx' | 'pull', over: 'ideal' | 'node' = 'ideal') => rounds.map(r => r[key].ms / r[over].ms);
    const span = (xs: number[]) => `per-round ratios ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
    const rate = (r: ChildReport) => Math.round(r.records / (r.ms / 1000));
    const k = (n: number) => `${n / 1000}k`;
    const secs = (r: ChildReport) => `${(r.ms / 1000).toFixed(2)} s`;
    const times = (key: 'ideal' | 'node' | 'rx' | 'pull') => `runs ${rounds.map(r => (r[key].ms / 1000).toFixed(2)).join(', ')} s`;
    return [
      { name: `ideal bound ${k(size)} records, measured (raw axios, same pages, JSON.parse only; ${times('ideal')})`, value: rate(ideal), unit: 'records/s', runs: ROUNDS },
      { name: `ideal 2: raw node:http, same pages, JSON.parse only (${times('node')}) (÷ ideal)`, value: rate(node), unit: 'records/s',
        ratio: median(rounds.map(r => r.node.ms / r.ideal.ms)), runs: ROUNDS },
      { name: `query$ ${k(size)} records (rxforce; ${times('rx')}; ${span(ratios('rx'))}; aim ≤ 1.1) (÷ ideal)`, value: rate(rx), unit: 'records/s', ratio: median(ratios('rx')), runs: ROUNDS },
      { name: `query$ ${k(size)} records (rxforce; ${span(ratios('rx', 'node'))}) (÷ ideal 2, node:http)`, value: rate(rx), unit: 'records/s',
        ratio: median(ratios('rx', 'node')), runs: ROUNDS },
      { name: `query autoFetch ${k(size)} records (jsforce; ${secs(js)}) (÷ rxforce)`, value: rate(js), unit: 'records/s', ratio: js.ms / rx.ms, runs: 1 },
      { name: `queryRecords ${k(size)} records, pulled (rxforce; ${times('pull')}; ${span(ratios('pull'))}) (÷ ideal)`, value: rate(pull), unit: 'records/s', ratio: median(ratios('pull')), runs: ROUNDS },
      { name: `peak RSS, query$ ${k(size)} (rxforce) (÷ jsforce)`, value: Math.round(rx.peakRssMb), unit: 'MB', ratio: rx.peakRssMb / js.peakRssMb, runs: 1 },
      { name: `peak RSS, autoFetch ${k(size)} (jsforce)`, value: Math.round(js.peakRssMb), unit: 'MB', runs: 1 },
      { name: `peak RSS, query$ streaming ${k(size / 10)} (rxforce) (${k(size)} ÷ ${k(size / 10)}: flatness)`, value: Math.round(small.peakRssMb), unit: 'MB', ratio: rx.peakRssMb / small.peakRssMb, runs: 1 },
      { name: 'peak RSS, query$ of 1 record (rxforce process baseline)', value: Math.round(idle.peakRssMb), unit: 'MB', runs: 1 },
      { name: `peak RSS, queryRecords ${k(size)} (rxforce) (÷ jsforce)`, value: Math.round(pull.peakRssMb), unit: 'MB', ratio: pull.peakRssMb / js.peakRssMb, runs: 1 },
      { name: `peak RSS, ideal ${k(size)}`, value: Math.round(ideal.peakRssMb), unit: 'MB', runs: 1 },
    ];
  } finally {
    await emu.stop();
  }
}

const argv = process.argv;
const arg = (name: string) => { const i = argv.indexOf(name); return i < 0 ? undefined : argv[i + 1]; };
if (argv[1] === SELF) {
  if (argv.includes('--child')) {
    const report = await runChild(arg('--child')!, arg('--url')!, Number(arg('--size')));
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.exit(0);
  } else {
    for (const r of await run(Number(arg('--size') ?? 100_000))) console.log(`${r.name}: ${r.value} ${r.unit}${r.ratio !== undefined ? ` (×${r.ratio.toFixed(2)})` : ''}`);
  }
}
