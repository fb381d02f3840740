/**
 * REST query throughput and client memory: `query$` over 100,000 records against jsforce@3.10.16 (`autoFetch`,
 * `maxFetch` raised), each client in its own child process reporting its peak RSS (kernel maxRSS), plus rxforce's
 * peak RSS with a streaming consumer at 10k and 100k records — flat if paging is truly lazy — against the same
 * process reading one record (what Node, tsx and the client cost before any paging), and the pull iterable
 * `queryRecords` over the same 100,000.
 *
 *   node --import tsx bench/query.ts [--size 100000]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { count, lastValueFrom } from 'rxjs';

export interface BenchResult { name: string; value: number; unit: string; ratio?: number }
interface ChildReport { records: number; ms: number; peakRssMb: number }

const SELF = fileURLToPath(import.meta.url);
const CREDENTIALS = { username: 'admin@rxforce.local', password: 'rxforce', consumerKey: 'rxforce-local-key', consumerSecret: 'rxforce-local-secret' };
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
  const started = Date.now();
  let records = 0;
  if (scenario === 'rx') {
    const { SalesforceClient } = await import('../src/client/client.js');
    const { passwordLogin } = await import('../src/client/auth/password.js');
    const { query$ } = await import('../src/sources/query.js');
    const client = new SalesforceClient({ login: passwordLogin({ loginUrl: url, ...CREDENTIALS }), apiVersion: '62.0' });
    records = await lastValueFrom(query$(SOQL(size), { client }).pipe(count()));
  } else if (scenario === 'pull') {
    const { SalesforceClient } = await import('../src/client/client.js');
    const { passwordLogin } = await import('../src/client/auth/password.js');
    const { queryRecords } = await import('../src/sources/queryPages.js');
    const client = new SalesforceClient({ login: passwordLogin({ loginUrl: url, ...CREDENTIALS }), apiVersion: '62.0' });
    for await (const _ of queryRecords(SOQL(size), { client })) records++;
  } else {
    const jsforce = (await import('jsforce')).default;
    const conn = new jsforce.Connection({ loginUrl: url, version: '62.0',
      oauth2: { loginUrl: url, clientId: CREDENTIALS.consumerKey, clientSecret: CREDENTIALS.consumerSecret } });
    await conn.login(CREDENTIALS.username, CREDENTIALS.password);
    const res = await conn.query(SOQL(size), { autoFetch: true, maxFetch: size + 1 });
    records = res.records.length;
  }
  return { records, ms: Date.now() - started, peakRssMb: process.resourceUsage().maxRSS / 1024 };
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

    const rx = await child('rx', emu.url, size);
    const js = await child('jsforce', emu.url, size);
    const small = await child('rx', emu.url, Math.floor(size / 10));
    const idle = await child('rx', emu.url, 1);
    const pull = await child('pull', emu.url, size);
    if (rx.records !== size || js.records !== size || pull.records !== size) throw new Error(`record counts differ: rxforce ${rx.records}, pulled ${pull.records}, jsforce ${js.records}, expected ${size}`);
    const rate = (r: ChildReport) => Math.round(r.records / (r.ms / 1000));
    const k = (n: number) => `${n / 1000}k`;
    return [
      { name: `query$ ${k(size)} records (rxforce)`, value: rate(rx), unit: 'records/s', ratio: rate(rx) / rate(js) },
      { name: `query autoFetch ${k(size)} records (jsforce)`, value: rate(js), unit: 'records/s', ratio: 1 },
      { name: `peak RSS, query$ ${k(size)} (rxforce)`, value: Math.round(rx.peakRssMb), unit: 'MB', ratio: rx.peakRssMb / js.peakRssMb },
      { name: `peak RSS, autoFetch ${k(size)} (jsforce)`, value: Math.round(js.peakRssMb), unit: 'MB', ratio: 1 },
      { name: `peak RSS, query$ streaming ${k(size / 10)} (rxforce)`, value: Math.round(small.peakRssMb), unit: 'MB', ratio: small.peakRssMb / rx.peakRssMb },
      { name: 'peak RSS, query$ of 1 record (rxforce process baseline)', value: Math.round(idle.peakRssMb), unit: 'MB' },
      { name: `queryRecords ${k(size)} records, pulled (rxforce)`, value: rate(pull), unit: 'records/s', ratio: rate(pull) / rate(js) },
      { name: `peak RSS, queryRecords ${k(size)} (rxforce)`, value: Math.round(pull.peakRssMb), unit: 'MB', ratio: pull.peakRssMb / js.peakRssMb },
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
