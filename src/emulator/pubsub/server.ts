/**
 * The Pub/Sub API as a gRPC service over the org's event bus: Subscribe (flow control by `num_requested`, at most 100
 * owed at a time; an empty keepalive response carrying the latest replay id while nothing arrives), GetTopic,
 * GetSchema, Publish and PublishStream. Every call is authenticated by the `accesstoken`, `instanceurl` and `tenantid`
 * metadata of a live session; a failure ends the call with a gRPC status whose trailers carry Salesforce's
 * `error-code` and an `rpc-id` that the message repeats (`… rpcId: …`).
 */
import { randomUUID } from 'node:crypto';
import { Metadata, status, type sendUnaryData, type ServerDuplexStream, type ServerUnaryCall,
  type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Sessions } from '../auth/sessions.js';
import type { SessionInfo } from '../types.js';
import { MAX_EVENT_BYTES, type EventBus } from './bus.js';
import type { FetchRequest, ProducerEvent, PublishRequest } from './proto.js';
import { fromAvro } from './schemas.js';

/** `num_requested` owed at once: more is treated as 100. */
export const MAX_PENDING = 100;
/** Events one Publish call may carry. */
export const MAX_PUBLISH_EVENTS = 200;

export const ERROR_CODES = {
  auth: 'sfdc.platform.eventbus.grpc.service.auth.error',
  replayCorrupted: 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted',
  // the two below are the emulator's names (unconfirmed against Salesforce's table)
  topicNotFound: 'sfdc.platform.eventbus.grpc.topic.not.found',
  invalidRequest: 'sfdc.platform.eventbus.grpc.service.invalid.request',
};

export interface PubSubServiceOptions {
  bus: EventBus;
  sessions: Sessions;
  orgId: string;
  /** Runs the synchronous `fn` with writes stamped as `userId` (a published event's CreatedById). */
  actAs<T>(userId: string, fn: () => T): T;
  /** Keepalive while a subscriber waits with events owed; Salesforce sends one within 270 s. */
  keepaliveMs: number;
  /** How long a stream with nothing owed stays open; Salesforce closes it after 60 s. */
  idleMs: number;
  /** Counts what went out. */
  stats: PubSubStats;
  /** Open Subscribe streams, each with a function that breaks it (UNAVAILABLE, as a dropped connection). */
  streams: Set<() => void>;
}

export interface PubSubStats {
  /** Events sent to subscribers, over all streams. */
  delivered: number;
  /** Subscribe streams open now. */
  openStreams: number;
}

interface RpcError {
  code: status;
  details: string;
  metadata: Metadata;
}

function rpcError(code: status, errorCode: string, message: string): RpcError {
  const rpcId = randomUUID();
  const metadata = new Metadata();
  metadata.set('error-code', errorCode);
  metadata.set('rpc-id', rpcId);
  return { code, details: `${message} rpcId: ${rpcId}`, metadata };
}

/** Replay ids are 8 bytes on the wire; positions here. */
export function encodeReplayId(seq: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(seq));
  return b;
}

function decodeReplayId(b: Buffer | undefined): number | undefined {
  if (!b || b.length !== 8) return undefined;
  const v = b.readBigUInt64BE();
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
}

export function pubSubImplementation(o: PubSubServiceOptions): UntypedServiceImplementation {
  const { bus } = o;
  const orgId15 = o.orgId.slice(0, 15);

  const authenticate = (md: Metadata): SessionInfo | RpcError => {
    const one = (k: string) => { const v = md.get(k)[0]; return typeof v === 'string' ? v.trim() : ''; };
    const token = one('accesstoken');
    const instanceUrl = one('instanceurl');
    const tenant = one('tenantid');
    const tenantOrg = tenant.startsWith('core/') ? tenant.split('/').pop() ?? '' : tenant;
    let urlOk = false;
    try {
      urlOk = !!instanceUrl && !!new URL(instanceUrl).host;
    } catch { /* not a URL */ }
    const session = token ? o.sessions.use(token, false) : undefined;
    if (!session || !urlOk || tenantOrg.slice(0, 15) !== orgId15) {
      return rpcError(status.UNAUTHENTICATED, ERROR_CODES.auth,
        'An authentication exception occurred. Provide valid authentication via the accesstoken, instanceurl and tenantid headers.');
    }
    return session;
  };
  const isError = (v: unknown): v is RpcError => typeof v === 'object' && v !== null && 'code' in v && 'details' in v;

  const publish = (req: PublishRequest, session: SessionInfo) => {
    const topic = bus.topic(req.topic_name);
    if (!topic) return rpcError(status.NOT_FOUND, ERROR_CODES.topicNotFound, `Topic not found: ${req.topic_name}.`);
    if (!topic.canPublish || !topic.schema || !topic.platformEvent) {
      return rpcError(status.PERMISSION_DENIED, ERROR_CODES.invalidRequest, `Publishing to ${req.topic_name} is not allowed.`);
    }
    if (req.events.length > MAX_PUBLISH_EVENTS) {
      return rpcError(status.INVALID_ARGUMENT, ERROR_CODES.invalidRequest,
        `A publish request carries at most ${MAX_PUBLISH_EVENTS} events; got ${req.events.length}.`);
    }
    const schema = topic.schema;
    const results = o.actAs(session.userId, () => req.events.map((ev: ProducerEvent) => {
      const fail = (msg: string) => ({ replay_id: Buffer.alloc(0), error: { code: 'PUBLISH', msg }, correlation_key: ev.id });
      if (ev.schema_id !== schema.id) return fail(`The event's schema_id ${ev.schema_id} is not the topic's schema ${schema.id}.`);
      if (ev.payload.length > MAX_EVENT_BYTES) return fail('The event exceeds the maximum size of 1 MB.');
      let datum: Record<string, unknown>;
      try {
        datum = schema.type.fromBuffer(ev.payload) as Record<string, unknown>;
      } catch {
        return fail('The payload does not decode with the topic schema.');
      }
      // the bus stamps CreatedDate and CreatedById, whatever the publisher sent
      const values: Record<string, unknown> = {};
      for (const e of schema.fields) values[e.name] = fromAvro(e.field!, datum[e.name]);
      values.CreatedDate = null;
      values.CreatedById = session.userId;
      const seq = bus.publishValues(topic.platformEvent!, values);
      return { replay_id: encodeReplayId(seq), correlation_key: ev.id || randomUUID() };
    }));
    return { results, schema_id: schema.id, rpc_id: randomUUID() };
  };

  return {
    GetTopic(call: ServerUnaryCall<{ topic_name: string }, unknown>, callback: sendUnaryData<unknown>) {
      const session = authenticate(call.metadata);
      if (isError(session)) return callback(session);
      const topic = bus.topic(call.request.topic_name);
      if (!topic) return callback(rpcError(status.NOT_FOUND, ERROR_CODES.topicNotFound, `Topic not found: ${call.request.topic_name}.`));
      callback(null, { topic_name: topic.name, tenant_guid: o.orgId, can_publish: topic.canPublish, can_subscribe: true,
        schema_id: topic.schema?.id ?? '', rpc_id: randomUUID() });
    },

    GetSchema(call: ServerUnaryCall<{ schema_id: string }, unknown>, callback: sendUnaryData<unknown>) {
      const session = authenticate(call.metadata);
      if (isError(session)) return callback(session);
      const schema = bus.schemaById(call.request.schema_id);
      if (!schema) return callback(rpcError(status.NOT_FOUND, ERROR_CODES.invalidRequest, `Schema not found: ${call.request.schema_id}.`));
      callback(null, { schema_json: schema.json, schema_id: schema.id, rpc_id: randomUUID() });
    },

    Publish(call: ServerUnaryCall<PublishRequest, unknown>, callback: sendUnaryData<unknown>) {
      const session = authenticate(call.metadata);
      if (isError(session)) return callback(session);
      const out = publish(call.request, session);
      if (isError(out)) callback(out);
      else callback(null, out);
    },

    PublishStream(call: ServerDuplexStream<PublishRequest, unknown>) {
      call.on('data', (req: PublishRequest) => {
        const session = authenticate(call.metadata);
        const out = isError(session) ? session : publish(req, session);
        if (isError(out)) call.emit('error', out);
        else call.write(out);
      });
      call.on('end', () => call.end());
    },

    Subscribe(call: ServerDuplexStream<FetchRequest, unknown>) {
      const rpcId = randomUUID();
      let topic: string | undefined;
      let cursor = 0;
      let pending = 0;
      let closed = false;
      let waitingDrain = false;
      let keepalive: NodeJS.Timeout | undefined;
      let idle: NodeJS.Timeout | undefined;
      let unlisten: (() => void) | undefined;

      o.stats.openStreams++;
      const breakStream = () => fail(rpcError(status.UNAVAILABLE, 'sfdc.platform.eventbus.grpc.service.unavailable',
        'The Pub/Sub API service is unavailable.'));
      o.streams.add(breakStream);
      const cleanup = () => {
        if (!closed) o.stats.openStreams--;
        o.streams.delete(breakStream);
        closed = true;
        clearTimeout(keepalive);
        clearTimeout(idle);
        unlisten?.();
      };
      const fail = (e: RpcError) => {
        if (closed) return;
        cleanup();
        call.emit('error', e);
      };
      const write = (events: { seq: number; id: string; schemaId: string; payload: Buffer }[]) => {
        const ok = call.write({
          events: events.map(e => ({ event: { id: e.id, schema_id: e.schemaId, payload: e.payload, headers: [] },
            replay_id: encodeReplayId(e.seq) })),
          latest_replay_id: encodeReplayId(events.length ? events[events.length - 1].seq : Math.max(cursor, bus.latest)),
          rpc_id: rpcId, pending_num_requested: pending,
        });
        o.stats.delivered += events.length;
        if (!ok) waitingDrain = true;
      };
      const pump = () => {
        if (closed || topic === undefined || waitingDrain) return;
        clearTimeout(keepalive);
        keepalive = undefined;
        if (bus.hasLostAfter(cursor)) {
          // the subscriber fell behind the retention window while connected
          fail(rpcError(status.INVALID_ARGUMENT, ERROR_CODES.replayCorrupted, 'The replay ID is no longer in the retention window.'));
          return;
        }
        while (pending > 0 && !waitingDrain) {
          const events = bus.read(topic, cursor, pending);
          if (!events.length) break;
          pending -= events.length;
          cursor = events[events.length - 1].seq;
          write(events);
        }
        if (pending > 0) {
          keepalive = setTimeout(() => {
            if (closed) return;
            if (bus.read(topic!, cursor, 1).length) return pump();
            // nothing for this topic up to the bus's tip: the subscriber may store that position
            cursor = Math.max(cursor, bus.latest);
            write([]);
            pump();
          }, o.keepaliveMs);
          keepalive.unref?.();
        } else if (!idle) {
          idle = setTimeout(() => {
            if (closed) return;
            cleanup();
            call.end();
          }, o.idleMs);
          idle.unref?.();
        }
      };

      call.on('drain', () => {
        waitingDrain = false;
        pump();
      });
      call.on('data', (req: FetchRequest) => {
        if (closed) return;
        const session = authenticate(call.metadata);
        if (isError(session)) return fail(session);
        if (topic === undefined) {
          if (!bus.topic(req.topic_name)) {
            return fail(rpcError(status.NOT_FOUND, ERROR_CODES.topicNotFound, `Topic not found: ${req.topic_name}.`));
          }
          if (req.replay_preset === 'CUSTOM') {
            const seq = decodeReplayId(req.replay_id);
            if (seq === undefined || !bus.isRetained(seq)) {
              return fail(rpcError(status.INVALID_ARGUMENT, ERROR_CODES.replayCorrupted,
                'The Replay ID validation failed: it is not a replay ID of this org or it is outside the retention window.'));
            }
            cursor = seq;
          } else {
            cursor = req.replay_preset === 'EARLIEST' ? bus.earliest : bus.latest;
          }
          topic = req.topic_name;
          unlisten = bus.onAppend(pump);
          // response headers now tell the client its subscription stands (events after this point are its)
          call.sendMetadata(new Metadata());
        } else if (req.topic_name && req.topic_name !== topic) {
          return fail(rpcError(status.INVALID_ARGUMENT, ERROR_CODES.invalidRequest,
            `The topic of a subscription cannot change: ${req.topic_name} after ${topic}.`));
        }
        if (req.num_requested > 0) {
          pending = Math.min(MAX_PENDING, pending + req.num_requested);
          clearTimeout(idle);
          idle = undefined;
        }
        pump();
      });
      call.on('end', () => {
        if (!closed) {
          cleanup();
          call.end();
        }
      });
      call.on('cancelled', cleanup);
      call.on('error', cleanup);
      call.on('close', cleanup);
    },
  };
}
