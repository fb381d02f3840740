/**
 * The local org emulator: an HTTP server that answers as Salesforce does (OAuth, SOAP login, REST sObjects,
 * collections, query, Composite, SOSL search, Apex REST handlers, Bulk API 2.0), with fault injection and optional
 * persistence.
 *
 * ```ts
 * import { startEmulator } from 'rxforce/emulator';
 * const emu = await startEmulator({ port: 0, failRate: 0.05, seed: 42 });
 * // log in at emu.url with emu.credentials, then:
 * await emu.stop();
 * ```
 */
import type { KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SchedulerLike } from 'rxjs';
import { Sessions } from './auth/sessions.js';
import type { AuthCode, Core } from './core.js';
import { createChurn, type Churn, type ChurnOptions } from './churn.js';
import { undeleteRecords } from './undelete.js';
import type { DmlResult } from './types.js';
import type { PubSubEmulator, PubSubOptions, StartedPubSub } from './pubsub/index.js';
import { loadPubSubServer } from './pubsub/load.js';
import { Faults, type EmulatorStats, type FaultConfig } from './faults.js';
import { makeOrg, type EmulatorUser, type OrgConfig } from './org.js';
import { FileJournal } from './persist/journal.js';
import { createRandom } from './prng.js';
import { buildHandlers } from './routes-registry.js';
import { Registry, type SchemaJson } from './schema/registry.js';
import { seedOrg } from './seed.js';
import { createFront } from './server.js';
import { Store } from './store.js';
import type { EmulatorHost } from './types.js';
import { createApexRoutes, loadApexModule, type ApexHandlers } from './rest/apex.js';
import './soql/routes.js';
import './bulk/routes.js';
import './rest/composite.js';
import './rest/tree.js';
import './rest/graph.js';
import './rest/search.js';

export interface EmulatorOptions extends Partial<FaultConfig> {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Replaces the default user (admin@rxforce.local / rxforce, token rxforce-token). The first user is the admin. */
  users?: EmulatorUser[];
  consumerKey?: string;
  consumerSecret?: string;
  /**
   * The connected app's callback URLs: `/services/oauth2/authorize` redirects only to one of them, compared whole,
   * as Salesforce does. Default: any loopback URL (`http://localhost…`, `http://127.0.0.1…`, `http://[::1]…`), where
   * local apps run.
   */
  callbackUrls?: string[];
  /** Custom objects and fields (see SchemaJson), as a path to a JSON file or the parsed object. */
  schemaFile?: string | SchemaJson;
  /** Directory for the journal and snapshot; without it the org lives in memory only. */
  dataDir?: string;
  /** Allowed CORS origins (`*` for any); default: loopback origins only. */
  corsOrigins?: string[];
  /** Public key (SPKI PEM, X.509 certificate PEM, or KeyObject) that verifies JWT bearer assertions. */
  jwtPublicKey?: string | KeyObject | CryptoKey;
  /** Bulk API 2.0 processing pace (records per second); default 50,000. */
  bulkRecordsPerSecond?: number;
  /** Seeds the PRNG behind faults and generated tokens, for repeatable runs. */
  seed?: number;
  /** Scheduler for the emulator's timers (latency, background ticks); default: real timers. */
  scheduler?: SchedulerLike;
  /** Clock (epoch ms) for record timestamps and session expiry. */
  now?: () => number;
  /**
   * Apex REST handlers by `'VERB /urlMapping'` (`'GET /MyService/*'`), or the path of a JS module exporting them
   * (default export or `apex`). Other `/services/apexrest/…` paths answer 404 as a missing Apex class does.
   */
  apex?: ApexHandlers | string;
  /**
   * How long deleted records stay in the Recycle Bin (ms; default 15 days, as Salesforce keeps them). Older ones are
   * purged for good: they leave queryAll, and getDeleted refuses windows reaching back past them.
   */
  recycleBinRetentionMs?: number;
  /** Random inserts, updates and deletes from the start, at `rate` writes/s (see `Emulator.churn`). */
  churn?: number | ChurnOptions;
  /**
   * Serves the Pub/Sub API (gRPC) beside the REST server: `true`, or its options (ports, the objects with Change Data
   * Capture selected, retention). Off by default.
   */
  pubsub?: boolean | PubSubOptions;
}

export interface Emulator {
  /** `http://127.0.0.1:PORT`: the login URL and instance URL. */
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  /** Runtime fault settings: `emulator.faults.set({ failRate: 0.1 })`. */
  readonly faults: Pick<Faults, 'set' | 'get'>;
  /** Requests, API requests, logins and injected faults by kind. */
  readonly stats: EmulatorStats;
  /** The default user's credentials and the connected app's consumer key/secret. */
  readonly credentials: { username: string; password: string; securityToken: string; consumerKey: string;
    consumerSecret: string };
  readonly org: Readonly<OrgConfig>;
  /** What route modules see (bulk's background ticker etc.). */
  readonly host: EmulatorHost;
  /**
   * Random inserts, updates and deletes on the emulator's clock and scheduler, for demos, soak tests and benchmarks:
   * `emu.churn.start({ rate: 50, objects: ['Account', 'Contact'] })`, `emu.churn.stop()`, `emu.churn.stats`.
   */
  readonly churn: Churn;
  /** The Pub/Sub API (ports, certificate file, Change Data Capture selection), when started with `pubsub`. */
  readonly pubsub?: PubSubEmulator;
  /**
   * Restores records from the Recycle Bin (with the children deleted along with them), as the SOAP API's undelete
   * call does; the REST API has none.
   */
  undelete(ids: string[]): DmlResult[];
  /** Closes the server (dropping keep-alive connections), stops timers and compacts the journal. */
  stop(): Promise<void>;
}

export { registerRoutes, registerRouteFactory } from './routes-registry.js';
export type { FaultConfig, EmulatorStats } from './faults.js';
export type { Churn, ChurnOptions, ChurnStats } from './churn.js';
export type { EmulatorUser } from './org.js';
export type { PubSubEmulator, PubSubOptions } from './pubsub/index.js';
export type { SchemaJson } from './schema/registry.js';
export type { ApexHandler, ApexHandlers, ApexRequest, ApexResponse } from './rest/apex.js';

function loadSchema(schemaFile: EmulatorOptions['schemaFile']): Registry {
  if (!schemaFile) return new Registry();
  return typeof schemaFile === 'string' ? Registry.fromFile(schemaFile) : new Registry(schemaFile);
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const now = opts.now ?? (() => opts.scheduler?.now() ?? Date.now());
  // before anything opens: a missing gRPC package fails the start with the command that installs it
  const pubSubOptions = opts.pubsub ? (opts.pubsub === true ? {} : opts.pubsub) : undefined;
  const startPubSub = pubSubOptions ? await loadPubSubServer(pubSubOptions) : undefined;
  const apex = opts.apex === undefined ? undefined
    : createApexRoutes(typeof opts.apex === 'string' ? await loadApexModule(opts.apex) : opts.apex);
  const random = createRandom(opts.seed);
  const startedAt = now();
  const org = makeOrg(opts);
  const journal = opts.dataDir ? new FileJournal(opts.dataDir) : undefined;
  const retention = opts.recycleBinRetentionMs;
  if (retention !== undefined && !(Number.isFinite(retention) && retention > 0)) {
    throw new Error(`recycleBinRetentionMs must be a positive number of milliseconds, got ${String(retention)}`);
  }
  const store = new Store(loadSchema(opts.schemaFile), { journal, now, recycleBinRetentionMs: retention });
  if (journal) {
    try {
      for (const e of journal.entries()) store.replay(e);
    } catch (e) {
      journal.close();
      throw e;
    }
    journal.sealTornTail();
  }
  store.setDefaultUser(org.users[0].userId);
  seedOrg(store, org, startedAt);
  journal?.compact(store.snapshot());

  const faults = new Faults(opts, random);
  const sessions = new Sessions(org, random, () => ({ requests: faults.get().sessionTtlRequests,
    seconds: faults.get().sessionTtlSeconds }), now);
  let url = '';
  const core: Core = {
    org, sessions, store, faults, random, jwtKey: opts.jwtPublicKey, codes: new Map<string, AuthCode>(),
    baseUrl: (req: IncomingMessage) => (req.headers.host ? `http://${req.headers.host}` : url),
    now, schemaModified: Math.floor(startedAt / 1000) * 1000, startedAt,
  };

  const timers = new Set<() => void>();
  const stopHooks: (() => void | Promise<void>)[] = [];
  const every = (ms: number, fn: () => void): (() => void) => {
    let cancel: () => void;
    if (opts.scheduler) {
      const sub = opts.scheduler.schedule(function tick(this: { schedule(s?: unknown, d?: number): void }) {
        fn();
        this.schedule(undefined, ms);
      }, ms);
      cancel = () => sub.unsubscribe();
    } else {
      const t = setInterval(fn, ms);
      t.unref?.();
      cancel = () => clearInterval(t);
    }
    const stopIt = () => {
      cancel();
      timers.delete(stopIt);
    };
    timers.add(stopIt);
    return stopIt;
  };
  const host: EmulatorHost = {
    store, options: { bulkRecordsPerSecond: opts.bulkRecordsPerSecond ?? 50_000, seed: opts.seed }, random, now,
    faults, every, onStop: fn => void stopHooks.push(fn), scheduler: opts.scheduler,
  };
  const churn = createChurn({ store, userId: org.users[0].userId, now, random, every });
  if (opts.churn !== undefined) churn.start(opts.churn);
  if (journal) {
    every(5000, () => {
      store.flush();
      if (journal.wantsCompaction) journal.compact(store.snapshot());
    });
  }
  const sleep = (ms: number) => new Promise<void>(resolve => {
    if (opts.scheduler) opts.scheduler.schedule(() => resolve(), ms);
    else setTimeout(resolve, ms);
  });
  const server: Server = createServer({ keepAlive: true },
    createFront({ core, host, handlers: buildHandlers(host), corsOrigins: opts.corsOrigins, sleep, apex }));
  server.keepAliveTimeout = 65_000;
  const bindHost = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, bindHost, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  url = `http://${shownHost}:${port}`;
  const admin = org.users[0];
  let stopped: Promise<void> | undefined;
  let pubsub: StartedPubSub | undefined;
  if (startPubSub && pubSubOptions) {
    try {
      pubsub = await startPubSub(pubSubOptions, { store, sessions, orgId: org.orgId,
        host: shownHost, now });
    } catch (err) {
      await new Promise<void>(resolve => server.close(() => resolve()));
      for (const cancel of [...timers]) cancel();
      throw err;
    }
  }

  return {
    url, port, store, faults, stats: faults.stats, org, host, churn, pubsub,
    undelete: ids => undeleteRecords(store, ids, now()),
    credentials: { username: admin.username, password: admin.password, securityToken: admin.securityToken,
      consumerKey: org.consumerKey, consumerSecret: org.consumerSecret },
    stop: () => (stopped ??= (async () => {
      churn.stop();
      for (const cancel of [...timers]) cancel();
      await pubsub?.stop();
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      for (const fn of stopHooks) await fn();
      if (journal) {
        journal.compact(store.snapshot());
        journal.close();
      }
    })()),
  };
}
