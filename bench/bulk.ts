/**
 * Bulk API 2.0 throughput and client memory: rxforce against jsforce@3.10.16's bulk2 and against the ideal bound, on
 * the local emulator.
 *
 * Each client runs in a child process that reports its own peak RSS (`process.resourceUsage().maxRSS`, sampled by
 * the kernel), so the emulator's memory is not counted. The clock starts after login, once the modules are loaded,
 * and stops when the client holds every result. Every client polls at the same fixed 100 ms, so no one wins by
 * polling luck.
 *
 * - rxforce streams its input from a generator and its results page by page (`results: 'stream'`): the mode whose
 *   memory should stay flat as the job grows (measured at a tenth of the size and at the size). The default
 *   `results: 'collect'` keeps every input record to match it to its outcome, so its memory grows with the job by
 *   design; it is measured on its own line.
 * - jsforce's `loadAndWaitForResults` takes the records as an array; `bulk2.query` streams records.
 * - The ideal bound is the floor of any client on this emulator: raw axios uploads CSV bytes built before the clock
 *   starts in one PUT, closes, polls at the same interval and downloads the successful results without parsing them;
 *   for query it downloads the result pages (same `maxRecords`) as raw bytes and only counts their lines.
 * - The measured ideal is what any client must do to hand records over: raw axios sends the same requests as rxforce
 *   (CSV written from the same generator as rows come, PUT in parts of the same size) and parses the answers with
 *   csv-parse (successful results; query pages), keeping nothing. rxforce ÷ it is what the library costs.
 *
 *   node --import tsx bench/bulk.ts [--size 1000000]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CREDENTIALS, rawHttp } from './rawOrg.js';

export interface BenchResult { name: string; value: number; unit: string; ratio?: number; runs?: number }

/** `incomplete`: the client's stream stopped without ending (jsforce's bulk2.query past one result page). */
interface ChildReport { records: number; ms: number; peakRssMb: number; incomplete?: boolean }

const SELF = fileURLToPath(import.meta.url);
const POLL_MS = 100;
const PAGE_RECORDS = 50_000;
/** rxforce's part size in this benchmark (`partSizeBytes`), and the measured ideal's. */
const PART_BYTES = 16 * 1024 * 1024;
const FIELDS = (i: number) => ({ Name: `Bench ${i}`, Industry: i % 3 ? 'Energy' : 'Technology', Phone: `+1 555 ${String(i).padStart(7, '0')}` });
const SOQL = (n: number) => `SELECT Id, Name, Industry, Phone FROM Account LIMIT ${n}`;

/** Runs one scenario in a fresh Node process and reads its report (the last stdout line). */
function child(scenario: string, url: string, size: number): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', scenario, '--url', url, '--size', String(size)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', d => { out += String(d); });
    p.on('error', reject);
    p.on('close', (code, signal) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`${scenario} ${size}: child exited with ${signal ?? code}${line ? `: ${line}` : ' and no report'}`));
        return;
      }
      try { resolve(JSON.parse(line) as ChildReport); } catch (e) { reject(new Error(`${scenario} ${size}: unreadable report ${line}: ${String(e)}`)); }
    });
  });
}

/** The scenario's last step, for the report of a child whose event loop ran dry before it finished. */
let stage = 'starting';
/** What a scenario has done so far, for a report even when its client never finishes. */
const progress = { records: 0, started: 0 };

async function runChild(scenario: string, url: string, size: number): Promise<ChildReport> {
  let records = 0;
  let started = 0;
  if (scenario.startsWith('rx-')) {
    const { SalesforceClient } = await import('../src/client/client.js');
    const { passwordLogin } = await import('../src/client/auth/password.js');
    const { bulkInsert$, bulkQuery$ } = await import('../src/sources/bulk/index.js');
    const { lastValueFrom, tap, count } = await import('rxjs');
    const client = new SalesforceClient({ login: passwordLogin({ loginUrl: url, ...CREDENTIALS }), apiVersion: '62.0' });
    await client.session();
    const polling = { initialMs: POLL_MS, factor: 1, maxMs: POLL_MS };
    stage = 'logged in';
    started = performance.now();
    if (scenario === 'rx-insert' || scenario === 'rx-insert-collect') {
      async function* rows() { for (let i = 0; i < size; i++) yield FIELDS(i); }
      const results = scenario === 'rx-insert' ? 'stream' : 'collect';
      const last = await lastValueFrom(bulkInsert$('Account', rows(), { client, polling, results, partSizeBytes: PART_BYTES }).pipe(
        tap(e => { stage = e.type === 'job' ? `job ${e.job.state}` : e.type === 'upload' ? `uploaded ${e.records}` : e.type; }),
      ));
      records = last.type === 'summary' ? last.successful : last.type === 'result' ? last.successful.length : 0;
    } else {
      records = await lastValueFrom(bulkQuery$(SOQL(size), {
        client, polling, maxRecords: PAGE_RECORDS, onJob: job => { stage = `query job ${job.state}`; },
      }).pipe(tap(() => { if (++records % 100_000 === 0) stage = `read ${records} records`; }), count()));
    }
  } else if (scenario.startsWith('jsforce-')) {
    const jsforce = (await import('jsforce')).default;
    const conn = new jsforce.Connection({ loginUrl: url, version: '62.0', oauth2: { loginUrl: url, clientId: CREDENTIALS.consumerKey, clientSecret: CREDENTIALS.consumerSecret } });
    await conn.login(CREDENTIALS.username, CREDENTIALS.password);
    conn.bulk2.pollInterval = POLL_MS;
    conn.bulk2.pollTimeout = 60 * 60 * 1000;
    stage = 'logged in';
    if (scenario === 'jsforce-insert') {
      started = performance.now();
      // jsforce takes an array: building it is part of its cost
      const input = Array.from({ length: size }, (_, i) => FIELDS(i));
      stage = 'loading';
      const res = await conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'insert', input });
      records = res.successfulResults.length;
    } else {
      started = performance.now();
      progress.started = started;
      const stream = await conn.bulk2.query(SOQL(size));
      stage = 'reading records';
      await new Promise<void>((resolve, reject) => {
        stream.on('record', () => { records++; progress.records++; });
        stream.on('end', () => resolve());
        stream.on('error', reject);
      });
    }
  } else {
    const ideal = await rawClient(url);
    if (scenario === 'ideal-insert') {
      let csv = 'Name,Industry,Phone\n';
      const lines: string[] = [];
      for (let i = 0; i < size; i++) { const f = FIELDS(i); lines.push(`${f.Name},${f.Industry},${f.Phone}\n`); }
      csv += lines.join('');
      const bytes = Buffer.from(csv, 'utf8');
      stage = 'built CSV';
      started = performance.now();
      records = await ideal.insert(bytes);
    } else if (scenario === 'ideal-insert-parsed') {
      // the same requests as rxforce's streamed insert: CSV written as the rows come, in parts of the same size
      async function* rows() { for (let i = 0; i < size; i++) yield FIELDS(i); }
      started = performance.now();
      records = await ideal.insertParsed(rows());
    } else if (scenario === 'ideal-query-parsed') {
      started = performance.now();
      records = await ideal.query(SOQL(size), true);
    } else {
      started = performance.now();
      records = await ideal.query(SOQL(size));
    }
  }
  const ms = performance.now() - started;
  return { records, ms, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/**
 * The floor: the Bulk API 2.0 calls any client must make, through axios with a keep-alive agent, nothing else —
 * no CSV encoding or parsing, no typing, no reconciliation.
 */
async function rawClient(url: string) {
  const http = await rawHttp(url, '/services/data/v62.0/', { maxBodyLength: Infinity, maxContentLength: Infinity });
  const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
  const poll = async (path: string) => {
    for (;;) {
      await sleep(POLL_MS);
      const { data } = await http.get<{ state: string; errorMessage?: string }>(path);
      stage = `job ${data.state}`;
      if (data.state === 'JobComplete') return;
      if (data.state === 'Failed' || data.state === 'Aborted') throw new Error(`job ${data.state}: ${data.errorMessage ?? ''}`);
    }
  };
  /** Records in a streamed CSV body parsed with csv-parse (one object per row, keyed by the header), none kept. */
  const parsed = async (path: string, params?: Record<string, unknown>) => {
    const { parse } = await import('csv-parse');
    const res = await http.get<NodeJS.ReadableStream>(path, { params, responseType: 'stream' });
    let n = 0;
    for await (const row of (res.data as NodeJS.ReadableStream).pipe(parse({ columns: true })) as AsyncIterable<Record<string, string>>) {
      if (row) n++;
    }
    return { lines: n + 1, locator: res.headers['sforce-locator'] as string | undefined };
  };
  /** Lines in a streamed body, counted as the bytes pass; nothing kept. */
  const lines = async (path: string, params?: Record<string, unknown>) => {
    const res = await http.get<NodeJS.ReadableStream>(path, { params, responseType: 'stream' });
    let n = 0;
    for await (const chunk of res.data as AsyncIterable<Buffer>) {
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) n++;
    }
    return { lines: n, locator: res.headers['sforce-locator'] as string | undefined };
  };
  return {
    async insert(csv: Buffer): Promise<number> {
      const { data: job } = await http.post<{ id: string }>('jobs/ingest', { object: 'Account', operation: 'insert', contentType: 'CSV', lineEnding: 'LF' });
      await http.put(`jobs/ingest/${job.id}/batches`, csv, { headers: { 'Content-Type': 'text/csv' } });
      await http.patch(`jobs/ingest/${job.id}`, { state: 'UploadComplete' });
      await poll(`jobs/ingest/${job.id}`);
      return (await lines(`jobs/ingest/${job.id}/successfulResults/`)).lines - 1;
    },
    /** CSV built from the rows as they come, PUT in parts of at most PART_BYTES; successful results parsed. */
    async insertParsed(rows: AsyncIterable<ReturnType<typeof FIELDS>>): Promise<number> {
      const { data: job } = await http.post<{ id: string }>('jobs/ingest', { object: 'Account', operation: 'insert', contentType: 'CSV', lineEnding: 'LF' });
      const header = 'Name,Industry,Phone\n';
      let lines: string[] = [];
      let bytes = header.length;
      const put = async () => {
        await http.put(`jobs/ingest/${job.id}/batches`, Buffer.from(header + lines.join(''), 'utf8'), { headers: { 'Content-Type': 'text/csv' } });
        lines = [];
        bytes = header.length;
      };
      for await (const f of rows) {
        const line = `${f.Name},${f.Industry},${f.Phone}\n`;
        if (bytes + line.length > PART_BYTES) await put();
        lines.push(line);
        bytes += line.length;
      }
      if (lines.length) await put();
      await http.patch(`jobs/ingest/${job.id}`, { state: 'UploadComplete' });
      await poll(`jobs/ingest/${job.id}`);
      return (await parsed(`jobs/ingest/${job.id}/successfulResults/`)).lines - 1;
    },
    async query(soql: string, parse = false): Promise<number> {
      const { data: job } = await http.post<{ id: string }>('jobs/query', { operation: 'query', query: soql, contentType: 'CSV' });
      await poll(`jobs/query/${job.id}`);
      let total = 0;
      let locator: string | undefined;
      do {
        const page = await (parse ? parsed : lines)(`jobs/query/${job.id}/results`, { maxRecords: PAGE_RECORDS, ...(locator ? { locator } : {}) });
        total += page.lines - 1;
        locator = page.locator;
        stage = `downloaded ${total} records`;
      } while (locator && locator !== 'null');
      return total;
    },
  };
}

/**
 * rxforce, jsforce and the ideal bound side by side at `size`, plus rxforce's peak RSS at a tenth of it (memory
 * should be flat). Ratios are of wall time: rxforce ÷ ideal (1 is the floor) and jsforce ÷ rxforce (above 1: rxforce
 * is faster); memory rows divide by the row they name.
 */
export async function run(size = sizeArg()): Promise<BenchResult[]> {
  const { startEmulator } = await import('../src/emulator/index.js');
  const emu = await startEmulator({ port: 0, bulkRecordsPerSecond: 10_000_000 });
  try {
    const r: Record<string, ChildReport> = {};
    const small = Math.max(1, Math.floor(size / 10));
    const steps: [string, string, number][] = [
      ['idealInsert', 'ideal-insert', size],
      ['idealInsertParsed', 'ideal-insert-parsed', size],
      ['rxInsertSmall', 'rx-insert', small],
      ['rxInsert', 'rx-insert', size],
      ['jsInsert', 'jsforce-insert', size],
      ['rxInsertCollect', 'rx-insert-collect', size],
      ['idealQuery', 'ideal-query', size],
      ['idealQueryParsed', 'ideal-query-parsed', size],
      ['rxQuerySmall', 'rx-query', small],
      ['rxQuery', 'rx-query', size],
      ['jsQuery', 'jsforce-query', size],
    ];
    const step = async (key: string, scenario: string, n: number) => {
      console.error(`  bulk: ${scenario} ${n}…`);
      r[key] = await child(scenario, emu.url, n);
      if (r[key].records !== n && !r[key].incomplete) throw new Error(`${scenario} ${n}: ${r[key].records} records instead of ${n}`);
    };
    for (const [key, scenario, n] of steps) await step(key, scenario, n);
    // jsforce's bulk2.query delivers one result page only: when it broke at `size`, compare again at a size whose
    // results fit one page of the emulator (64 MB), so there is still a like-for-like speed figure
    const half = Math.max(1, Math.floor(size / 2));
    if (r.jsQuery.incomplete) {
      await step('rxQueryHalf', 'rx-query', half);
      await step('jsQueryHalf', 'jsforce-query', half);
      if (r.jsQueryHalf.incomplete) throw new Error(`jsforce-query ${half}: stopped after ${r.jsQueryHalf.records} records`);
    }
    const rate = (c: ChildReport) => Math.round(c.records / (c.ms / 1000));
    const mb = (c: ChildReport) => Math.round(c.peakRssMb);
    const k = (n: number) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1000 ? `${n / 1000}k` : String(n));
    const row = (name: string, c: ChildReport, ratio?: number): BenchResult =>
      ({ name: `${name} (${(c.ms / 1000).toFixed(1)} s)`, value: rate(c), unit: 'records/s', ratio, runs: 1 });
    return [
      row(`ideal bound insert ${k(size)} (raw axios: pre-built CSV, one PUT, poll ${POLL_MS} ms, results unparsed)`, r.idealInsert),
      row(`ideal insert ${k(size)}, measured: raw axios, the same requests (CSV written as rows come, parts of ${PART_BYTES / 2 ** 20} MB), results parsed with csv-parse (÷ unparsed ideal)`,
        r.idealInsertParsed, r.idealInsertParsed.ms / r.idealInsert.ms),
      row(`rxforce bulkInsert$ ${k(size)}, streamed results (aim ≤ 1.25) (÷ measured ideal)`, r.rxInsert, r.rxInsert.ms / r.idealInsertParsed.ms),
      row(`rxforce bulkInsert$ ${k(size)}, streamed results (÷ unparsed ideal)`, r.rxInsert, r.rxInsert.ms / r.idealInsert.ms),
      row(`jsforce bulk2.loadAndWaitForResults ${k(size)} (÷ rxforce)`, r.jsInsert, r.jsInsert.ms / r.rxInsert.ms),
      row(`rxforce bulkInsert$ ${k(size)}, collected results (÷ unparsed ideal)`, r.rxInsertCollect, r.rxInsertCollect.ms / r.idealInsert.ms),
      { name: `peak RSS, rxforce insert ${k(size)} streamed (÷ jsforce)`, value: mb(r.rxInsert), unit: 'MB', ratio: r.rxInsert.peakRssMb / r.jsInsert.peakRssMb, runs: 1 },
      { name: `peak RSS, rxforce insert ${k(small)} streamed (${k(size)} ÷ ${k(small)}: flatness; aim at 1M: ≤ 1.10 and ≤ 160 MB)`, value: mb(r.rxInsertSmall), unit: 'MB', ratio: r.rxInsert.peakRssMb / r.rxInsertSmall.peakRssMb, runs: 1 },
      { name: `peak RSS, rxforce insert ${k(size)} collected (÷ jsforce)`, value: mb(r.rxInsertCollect), unit: 'MB', ratio: r.rxInsertCollect.peakRssMb / r.jsInsert.peakRssMb, runs: 1 },
      { name: `peak RSS, jsforce insert ${k(size)}`, value: mb(r.jsInsert), unit: 'MB', runs: 1 },
      { name: `peak RSS, ideal insert ${k(size)} (holds the whole CSV)`, value: mb(r.idealInsert), unit: 'MB', runs: 1 },
      row(`ideal bound query ${k(size)} (raw axios: poll ${POLL_MS} ms, pages of ${k(PAGE_RECORDS)} downloaded unparsed)`, r.idealQuery),
      row(`ideal query ${k(size)}, measured: raw axios, the same pages, parsed with csv-parse (÷ unparsed ideal)`, r.idealQueryParsed, r.idealQueryParsed.ms / r.idealQuery.ms),
      row(`rxforce bulkQuery$ ${k(size)} (aim ≤ 1.3) (÷ measured ideal)`, r.rxQuery, r.rxQuery.ms / r.idealQueryParsed.ms),
      row(`rxforce bulkQuery$ ${k(size)} (÷ unparsed ideal)`, r.rxQuery, r.rxQuery.ms / r.idealQuery.ms),
      ...(r.jsQuery.incomplete ? [
        { name: `jsforce bulk2.query ${k(size)}: FAILED, its record stream stopped after ${r.jsQuery.records} of ${size} records and never ended `
          + '(jsforce@3.10.16 pipes every result page into one stream that the first page ends; later pages are lost)', value: r.jsQuery.records, unit: 'records', runs: 1 },
        row(`rxforce bulkQuery$ ${k(half)}, to compare with jsforce within one result page`, r.rxQueryHalf!),
        row(`jsforce bulk2.query ${k(half)} (aim ≥ 3) (÷ rxforce at ${k(half)})`, r.jsQueryHalf!, r.jsQueryHalf!.ms / r.rxQueryHalf!.ms),
      ] : [row(`jsforce bulk2.query ${k(size)} (÷ rxforce)`, r.jsQuery, r.jsQuery.ms / r.rxQuery.ms)]),
      { name: `peak RSS, rxforce query ${k(size)} (÷ jsforce)`, value: mb(r.rxQuery), unit: 'MB', ratio: r.rxQuery.peakRssMb / r.jsQuery.peakRssMb, runs: 1 },
      { name: `peak RSS, rxforce query ${k(small)} (${k(size)} ÷ ${k(small)}: flatness)`, value: mb(r.rxQuerySmall), unit: 'MB', ratio: r.rxQuery.peakRssMb / r.rxQuerySmall.peakRssMb, runs: 1 },
      { name: `peak RSS, jsforce query ${k(size)}${r.jsQuery.incomplete ? ' (until its stream stopped)' : ''}`, value: mb(r.jsQuery), unit: 'MB', runs: 1 },
      { name: `peak RSS, ideal query ${k(size)}`, value: mb(r.idealQuery), unit: 'MB', runs: 1 },
    ];
  } finally {
    await emu.stop();
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** `--size N` (also through `npm run bench -- bulk --size N`), default 1,000,000. */
function sizeArg(): number {
  const n = Number(arg('--size') ?? process.env.BENCH_BULK_SIZE ?? 1_000_000);
  if (!Number.isInteger(n) || n < 1) throw new Error(`bench bulk: --size must be a positive integer, not ${arg('--size')}`);
  return n;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const scenario = arg('--child');
  if (scenario) {
    // A child whose work is stuck on a promise nothing will settle would exit 0 silently: say where it stopped.
    process.on('beforeExit', () => {
      if (scenario === 'jsforce-query' && progress.started) {
        // jsforce@3.10.16 pipes each result page into one record stream, and the first page's end ends it: later
        // pages are lost and 'end' never comes. Report what it delivered, marked incomplete.
        const report: ChildReport = { records: progress.records, ms: performance.now() - progress.started, peakRssMb: process.resourceUsage().maxRSS / 1024, incomplete: true };
        process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
        return;
      }
      console.error(`bench bulk ${scenario}: the event loop ran dry before the scenario finished (last step: ${stage})`);
      process.exit(3);
    });
    runChild(scenario, arg('--url')!, sizeArg()).then(r => { process.stdout.write(`${JSON.stringify(r)}\n`, () => process.exit(0)); },
      (e: unknown) => { console.error(e); process.exit(1); });
  } else {
    run().then(results => {
      for (const r of results) console.log(`${r.name.padEnd(100)} ${String(r.value).padStart(10)} ${r.unit}${r.ratio !== undefined ? `  (×${r.ratio.toFixed(2)})` : ''}`);
    }, (e: unknown) => { console.error(e); process.exitCode = 1; });
  }
}
