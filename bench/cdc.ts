/**
 * Replication lag with Change Data Capture next to polling: one emulator org with Account selected for change events,
 * two mirrors (in memory) following it — `replicate$` with `changeEvents: changeDataCapture()` and `replicate$`
 * polling every second — while a writer renames records at a steady pace. Lag is the time from the write's answer to
 * the mirror holding the new value, counted from when the write was sent (both include the write's round trip). Ratios divide the polling figure by the CDC one (above 1: CDC is fresher). The
 * requests rows count what each replication sent during the run (CDC: none while events flow; the subscription is
 * gRPC, not REST).
 *
 *   node --import tsx bench/cdc.ts [--writes 300] [--rate 20]
 */
import { firstValueFrom, type Subscription } from 'rxjs';
import { passwordLogin } from '../src/client/auth/index.js';
import { SalesforceClient } from '../src/client/client.js';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { changeDataCapture } from '../src/node/sync/changeDataCapture.js';
import { replicate$, type ReplicateOptions } from '../src/sync/index.js';

export interface BenchResult { name: string; value: number; unit: string; ratio?: number; runs?: number }

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

function login(emu: Emulator): SalesforceClient {
  const { username, password, securityToken, consumerKey, consumerSecret } = emu.credentials;
  return new SalesforceClient({ login: passwordLogin({ loginUrl: emu.url, username, password, securityToken, consumerKey, consumerSecret }) });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function run(): Promise<BenchResult[]> {
  const writes = arg('writes', 300);
  const rate = arg('rate', 20);
  const emu = await startEmulator({ port: 0, seed: 7, pubsub: { changeDataCapture: ['Account'], tlsPort: false } });
  const subs: Subscription[] = [];
  try {
    const writer = login(emu);
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await firstValueFrom(writer.request$<{ id: string }>({ method: 'POST', path: 'sobjects/Account', data: { Name: `start ${i}` } }));
      ids.push(res.data.id);
    }
    /** value written → when its write was answered */
    const writtenAt = new Map<string, number>();
    const mirrors = { cdc: { lags: [] as number[], requests: 0, client: login(emu) }, polling: { lags: [] as number[], requests: 0, client: login(emu) } };
    const follow = (which: 'cdc' | 'polling', extra: Partial<ReplicateOptions>) => {
      const m = mirrors[which];
      let following = false;
      subs.push(replicate$('Account', { client: m.client, fields: ['Name'], overlapMs: 2000, ...extra }).subscribe(e => {
        if (e.type === 'round') {
          following = true;
          if (counting) m.requests += e.requests;
        }
        if (e.type !== 'upsert' || !following) return;
        const at = writtenAt.get(String(e.record.Name));
        if (at !== undefined) m.lags.push(Math.max(0, performance.now() - at));
      }));
    };
    let counting = false;
    follow('cdc', { pollInterval: 3_600_000, changeEvents: changeDataCapture({ endpoint: `127.0.0.1:${emu.pubsub!.port}`, tls: false }) });
    follow('polling', { pollInterval: 1000 });
    // both past their first load and following
    await new Promise(r => setTimeout(r, 3000));
    counting = true;
    const gap = 1000 / rate;
    const t0 = performance.now();
    for (let i = 0; i < writes; i++) {
      const wait = t0 + i * gap - performance.now();
      if (wait > 0) await new Promise(r => setTimeout(r, wait));
      const value = `v${i}`;
      // from the moment the write is sent: an event may arrive before the write's answer does
      writtenAt.set(value, performance.now());
      await firstValueFrom(writer.request$({ method: 'PATCH', path: `sobjects/Account/${ids[i % ids.length]}`, data: { Name: value } }));
    }
    // let the polling mirror catch up with the last writes
    await new Promise(r => setTimeout(r, 3000));
    counting = false;
    const rows: BenchResult[] = [];
    const c = [...mirrors.cdc.lags].sort((a, b) => a - b);
    const p = [...mirrors.polling.lags].sort((a, b) => a - b);
    for (const q of [50, 99]) {
      const cdc = pct(c, q);
      const poll = pct(p, q);
      rows.push({ name: `lag p${q}, Change Data Capture`, value: Math.round(cdc), unit: 'ms' });
      rows.push({ name: `lag p${q}, polling every 1 s`, value: Math.round(poll), unit: 'ms', ratio: poll / Math.max(1, cdc) });
    }
    rows.push({ name: `changes seen, Change Data Capture (of ${writes})`, value: c.length, unit: 'changes' });
    rows.push({ name: `changes seen, polling (of ${writes})`, value: p.length, unit: 'changes' });
    rows.push({ name: 'REST requests during the run, Change Data Capture', value: mirrors.cdc.requests, unit: 'requests' });
    rows.push({ name: 'REST requests during the run, polling every 1 s', value: mirrors.polling.requests, unit: 'requests' });
    return rows;
  } finally {
    for (const s of subs) s.unsubscribe();
    await emu.stop();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit}${r.ratio !== undefined ? ` (ratio ${r.ratio.toFixed(2)})` : ''}`);
}
