/**
 * One gRPC channel to the Pub/Sub API for one subscription or call, authenticated from the SalesforceClient's session:
 * every call carries `accesstoken`, `instanceurl` and `tenantid` (the org id), and a call refused as unauthenticated
 * gets one retry after a single-flight session refresh. Schemas are fetched with GetSchema and cached by schema id
 * (an id is the schema's fingerprint, so a cached one never goes stale).
 */
import { readFileSync } from 'node:fs';
import type { Client, Metadata, ServiceError } from '@grpc/grpc-js';
import type avro from 'avsc';
import { catchError, defer, from, map, Observable, switchMap, throwError } from 'rxjs';
import { resolveClient, type SalesforceClient } from '../../client/client.js';
import { redact } from '../../util/redact.js';
import { isLoopbackHost } from '../../client/secureUrl.js';
import type { Session } from '../../client/types.js';
import type { SourceOptions } from '../options.js';
import { GrpcStatus, type PubSubPeers } from './peers.js';
import { pubSubClientClass } from './proto.js';

/** Salesforce's global Pub/Sub API endpoint. */
export const DEFAULT_PUBSUB_ENDPOINT = 'api.pubsub.salesforce.com:7443';

export interface PubSubConnectionOptions extends SourceOptions {
  /** `host:port` of the Pub/Sub API; default `api.pubsub.salesforce.com:7443` (the emulator prints its own). */
  endpoint?: string;
  /**
   * `true` (default): TLS with the system's trusted roots. `{ rootCerts }`: TLS trusting these PEM certificates (or
   * `{ certFile }`, a PEM file such as the emulator's). `false`: plaintext, allowed only to a loopback host, since the
   * access token travels in every call.
   */
  tls?: boolean | { rootCerts: string | Uint8Array } | { certFile: string };
}

/** A Pub/Sub API call refused or broken; `errorCode` is Salesforce's (`sfdc.platform.eventbus.grpc…`) when it sent one. */
export class PubSubError extends Error {
  override name = 'PubSubError';
  /** The gRPC status code (`UNAVAILABLE` = 14, `UNAUTHENTICATED` = 16…). */
  readonly code: number;
  readonly errorCode?: string;
  readonly rpcId?: string;

  constructor(code: number, message: string, errorCode?: string, rpcId?: string) {
    super(redact(message));
    this.code = code;
    if (errorCode) this.errorCode = errorCode;
    if (rpcId) this.rpcId = rpcId;
  }
}

/** The stored replay id is outside the retention window (or not this org's): events after it may be lost. */
export class ReplayIdExpiredError extends PubSubError {
  override name = 'ReplayIdExpiredError';
}

export const REPLAY_CORRUPTED = 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted';

/** A gRPC failure as a typed error (token-free). */
export function pubSubError(err: unknown): PubSubError {
  if (err instanceof PubSubError) return err;
  const e = err as Partial<ServiceError>;
  const code = typeof e.code === 'number' ? e.code : GrpcStatus.UNKNOWN;
  const first = (k: string) => { const v = e.metadata?.get(k)[0]; return typeof v === 'string' ? v : undefined; };
  const errorCode = first('error-code');
  const message = `Pub/Sub API: ${e.details || e.message || String(err)}`;
  return errorCode === REPLAY_CORRUPTED
    ? new ReplayIdExpiredError(code, message, errorCode, first('rpc-id'))
    : new PubSubError(code, message, errorCode, first('rpc-id'));
}

/** The org id of a session: the login's, else the id URL's, else the session id's prefix (`00D…!…`). */
export function orgIdOf(session: Session): string {
  const fromId = session.id ? /\/id\/(00D\w{12,15})\//.exec(session.id)?.[1] : undefined;
  const fromToken = /^(00D\w{12})!/.exec(session.accessToken)?.[1];
  const orgId = session.organizationId ?? fromId ?? fromToken;
  if (!orgId) throw new PubSubError(GrpcStatus.UNAUTHENTICATED, 'Pub/Sub API: the session names no org id (tenantid)');
  return orgId;
}

export function metadataOf({ grpc }: PubSubPeers, session: Session): Metadata {
  const md = new grpc.Metadata();
  md.set('accesstoken', session.accessToken);
  md.set('instanceurl', session.instanceUrl);
  md.set('tenantid', orgIdOf(session));
  return md;
}

/** Checks the endpoint and TLS options; throws before anything is sent. */
export function checkConnectionOptions(opts: PubSubConnectionOptions): { endpoint: string } {
  const endpoint = opts.endpoint ?? DEFAULT_PUBSUB_ENDPOINT;
  const m = /^(\[[^\]]+\]|[^:/\s]+):(\d{1,5})$/.exec(endpoint);
  if (!m || Number(m[2]) > 65535) throw new TypeError(`endpoint must be host:port, got ${JSON.stringify(endpoint)}`);
  if (opts.tls === false && !isLoopbackHost(m[1])) {
    throw new TypeError(`Plaintext Pub/Sub (tls: false) is only allowed to a loopback host, since the access token is sent; got ${m[1]}`);
  }
  return { endpoint };
}

/** A live channel: the gRPC client and the SalesforceClient behind it. */
export interface PubSubChannel {
  /** The loaded gRPC and Avro packages. */
  readonly peers: PubSubPeers;
  readonly grpc: Client & Record<string, (...args: unknown[]) => unknown>;
  readonly sf: SalesforceClient;
  readonly endpoint: string;
  close(): void;
}

/** Opens a channel with the loaded packages (`pubSubPeers()`); throws on bad options, before anything is sent. */
export function openChannel(opts: PubSubConnectionOptions, peers: PubSubPeers): PubSubChannel {
  const { endpoint } = checkConnectionOptions(opts);
  const sf = resolveClient(opts.client);
  const tls = opts.tls ?? true;
  const { credentials } = peers.grpc;
  const creds = tls === false ? credentials.createInsecure()
    : tls === true ? credentials.createSsl()
      : credentials.createSsl(Buffer.from('certFile' in tls ? readFileSync(tls.certFile) : tls.rootCerts));
  const Ctor = pubSubClientClass(peers);
  const grpc = new Ctor(endpoint, creds, { 'grpc.max_receive_message_length': 32 * 1024 * 1024 }) as PubSubChannel['grpc'];
  return { peers, grpc, sf, endpoint, close: () => grpc.close() };
}

/**
 * A unary call as a cold Observable: the session's metadata, one retry after a refresh when the session was refused,
 * and the call cancelled on unsubscribe.
 */
export function unary$<Res>(ch: PubSubChannel, method: 'GetTopic' | 'GetSchema' | 'Publish', request: object): Observable<Res> {
  const attempt = (session: Session) => new Observable<Res>(subscriber => {
    let md: Metadata;
    try {
      md = metadataOf(ch.peers, session);
    } catch (err) {
      subscriber.error(err);
      return;
    }
    const call = ch.grpc[method](request, md, (err: ServiceError | null, res: Res) => {
      if (err) subscriber.error(err);
      else {
        subscriber.next(res);
        subscriber.complete();
      }
    }) as { cancel(): void };
    return () => call.cancel();
  });
  return ch.sf.session$().pipe(
    switchMap(session => attempt(session).pipe(
      catchError((err: ServiceError) => err?.code === GrpcStatus.UNAUTHENTICATED
        ? ch.sf.refreshSession$(session).pipe(switchMap(attempt)) : throwError(() => err)))),
    catchError(err => throwError(() => pubSubError(err))),
  );
}

/** A schema as decoding needs it: the Avro type, and the logical type of each field (`Name`, `BillingAddress.City`). */
export interface EventType {
  type: avro.Type;
  /** `timestamp-millis`, `date`… by field path; avsc keeps no unknown logical type, so they are read off the JSON. */
  logical: Map<string, string>;
}

interface JsonField { name: string; type: unknown }

function logicalTypes(schema: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const branches = (t: unknown): unknown[] => (Array.isArray(t) ? t : [t]);
  const walk = (fields: JsonField[], prefix: string) => {
    for (const f of fields) {
      for (const b of branches(f.type)) {
        if (!b || typeof b !== 'object') continue;
        const o = b as { logicalType?: string; type?: string; fields?: JsonField[] };
        if (o.logicalType) out.set(prefix + f.name, o.logicalType);
        if (o.type === 'record' && o.fields && !prefix) walk(o.fields, `${f.name}.`);
      }
    }
  };
  const root = schema as { fields?: JsonField[] };
  if (Array.isArray(root.fields)) walk(root.fields, '');
  return out;
}

const schemaCache = new WeakMap<SalesforceClient, Map<string, Promise<EventType>>>();

/** The Avro type of a schema id, from the cache or GetSchema. */
export function schema$(ch: PubSubChannel, schemaId: string): Observable<EventType> {
  return defer(() => {
    let byId = schemaCache.get(ch.sf);
    if (!byId) schemaCache.set(ch.sf, byId = new Map());
    const key = `${ch.endpoint}|${schemaId}`;
    let type = byId.get(key);
    if (!type) {
      const cache = byId;
      type = new Promise<EventType>((resolve, reject) => {
        unary$<{ schema_json: string }>(ch, 'GetSchema', { schema_id: schemaId }).pipe(
          map(info => {
            const json = JSON.parse(info.schema_json) as avro.Schema;
            return { type: ch.peers.avro.Type.forSchema(json), logical: logicalTypes(json) };
          }),
        ).subscribe({ next: resolve, error: reject });
      });
      // a failed fetch is not cached: the next event asks again
      type.catch(() => cache.delete(key));
      cache.set(key, type);
    }
    return from(type);
  });
}
