/**
 * Bulk API 2.0 throughput and client memory, rxforce against jsforce@3.10.16, on the local emulator.
 *
 * Each client runs in a child process that reports its own peak RSS (`process.resourceUsage().maxRSS`, sampled by
 * the kernel), so the emulator's memory is not counted. rxforce streams its input from a generator and its results
 * page by page (`results: 'stream'`): that is the mode whose memory should stay flat as the job grows. The default
 * `results: 'collect'` keeps every input record to match it to its outcome, so its memory grows with the job by
 * design; it is measured and reported on its own line. jsforce's `loadAndWaitForResults` takes the records as an
 * array.
 *
 *   node --import tsx bench/bulk.ts [--size 1000000]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, count } from 'rxjs';

export interface BenchResult { name: string; value: number; unit: string; ratio?: number }

interface ChildReport { records: number; ms: number; peakRssMb: number }

const SELF = fileURLToPath(import.meta.url);
const FIELDS = (i: number) => ({ Name: `Bench ${i}`, Industry: i % 3 ? 'Energy' : 'Technology', Phone: `+1 555 ${String(i).padStart(7, '0')}` });

/** Runs one scenario in a fresh Node process and reads its report. */
function child(scenario: string, url: string, size: number): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', scenario, '--url', url, '--size', String(size)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', d => { out += String(d); });
    p.on('error', reject);
    p.on('exit', code => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`${scenario} exited with ${code}: ${out}`));
      else resolve(JSON.parse(line) as ChildReport);
    });
  });
}

async function runChild(scenario: string, url: string, size: number): Promise<ChildReport> {
  const credentials = { username: 'admin@rxforce.local', password: 'rxforce', consumerKey: 'rxforce-local-key', consumerSecret: 'rxforce-local-secret' };
  const started = Date.now();
  let records = 0;
  if (scenario.startsWith('rx-')) {
    const { SalesforceClient } = await import('../src/client/client.js');
    const { passwordLogin } = await import('../src/client/auth/password.js');
    const { bulkInsert$, bulkQuery$ } = await import('../src/sources/bulk/index.js');
    const client = new SalesforceClient({ login: passwordLogin({ loginUrl: url, ...credentials }), apiVersion: '62.0' });
    const polling = { initialMs: 100, factor: 1.5, maxMs: 1000 };
    if (scenario === 'rx-insert' || scenario === 'rx-insert-collect') {
      async function* rows() { for (let i = 0; i < size; i++) yield FIELDS(i); }
      const results = scenario === 'rx-insert' ? 'stream' : 'collect';
      const last = await lastValueFrom(bulkInsert$('Account', rows(), {
        client, polling, results, partSizeBytes: 16 * 1024 * 1024,
      }));
      records = last.type === 'summary' ? last.successful : last.type === 'result' ? last.successful.length : 0;
    } else {
      records = await lastValueFrom(bulkQuery$(`SELECT Id, Name, Industry, Phone FROM Account LIMIT ${size}`, { client, polling, maxRecords: 50_000 }).pipe(count()));
    }
  } else {
    const jsforce = (await import('jsforce')).default;
    const conn = new jsforce.Connection({ loginUrl: url, version: '62.0', oauth2: { loginUrl: url, clientId: credentials.consumerKey, clientSecret: credentials.consumerSecret } });
    await conn.login(credentials.username, credentials.password);
    conn.bulk2.pollInterval = 100;
    conn.bulk2.pollTimeout = 60 * 60 * 1000;
    if (scenario === 'jsforce-insert') {
      const input = Array.from({ length: size }, (_, i) => FIELDS(i));
      const res = await conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'insert', input });
      records = res.successfulResults.length;
    } else {
      const stream = await conn.bulk2.query(`SELECT Id, Name, Industry, Phone FROM Account LIMIT ${size}`);
      await new Promise<void>((resolve, reject) => {
        stream.on('record', () => { records++; });
        stream.on('end', () => resolve());
        stream.on('error', reject);
      });
    }
  }
  return { records, ms: Date.now() - started, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** Both clients side by side at `size`, plus rxforce's peak RSS at a tenth of it (memory should be flat). */
export async function run(size = 1_000_000): Promise<BenchResult[]> {
  const { startEmulator } = await import('../src/emulator/index.js');
  const emu = await startEmulator({ port: 0, bulkRecordsPerSecond: 10_000_000 });
  try {
    const r: Record<string, ChildReport> = {};
    const small = Math.max(1, Math.floor(size / 10));
    r.rxInsertSmall = await child('rx-insert', emu.url, small);
    r.rxInsert = await child('rx-insert', emu.url, size);
    r.rxInsertCollect = await child('rx-insert-collect', emu.url, size);
    r.jsInsert = await child('jsforce-insert', emu.url, size);
    r.rxQuerySmall = await child('rx-query', emu.url, small);
    r.rxQuery = await child('rx-query', emu.url, size);
    r.jsQuery = await child('jsforce-query', emu.url, size);
    for (const [k, v] of Object.entries(r)) {
      const want = k.endsWith('Small') ? small : size;
      if (v.records !== want) throw new Error(`${k}: ${v.records} records instead of ${want}`);
    }
    const rate = (c: ChildReport) => Math.round(c.records / (c.ms / 1000));
    const mb = (c: ChildReport) => Math.round(c.peakRssMb);
    return [
      { name: `rxforce bulk insert ${size}`, value: rate(r.rxInsert), unit: 'records/s', ratio: rate(r.rxInsert) / rate(r.jsInsert) },
      { name: `jsforce bulk2.loadAndWaitForResults ${size}`, value: rate(r.jsInsert), unit: 'records/s' },
      { name: `rxforce bulk insert ${size} peak RSS`, value: mb(r.rxInsert), unit: 'MB', ratio: r.rxInsert.peakRssMb / r.jsInsert.peakRssMb },
      { name: `jsforce bulk insert ${size} peak RSS`, value: mb(r.jsInsert), unit: 'MB' },
      { name: `rxforce bulk insert ${small} peak RSS`, value: mb(r.rxInsertSmall), unit: 'MB', ratio: r.rxInsert.peakRssMb / r.rxInsertSmall.peakRssMb },
      { name: `rxforce bulk insert ${size} collect peak RSS`, value: mb(r.rxInsertCollect), unit: 'MB', ratio: r.rxInsertCollect.peakRssMb / r.jsInsert.peakRssMb },
      { name: `rxforce bulk query ${size}`, value: rate(r.rxQuery), unit: 'records/s', ratio: rate(r.rxQuery) / rate(r.jsQuery) },
      { name: `jsforce bulk2.query ${size}`, value: rate(r.jsQuery), unit: 'records/s' },
      { name: `rxforce bulk query ${size} peak RSS`, value: mb(r.rxQuery), unit: 'MB', ratio: r.rxQuery.peakRssMb / r.jsQuery.peakRssMb },
      { name: `jsforce bulk query ${size} peak RSS`, value: mb(r.jsQuery), unit: 'MB' },
      { name: `rxforce bulk query ${small} peak RSS`, value: mb(r.rxQuerySmall), unit: 'MB', ratio: r.rxQuery.peakRssMb / r.rxQuerySmall.peakRssMb },
    ];
  } finally {
    await emu.stop();
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const size = Number(arg('--size') ?? 1_000_000);
  const scenario = arg('--child');
  if (scenario) {
    runChild(scenario, arg('--url')!, size).then(r => { console.log(JSON.stringify(r)); process.exit(0); },
      (e: unknown) => { console.error(e); process.exit(1); });
  } else {
    run(size).then(results => {
      for (const r of results) console.log(`${r.name.padEnd(48)} ${String(r.value).padStart(10)} ${r.unit}${r.ratio !== undefined ? `  (×${r.ratio.toFixed(2)})` : ''}`);
    }, (e: unknown) => { console.error(e); process.exitCode = 1; });
  }
}
