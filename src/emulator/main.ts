/** `rxforce emulator`: starts the local org from command-line flags and runs until SIGINT/SIGTERM. */
import { installCommand } from '../util/peer.js';
import { startEmulator, type Emulator, type EmulatorOptions } from './index.js';
import { missingPubSubPackages } from './pubsub/load.js';

const NUMERIC_FLAGS: Record<string, keyof EmulatorOptions> = {
  '--port': 'port', '--latency': 'latencyMs', '--jitter': 'jitterMs', '--fail-rate': 'failRate',
  '--reset-rate': 'resetRate', '--lock-rate': 'lockRate', '--session-ttl-requests': 'sessionTtlRequests',
  '--session-ttl-seconds': 'sessionTtlSeconds', '--daily-api-limit': 'dailyApiLimit',
  '--max-concurrent': 'maxConcurrent', '--bulk-rate': 'bulkRecordsPerSecond', '--seed': 'seed',
};
const STRING_FLAGS: Record<string, 'host' | 'dataDir' | 'schemaFile' | 'apex'> = {
  '--host': 'host', '--data-dir': 'dataDir', '--schema': 'schemaFile', '--apex': 'apex',
};

/** The standalone emulator's port unless told (the README's examples log in at http://127.0.0.1:3434). */
export const DEFAULT_EMULATOR_PORT = 3434;

export const USAGE = `Usage: rxforce emulator [options]
  --port N                  port (0 = any free port; default ${DEFAULT_EMULATOR_PORT})
  --demo-data               start with the demo org loaded (accounts, contacts, opportunities)
  --host H                  interface to bind (default 127.0.0.1)
  --latency MS --jitter MS  added latency per request
  --data-dir DIR            persist the org in DIR (journal + snapshot)
  --schema FILE             custom objects and fields (JSON)
  --apex FILE               Apex REST handlers: a JS module exporting { 'GET /MyService/*': handler, … }
  --cors-origin ORIGIN      allow browser pages from ORIGIN (repeatable; * for any; default: loopback origins)
  --fail-rate P --reset-rate P --lock-rate P   fault shares between 0 and 1
  --session-ttl-requests N  a session dies after N API requests
  --session-ttl-seconds S   a session dies after S seconds idle (Salesforce's timeout)
  --daily-api-limit N --max-concurrent N --bulk-rate N --seed N
  --recycle-bin-retention S deleted records are purged for good after S seconds (default 15 days)
  --churn RATE              insert, update and delete random records at RATE writes per second
  --churn-objects A,B       the objects --churn writes to (default Account)
  --cdc all|A,B             serve the Pub/Sub API with Change Data Capture on these objects (all: every supported one)
  --pubsub-port N           the Pub/Sub API's plaintext port (implies the Pub/Sub API; TLS gets a port of its own)`;

/** Parses flags (`--flag value` or `--flag=value`); throws on an unknown flag or a bad number. */
export function parseEmulatorArgs(argv: string[]): EmulatorOptions {
  const opts: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let value: string | undefined;
    if (!flag.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(flag)}: the emulator takes only --flags\n${USAGE}`);
    if (flag === '--demo-data') continue; // loaded by the command line once the org is up (see runEmulatorCli's onStarted)
    const eq = flag.indexOf('=');
    if (eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    } else {
      value = argv[++i];
    }
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new Error(`${flag} needs a value\n${USAGE}`);
    if (flag === '--port') {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n > 65535) throw new Error(`Invalid port for --port: ${value} (a whole number from 0 to 65535; 0 picks a free port)`);
      opts.port = n;
    } else if (NUMERIC_FLAGS[flag]) {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) throw new Error(`Invalid number for ${flag}: ${value}`);
      opts[NUMERIC_FLAGS[flag]] = n;
    } else if (STRING_FLAGS[flag]) {
      opts[STRING_FLAGS[flag]] = value;
    } else if (flag === '--churn') {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`Invalid rate for --churn (writes per second, > 0): ${value}`);
      opts.churn = { ...(opts.churn as object | undefined), rate: n };
    } else if (flag === '--churn-objects') {
      const objects = value.split(',').map(o => o.trim()).filter(Boolean);
      if (!objects.length) throw new Error(`--churn-objects needs object names separated by commas, got ${JSON.stringify(value)}`);
      opts.churn = { ...(opts.churn as object | undefined), objects };
    } else if (flag === '--recycle-bin-retention') {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`Invalid number of seconds for --recycle-bin-retention: ${value}`);
      opts.recycleBinRetentionMs = n * 1000;
    } else if (flag === '--cdc' || flag === '--pubsub-port') {
      const pubsub = (opts.pubsub ??= {}) as { changeDataCapture?: string[] | 'all'; port?: number };
      if (flag === '--cdc') {
        pubsub.changeDataCapture = value === 'all' ? 'all' : value.split(',').map(v => v.trim()).filter(Boolean);
      } else {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`Invalid port for --pubsub-port: ${value}`);
        pubsub.port = n;
      }
    } else if (flag === '--cors-origin') {
      // repeatable: each adds one allowed origin (`*` allows any)
      opts.corsOrigins = [...((opts.corsOrigins as string[] | undefined) ?? []), value];
    } else {
      throw new Error(`Unknown option ${flag}\n${USAGE}`);
    }
  }
  const churn = opts.churn as { rate?: number; objects?: string[] } | undefined;
  if (churn && churn.rate === undefined) throw new Error(`--churn-objects needs --churn RATE\n${USAGE}`);
  return opts as EmulatorOptions;
}

/**
 * Starts the emulator; the first line printed is `rxforce emulator listening on URL` (the real port when 0).
 * Resolves once the emulator has stopped after SIGINT/SIGTERM (or when `signal` aborts).
 */
export async function runEmulatorCli(argv: string[], io: { log(line: string): void; signal?: AbortSignal;
  /** Runs once the org is up, before the banner (the command line loads the demo data here); a line it returns follows the banner. */
  onStarted?: (emu: Emulator) => Promise<string | void> } = { log: line => console.log(line) }): Promise<void> {
  const opts = { port: DEFAULT_EMULATOR_PORT, ...parseEmulatorArgs(argv) };
  // the Pub/Sub API's packages are optional peers: without them the org still starts, and the banner says what to install
  let pubSubMissing: string[] = [];
  if (opts.pubsub) {
    pubSubMissing = await missingPubSubPackages(opts.pubsub === true ? {} : opts.pubsub);
    if (pubSubMissing.length) delete opts.pubsub;
  }
  const emu = await startEmulator(opts).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE') throw new Error(`port ${opts.port} is in use: pass --port N (--port 0 picks a free port)`);
    throw e;
  });
  let started: string | void;
  try {
    started = await io.onStarted?.(emu);
  } catch (e) {
    await emu.stop();
    throw e;
  }
  io.log(`rxforce emulator listening on ${emu.url}`);
  const c = emu.credentials;
  // the emulator's own default credentials, as the README gives them: what a client needs to log in
  io.log(`  username ${c.username} · password ${c.password} · security token ${c.securityToken}`);
  io.log(`  consumer key ${c.consumerKey} · consumer secret ${c.consumerSecret}`);
  if (started) io.log(`  ${started}`);
  if (emu.pubsub) {
    const p = emu.pubsub;
    io.log(`  Pub/Sub API on 127.0.0.1:${p.port} (plaintext)` +
      (p.tlsPort ? ` · TLS on 127.0.0.1:${p.tlsPort}, certificate ${p.certFile}` : ''));
  } else if (pubSubMissing.length) {
    io.log(`  Pub/Sub API not started: it needs ${installCommand(pubSubMissing)}`);
  }
  if (emu.churn.running) {
    const o = emu.churn.options!;
    io.log(`  churn: ${o.rate} writes/s on ${o.objects.join(', ')}`);
  }
  await new Promise<void>(resolve => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      io.signal?.removeEventListener('abort', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    io.signal?.addEventListener('abort', done);
  });
  await emu.stop();
}
