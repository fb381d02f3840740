/**
 * Client overhead at zero latency: `fetch$` one record at a time against jsforce@3.10.16's `retrieve`, raw axios
 * doing the same GET with the same token (the ideal bound of an axios client), and raw `node:http` doing it on a
 * keep-alive agent, body parsed (the floor of any Node client: what rxforce's default transport is built on), side by
 * side on the local emulator. The ratio (time per call, rxforce ÷ ideal) is what the pipeline (session, limiter,
 * retry policy, revival through the model) costs per call when the network costs nothing.
 *
 *   node --import tsx bench/overhead.ts
 */
import axios from 'axios';
import { Agent, request } from 'node:http';
import { lastValueFrom } from 'rxjs';
import { passwordLogin } from '../src/client/auth/password.js';
import { SalesforceClient } from '../src/client/client.js';
import { startEmulator } from '../src/emulator/index.js';
import { defineSObject, sf } from '../src/model/index.js';
import { fetch$ } from '../src/sources/records/fetch.js';
import { save } from '../src/sources/records/save.js';

export interface BenchResult { name: string; value: number; unit: string; ratio?: number; runs?: number }

const Account = defineSObject('Account', { Id: sf.id(), Name: sf.string({ length: 255 }), Industry: sf.string().optional().nullable() });

async function opsPerSecond(calls: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await fn(); // warm-up: JIT, sockets
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await fn();
  return calls / ((performance.now() - t0) / 1000);
}

/**
 * One GET on `node:http` with `agent`, the body read as text and parsed: nothing a client does beyond what any must.
 */
export function nodeGet(url: string, headers: Record<string, string>, agent: Agent): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        try {
          const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
          if (res.statusCode !== 200) throw new Error(`node:http GET ${res.statusCode}: ${text.slice(0, 200)}`);
          resolve(JSON.parse(text));
        } catch (e) {
          reject(e as Error);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** `BENCH_REPEAT` rounds (default 3), interleaved; medians reported. */
const ROUNDS = Math.max(1, Math.floor(Number(process.env.BENCH_REPEAT ?? 3)) || 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(calls = 2_000): Promise<BenchResult[]> {
  const emu = await startEmulator({ port: 0, seed: 1 });
  try {
    const c = emu.credentials;
    const client = new SalesforceClient({ login: passwordLogin({ loginUrl: emu.url, ...c }), apiVersion: '62.0' });
    const { id } = await save(Account, { Name: 'Overhead' }, { client });
    const session = await lastValueFrom(client.session$());
    const http = axios.create({ baseURL: session.instanceUrl, httpAgent: new Agent({ keepAlive: true }),
      headers: { Authorization: `Bearer ${session.accessToken}` } });
    const url = `/services/data/v62.0/sobjects/Account/${id}`;
    const fields = { fields: Account.fieldNames.join(',') };
    const nodeUrl = `${session.instanceUrl}${url}?fields=${encodeURIComponent(fields.fields)}`;
    const nodeHeaders = { Authorization: `Bearer ${session.accessToken}`, Accept: 'application/json' };
    const nodeAgent = new Agent({ keepAlive: true });
    const jsforce = (await import('jsforce')).default;
    const conn = new jsforce.Connection({ instanceUrl: session.instanceUrl, accessToken: session.accessToken, version: '62.0' });
    // three interleaved rounds, medians reported: one noisy round cannot decide the ratio
    const rxRuns: number[] = [];
    const jsRuns: number[] = [];
    const rawRuns: number[] = [];
    const nodeRuns: number[] = [];
    /** jsforce's time ÷ rxforce's, per round: both met the same load. */
    const jsRatios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const rx = await opsPerSecond(calls, () => lastValueFrom(fetch$(Account, id, { client })));
      const js = await opsPerSecond(calls, () => conn.sobject('Account').retrieve(id, { fields: Account.fieldNames }));
      rxRuns.push(rx);
      jsRuns.push(js);
      jsRatios.push(rx / js);
      rawRuns.push(await opsPerSecond(calls, () => http.get(url, { params: fields })));
      nodeRuns.push(await opsPerSecond(calls, () => nodeGet(nodeUrl, nodeHeaders, nodeAgent)));
    }
    const rx = median(rxRuns);
    const js = median(jsRuns);
    const raw = median(rawRuns);
    const node = median(nodeRuns);
    const span = (xs: number[]) => `per-round ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
    // ratios of time per call (the inverse of ops/s), as every other benchmark reports them
    return [
      { name: 'overhead: raw node:http GET, keep-alive, body parsed (floor of a Node client)', value: Math.round(node), unit: 'ops/s', runs: ROUNDS },
      { name: 'overhead: raw axios GET (ideal bound of an axios client) (÷ node:http)', value: Math.round(raw), unit: 'ops/s', ratio: node / raw, runs: ROUNDS },
      { name: 'overhead: fetch$ sequential, rxforce (÷ raw axios)', value: Math.round(rx), unit: 'ops/s', ratio: raw / rx, runs: ROUNDS },
      { name: 'overhead: fetch$ sequential, rxforce (÷ node:http)', value: Math.round(rx), unit: 'ops/s', ratio: node / rx, runs: ROUNDS },
      { name: `overhead: retrieve sequential, jsforce (÷ rxforce; ${span(jsRatios)}; aim ≥ 1.1)`, value: Math.round(js), unit: 'ops/s',
        ratio: median(jsRatios), runs: ROUNDS },
    ];
  } finally {
    await emu.stop();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit}${r.ratio !== undefined ? ` (×${r.ratio.toFixed(2)})` : ''}`);
}
