/**
 * Client overhead at zero latency: `fetch$` one record at a time against raw axios doing the same GET with the same
 * token, on the local emulator. The ratio is what the pipeline (session, limiter, retry policy, revival through the
 * model) costs per call when the network costs nothing.
 *
 *   node --import tsx bench/overhead.ts
 */
import axios from 'axios';
import { Agent } from 'node:http';
import { lastValueFrom } from 'rxjs';
import { passwordLogin } from '../src/client/auth/password.js';
import { SalesforceClient } from '../src/client/client.js';
import { startEmulator } from '../src/emulator/index.js';
import { defineSObject, sf } from '../src/model/index.js';
import { fetch$ } from '../src/sources/fetch.js';
import { save } from '../src/sources/save.js';

export interface BenchResult { name: string; value: number; unit: string; ratio?: number }

const Account = defineSObject('Account', { Id: sf.id(), Name: sf.string({ length: 255 }), Industry: sf.string().optional().nullable() });

async function opsPerSecond(calls: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await fn(); // warm-up: JIT, sockets
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await fn();
  return calls / ((performance.now() - t0) / 1000);
}

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
    // three interleaved rounds, medians reported: one noisy round cannot decide the ratio
    const rxRuns: number[] = [];
    const rawRuns: number[] = [];
    for (let round = 0; round < 3; round++) {
      rxRuns.push(await opsPerSecond(calls, () => lastValueFrom(fetch$(Account, id, { client }))));
      rawRuns.push(await opsPerSecond(calls, () => http.get(url, { params: fields })));
    }
    const rx = median(rxRuns);
    const raw = median(rawRuns);
    return [
      { name: 'overhead: fetch$ sequential', value: Math.round(rx), unit: 'ops/s', ratio: rx / raw },
      { name: 'overhead: raw axios GET (ideal bound)', value: Math.round(raw), unit: 'ops/s', ratio: 1 },
    ];
  } finally {
    await emu.stop();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit}${r.ratio !== undefined ? ` (×${r.ratio.toFixed(2)})` : ''}`);
}
