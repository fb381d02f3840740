/**
 * The concurrency speedup of the seed: 1,000 `fetch$` one at a time (`concatMap`) against the same 1,000 through
 * `mergeMap(fetch$, 10)`, at 50 ms latency on the emulator in its own process. The ideal is 10× (ten requests in
 * flight instead of one). Beside it, the same requests from raw axios — one at a time, then ten in flight, answers
 * parsed — give the speedup the emulator itself allows on this machine, so the gap between the two is the client's.
 * `BENCH_REPEAT` rounds (default 1), each running the four in turn; the figures are medians of the rounds.
 *
 *   node --import tsx bench/speedup.ts
 */
import { concatMap, from, lastValueFrom, mergeMap, toArray } from 'rxjs';
import { passwordLogin } from '../src/client/auth/index.js';
import { SalesforceClient } from '../src/client/client.js';
import { defineSObject, sf } from '../src/model/index.js';
import { insertRecords } from '../src/operators/insertRecords.js';
import { results } from '../src/operators/results.js';
import { fetch$ } from '../src/sources/records/fetch.js';
import { emulatorProcess } from './lists.js';
import { rawHttp } from './rawOrg.js';

export interface BenchResult { name: string; value: number; unit: string; ratio?: number; runs?: number }

const IDS = 1_000;
const IN_FLIGHT = 10;
const LATENCY_MS = 50;
const ROUNDS = Math.max(1, Math.floor(Number(process.env.BENCH_REPEAT ?? 1)) || 1);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

const Account = defineSObject('Account', { Id: sf.id(), Name: sf.string({ length: 255 }), Industry: sf.string().optional() });

async function timed(fn: () => Promise<unknown[]>): Promise<number> {
  const t0 = performance.now();
  const out = await fn();
  if (out.length !== IDS) throw new Error(`speedup benchmark: ${out.length} records instead of ${IDS}`);
  return performance.now() - t0;
}

export async function run(): Promise<BenchResult[]> {
  const { info, child } = await emulatorProcess(LATENCY_MS);
  try {
    const { url, username, password, consumerKey, consumerSecret } = info;
    const client = new SalesforceClient({ login: passwordLogin({ loginUrl: url, username, password, consumerKey, consumerSecret }), apiVersion: '62.0' });
    const saved = await lastValueFrom(from(Array.from({ length: IDS }, (_, i) => ({ Name: `Speedup ${i}`, Industry: 'Energy' }))).pipe(
      insertRecords(Account, { client, concurrency: 5 }), results()));
    const ids = saved.map(r => r.id!);
    const http = await rawHttp(url, '/services/data/v62.0/');
    const rawGet = async (id: string) => (await http.get<unknown>(`sobjects/Account/${id}`, { params: { fields: Account.fieldNames.join(',') } })).data;
    // warm-up: JIT, sockets, the emulator's paths
    await lastValueFrom(from(ids.slice(0, 50)).pipe(mergeMap(id => fetch$(Account, id, { client }), IN_FLIGHT), toArray()));
    for (const id of ids.slice(0, 50)) await rawGet(id);

    const rounds: { rxSeq: number; rxPar: number; rawSeq: number; rawPar: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const rxSeq = await timed(() => lastValueFrom(from(ids).pipe(concatMap(id => fetch$(Account, id, { client })), toArray())));
      const rxPar = await timed(() => lastValueFrom(from(ids).pipe(mergeMap(id => fetch$(Account, id, { client }), IN_FLIGHT), toArray())));
      const rawSeq = await timed(async () => { const out: unknown[] = []; for (const id of ids) out.push(await rawGet(id)); return out; });
      const rawPar = await timed(() => lastValueFrom(from(ids).pipe(mergeMap(id => rawGet(id), IN_FLIGHT), toArray())));
      rounds.push({ rxSeq, rxPar, rawSeq, rawPar });
    }
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const of = (key: 'rxSeq' | 'rxPar' | 'rawSeq' | 'rawPar') => median(rounds.map(r => r[key]));
    const rxSeq = of('rxSeq');
    const rxPar = of('rxPar');
    const rawSeq = of('rawSeq');
    const rawPar = of('rawPar');
    const rxSpeedups = rounds.map(r => r.rxSeq / r.rxPar);
    const rawSpeedups = rounds.map(r => r.rawSeq / r.rawPar);
    const spread = (xs: number[]) => (xs.length > 1 ? `; rounds ${xs.map(x => x.toFixed(2)).join(', ')}` : '');
    return [
      { name: `seed speedup: ${IDS} fetch$ one at a time (${s(rxSeq)}) ÷ mergeMap(fetch$, ${IN_FLIGHT}) (${s(rxPar)}), ${LATENCY_MS} ms latency; ideal ${IN_FLIGHT}×, aim ≥ 9.6×${spread(rxSpeedups)}`,
        value: Math.round(median(rxSpeedups) * 100) / 100, unit: '×', runs: ROUNDS },
      { name: `measured ideal: raw axios GET one at a time (${s(rawSeq)}) ÷ ${IN_FLIGHT} in flight (${s(rawPar)}), same ids, answers parsed${spread(rawSpeedups)}`,
        value: Math.round(median(rawSpeedups) * 100) / 100, unit: '×', runs: ROUNDS },
      { name: 'one at a time, rxforce ÷ raw axios (per-request cost with the latency)', value: Math.round(rxSeq / IDS * 100) / 100, unit: 'ms a record',
        ratio: median(rounds.map(r => r.rxSeq / r.rawSeq)), runs: ROUNDS },
      { name: `${IN_FLIGHT} in flight, rxforce ÷ raw axios`, value: Math.round(rxPar / IDS * 100) / 100, unit: 'ms a record',
        ratio: median(rounds.map(r => r.rxPar / r.rawPar)), runs: ROUNDS },
    ];
  } finally {
    child.removeAllListeners('exit');
    child.stdin!.end();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit}${r.ratio !== undefined ? ` (×${r.ratio.toFixed(2)})` : ''}`);
}
