/**
 * Starts the org's Pub/Sub API: one gRPC server on loopback with two ports, TLS (a self-signed certificate made at
 * start, its PEM written to a file that clients may trust; published Pub/Sub clients speak only TLS) and plaintext for
 * rxforce's own client. Events come from the org's own writes through the store's commit listener. Loaded through
 * load.ts, which checks first that the optional gRPC and Avro packages are installed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type * as Selfsigned from 'selfsigned';
import { loadPeer } from '../../util/peer.js';
import type { Sessions } from '../auth/sessions.js';
import type { Store } from '../store.js';
import { EventBus, type BusOptions } from './bus.js';
import { pubSubService } from './proto.js';
import { pubSubImplementation, type PubSubStats } from './server.js';

export interface PubSubOptions extends BusOptions {
  /** Plaintext port (0, the default, picks a free one). */
  port?: number;
  /** TLS port (0, the default, picks a free one); `false` serves no TLS. */
  tlsPort?: number | false;
  /** Keepalive interval while a subscriber waits; default 270 s, as Salesforce. */
  keepaliveMs?: number;
  /** How long a stream owed nothing stays open; default 60 s, as Salesforce. */
  idleMs?: number;
}

/** The Pub/Sub side of a running emulator. */
export interface PubSubEmulator {
  /** Plaintext port: `127.0.0.1:port` for rxforce's client (`{ endpoint, tls: false }`). */
  readonly port: number;
  /** TLS port for published Pub/Sub clients, or undefined when TLS is off. */
  readonly tlsPort?: number;
  /** The PEM file of the TLS certificate (trust it, or turn certificate checks off). */
  readonly certFile?: string;
  /** Selects objects for Change Data Capture, or `all`. */
  enableChangeDataCapture(objects: string[] | 'all'): void;
  disableChangeDataCapture(objects: string[]): void;
  /** The next n change events go out as gap events (header only), as when Salesforce cannot build them. */
  sendGapEvents(n: number): void;
  /** Changes per transaction before overflow events (Salesforce: 100,000). */
  overflowThreshold: number;
  /** The retention window in ms on the emulator's clock (72 h). */
  retentionMs: number;
  /** Breaks every open Subscribe stream with UNAVAILABLE, as a dropped connection does; returns how many. */
  dropStreams(): number;
  /** Events delivered and streams open. */
  readonly stats: Readonly<PubSubStats>;
}

export interface StartedPubSub extends PubSubEmulator {
  stop(): Promise<void>;
}

export async function startPubSub(opts: PubSubOptions, deps: { store: Store; sessions: Sessions; orgId: string;
  host: string; now: () => number }): Promise<StartedPubSub> {
  const { store } = deps;
  const bus = new EventBus(store, deps.now, opts);
  const unlisten = store.onCommit(e => {
    // a REST insert of a platform event publishes it
    const s = e.o === 'i' ? store.schema.byKeyPrefix(e.r.Id.slice(0, 3)) : undefined;
    if (s?.name.endsWith('__e')) bus.publishValues(s, e.o === 'i' ? e.r : {});
    else bus.onCommit(e);
  });
  const server = new Server();
  const stats: PubSubStats = { delivered: 0, openStreams: 0 };
  const streams = new Set<() => void>();
  server.addService(pubSubService(), pubSubImplementation({
    bus, sessions: deps.sessions, orgId: deps.orgId, actAs: (id, fn) => store.runAs(id, fn),
    keepaliveMs: opts.keepaliveMs ?? 270_000, idleMs: opts.idleMs ?? 60_000, stats, streams,
  }));
  const bind = (port: number, creds: ServerCredentials) => new Promise<number>((resolve, reject) =>
    server.bindAsync(`${deps.host}:${port}`, creds, (err, bound) => (err ? reject(err) : resolve(bound))));
  let certDir: string | undefined;
  try {
    const port = await bind(opts.port ?? 0, ServerCredentials.createInsecure());
    let tlsPort: number | undefined;
    let certFile: string | undefined;
    if (opts.tlsPort !== false) {
      // an optional peer, loaded only for the TLS port (load.ts checked it is there)
      const { generate } = await loadPeer<typeof Selfsigned>('selfsigned', "The emulator's Pub/Sub API (TLS)");
      const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
        keyType: 'ec', curve: 'P-256', algorithm: 'sha256',
        notAfterDate: new Date(Date.now() + 30 * 86_400_000),
        extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' }] }],
      });
      certDir = mkdtempSync(join(tmpdir(), 'rxforce-pubsub-'));
      certFile = join(certDir, 'pubsub-cert.pem');
      writeFileSync(certFile, pems.cert);
      tlsPort = await bind(opts.tlsPort ?? 0, ServerCredentials.createSsl(null,
        [{ private_key: Buffer.from(pems.private), cert_chain: Buffer.from(pems.cert) }], false));
    }
    return {
      port, tlsPort, certFile, stats,
      enableChangeDataCapture: objects => bus.select(objects),
      disableChangeDataCapture: objects => bus.deselect(objects),
      sendGapEvents: n => bus.sendGaps(n),
      dropStreams: () => {
        const all = [...streams];
        for (const breakIt of all) breakIt();
        return all.length;
      },
      get overflowThreshold() { return bus.overflowThreshold; },
      set overflowThreshold(v: number) { bus.overflowThreshold = v; },
      get retentionMs() { return bus.retentionMs; },
      set retentionMs(v: number) { bus.retentionMs = v; },
      stop: async () => {
        unlisten();
        // subscriptions are long-lived: end them instead of waiting for their clients
        server.forceShutdown();
        if (certDir) rmSync(certDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    unlisten();
    server.forceShutdown();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
    throw err;
  }
}
