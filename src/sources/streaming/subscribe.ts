/**
 * `subscribe$`: the events of one Pub/Sub API topic as a cold Observable. Flow control is the Subscribe stream's
 * `num_requested`: at most `batchSize` events are ever owed by the server, and more are asked for only once the
 * subscriber has taken (or, with `process`, finished handling) the ones it got, so a slow consumer holds at most one
 * batch in memory however fast events are published. A broken stream reconnects after the last replay id it
 * delivered (with backoff); a refused session is refreshed once per connection; a stored replay id outside the
 * retention window fails with `ReplayIdExpiredError`, never silently skipping events. Unsubscribe closes the stream.
 */
import type { ClientDuplexStream, Metadata, ServiceError } from '@grpc/grpc-js';
import { firstValueFrom, from, lastValueFrom, Observable, timer, type ObservableInput, type SchedulerLike,
  type Subscription } from 'rxjs';
import { ValidationError } from '../../util/errors.js';
import type { Session } from '../../client/types.js';
import { checkConnectionOptions, metadataOf, openChannel, pubSubError, schema$, ReplayIdExpiredError,
  type EventType, type PubSubChannel, type PubSubConnectionOptions } from './connection.js';
import { GrpcStatus as status, pubSubPeers } from './peers.js';
import type { WireConsumerEvent, WireFetchResponse } from './proto.js';

/** Where a subscription starts: the tip, the oldest retained event, or just after a stored replay id. */
export type ReplayFrom = 'latest' | 'earliest' | { replayId: string };

export interface SubscribeOptions<E = PubSubEvent> extends PubSubConnectionOptions {
  /** Default `latest`. A `replayId` is the base64 string an earlier event carried. */
  replay?: ReplayFrom;
  /** Events owed at a time (`num_requested`), 1–100; default 100. */
  batchSize?: number;
  /**
   * Handles each event before the next one is delivered (in order); more events are requested only as handlers
   * finish, so memory stays flat under a burst. The Observable emits each event once its handler completed.
   */
  process?: (event: E) => ObservableInput<unknown>;
  /** Reconnection after a broken stream; `false` fails instead. Attempts count in a row without an event. */
  reconnect?: false | { maxAttempts?: number; delayMs?: number };
  /** For the reconnection backoff (virtual time in tests). */
  scheduler?: SchedulerLike;
  /**
   * Called on each connection once the server shows the subscription stands (its response headers or first
   * response): every event committed after that point will be delivered.
   */
  onOpen?: () => void;
}

/** One event as delivered: its replay id (store it to resume), its schema id and its decoded Avro payload. */
export interface PubSubEvent<T = Record<string, unknown>> {
  topic: string;
  /** Opaque position in the stream, base64; resume after it with `replay: { replayId }`. */
  replayId: string;
  /** The event's UUID (platform events) or system id. */
  id: string;
  schemaId: string;
  payload: T;
}

const MAX_BATCH = 100;

/** gRPC codes another connection cannot cure: a wrong topic or request, no permission. */
const FINAL_CODES = new Set<number>([status.INVALID_ARGUMENT, status.NOT_FOUND, status.PERMISSION_DENIED, status.FAILED_PRECONDITION,
  status.UNIMPLEMENTED, status.OUT_OF_RANGE]);

/** Checks topic and options; the error names what is wrong, before anything is sent. */
export function checkSubscribeOptions(topic: string, opts: SubscribeOptions<never>): void {
  if (typeof topic !== 'string' || !/^\/(data|event)\/\w+$/.test(topic)) {
    throw new ValidationError({ reason: `topic must be a channel such as /data/AccountChangeEvent, /data/ChangeEvents or /event/Name__e, got ${JSON.stringify(topic)}` });
  }
  const n = opts.batchSize ?? MAX_BATCH;
  if (!Number.isInteger(n) || n < 1 || n > MAX_BATCH) {
    throw new ValidationError({ reason: `batchSize must be an integer from 1 to ${MAX_BATCH} (num_requested), got ${n}` });
  }
  const replay = opts.replay ?? 'latest';
  if (replay !== 'latest' && replay !== 'earliest') {
    const id = typeof replay === 'object' && replay ? replay.replayId : undefined;
    if (typeof id !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(id)) {
      throw new ValidationError({ reason: `replay must be 'latest', 'earliest' or { replayId } with a base64 replay id, got ${JSON.stringify(replay)}` });
    }
  }
  checkConnectionOptions(opts);
}

/**
 * The events of one topic, decoded with their schema.
 *
 * ```ts
 * import { subscribe$ } from 'rxforce/node';
 * subscribe$('/event/Low_Ink__e', { client, replay: 'earliest' }).subscribe(e => console.log(e.payload));
 * ```
 */
export function subscribe$<T = Record<string, unknown>>(topic: string, opts: SubscribeOptions<PubSubEvent<T>> = {}):
  Observable<PubSubEvent<T>> {
  return events$(topic, opts, e => e as PubSubEvent<T>);
}

/** Turns a raw event and its decoded payload into what a subscription emits. */
type Decode<E> = (base: PubSubEvent, type: EventType) => E;

/** The shared engine of `subscribe$` and `changeEvents$`. */
export function events$<E>(topic: string, opts: SubscribeOptions<E>, decode: Decode<E>): Observable<E> {
  return new Observable<E>(subscriber => {
    try {
      checkSubscribeOptions(topic, opts as SubscribeOptions<never>);
    } catch (err) {
      subscriber.error(err);
      return;
    }
    const batchSize = opts.batchSize ?? MAX_BATCH;
    const reconnect = opts.reconnect === false ? undefined : { maxAttempts: 10, delayMs: 500, ...opts.reconnect };
    let channel: PubSubChannel | undefined;
    let stream: ClientDuplexStream<unknown, WireFetchResponse> | undefined;
    let closed = false;
    /** The last position delivered (or vouched for by a keepalive): where a reconnection resumes. */
    let lastReplayId: Buffer | undefined = typeof opts.replay === 'object' ? Buffer.from(opts.replay.replayId, 'base64') : undefined;
    let failures = 0;
    let owed = 0;
    const queue: WireConsumerEvent[] = [];
    let working = false;
    let retryTimer: Subscription | undefined;
    let handler: Subscription | undefined;
    let refreshedFor: string | undefined;

    const fail = (err: unknown) => {
      if (closed) return;
      closed = true;
      teardown();
      subscriber.error(err);
    };
    const teardown = () => {
      closed = true;
      retryTimer?.unsubscribe();
      handler?.unsubscribe();
      const s = stream;
      stream = undefined;
      if (s) {
        s.removeAllListeners();
        s.on('error', () => { /* the cancellation itself */ });
        s.cancel();
      }
      channel?.close();
    };

    const request = (n: number) => {
      owed += n;
      stream?.write({ num_requested: n });
    };

    /** Delivers queued events in order; asks for the next batch when everything owed has been handled. */
    const drain = async () => {
      if (working) return;
      working = true;
      try {
        while (!closed && queue.length) {
          const raw = queue.shift()!;
          const type = await firstValueFrom(schema$(channel!, raw.event.schema_id));
          if (closed) return;
          const base: PubSubEvent = { topic, replayId: raw.replay_id.toString('base64'), id: raw.event.id,
            schemaId: raw.event.schema_id, payload: type.type.fromBuffer(raw.event.payload) as Record<string, unknown> };
          const event = decode(base, type);
          if (opts.process) {
            await lastValueFrom(new Observable<unknown>(inner => {
              handler = from(opts.process!(event)).subscribe(inner);
              return () => handler?.unsubscribe();
            }), { defaultValue: undefined });
            if (closed) return;
          }
          lastReplayId = raw.replay_id;
          failures = 0;
          subscriber.next(event);
        }
        if (!closed && owed === 0 && stream) request(batchSize);
      } catch (err) {
        fail(err);
      } finally {
        working = false;
      }
    };

    const connect = (session: Session) => {
      if (closed || !channel) return;
      let md: Metadata;
      try {
        md = metadataOf(channel.peers, session);
      } catch (err) {
        fail(err);
        return;
      }
      const s = (channel.grpc.Subscribe as (md: Metadata) => ClientDuplexStream<unknown, WireFetchResponse>)(md);
      stream = s;
      owed = 0;
      queue.length = 0;
      let opened = false;
      const open = () => {
        if (opened || stream !== s || closed) return;
        opened = true;
        try {
          opts.onOpen?.();
        } catch (err) {
          fail(err);
        }
      };
      s.on('metadata', open);
      s.on('data', (res: WireFetchResponse) => {
        if (stream !== s || closed) return;
        open();
        if (res.events.length) {
          owed = Math.max(0, owed - res.events.length);
          queue.push(...res.events);
          void drain();
        } else if (res.latest_replay_id?.length && !queue.length && !working) {
          // a keepalive: nothing for this topic up to here, so a reconnection may start from it
          lastReplayId = res.latest_replay_id;
        }
      });
      s.on('error', (err: ServiceError) => {
        if (stream !== s || closed) return;
        stream = undefined;
        const e = pubSubError(err);
        if (e instanceof ReplayIdExpiredError || FINAL_CODES.has(e.code)) return fail(e);
        if (e.code === status.UNAUTHENTICATED && refreshedFor !== session.accessToken) {
          refreshedFor = session.accessToken;
          channel!.sf.refreshSession$(session).subscribe({ next: connect, error: err2 => fail(err2) });
          return;
        }
        retry(e);
      });
      s.on('end', () => {
        if (stream !== s || closed) return;
        stream = undefined;
        retry(pubSubError({ code: status.UNAVAILABLE, details: 'the server closed the subscription' }));
      });
      const first: Record<string, unknown> = { topic_name: topic, num_requested: batchSize };
      if (lastReplayId) Object.assign(first, { replay_preset: 'CUSTOM', replay_id: lastReplayId });
      else first.replay_preset = opts.replay === 'earliest' ? 'EARLIEST' : 'LATEST';
      owed = batchSize;
      s.write(first);
    };

    const retry = (err: unknown) => {
      if (closed) return;
      if (!reconnect || ++failures > reconnect.maxAttempts) return fail(err);
      // the stream resumes after lastReplayId: events already delivered are not delivered again
      const delay = Math.min(30_000, reconnect.delayMs * 2 ** (failures - 1));
      retryTimer = timer(delay, opts.scheduler).subscribe(() => start());
    };

    const start = () => {
      if (channel) {
        channel.sf.session$().subscribe({ next: connect, error: fail });
        return;
      }
      // the gRPC and Avro packages load on the first subscription (a MissingPeerError names them when absent)
      pubSubPeers().then(peers => {
        if (closed) return;
        channel = openChannel(opts, peers);
        channel.sf.session$().subscribe({ next: connect, error: fail });
      }).catch(fail);
    };

    start();
    return teardown;
  });
}
