/**
 * `publish$`: platform events over the Pub/Sub API. The topic's schema comes from GetTopic and GetSchema; each event
 * is checked against it (unknown fields, values of the wrong kind) before anything is published, then sent in
 * Publish calls of at most 200 events. A publish is never re-sent on its own: an event could be published twice.
 */
import { randomUUID } from 'node:crypto';
import type avro from 'avsc';
import { concatMap, defer, finalize, from, lastValueFrom, map, mergeMap, type Observable, switchMap, toArray } from 'rxjs';
import { ValidationError } from '../../util/errors.js';
import { checkConnectionOptions, openChannel, schema$, unary$, type EventType, type PubSubChannel,
  type PubSubConnectionOptions } from './connection.js';
import { pubSubPeers } from './peers.js';
import type { WirePublishResponse } from './proto.js';

/** At most this many events per Publish call (Salesforce's limit). */
export const MAX_PUBLISH_BATCH = 200;

export type PublishOptions = PubSubConnectionOptions;

export interface PublishResult {
  /** The index of the event in the input. */
  index: number;
  /** The id the event was sent with (`correlation_key`). */
  correlationKey: string;
  success: boolean;
  /** Where the event sits in the stream (base64), on success. */
  replayId?: string;
  error?: { code: string; message: string };
}

interface AvroField { name: string; type: avro.Type }

function toAvroValue(logical: string | undefined, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if ((logical === 'timestamp-millis' || logical === 'date') && (typeof value === 'string' || value instanceof Date)) {
    const ms = value instanceof Date ? value.getTime() : Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
    if (Number.isNaN(ms)) return value;
    return logical === 'date' ? Math.floor(ms / 86_400_000) : ms;
  }
  return value;
}

/** Builds the Avro record of one event; throws a ValidationError naming the event and the field. */
function encodeEvent({ type, logical }: EventType, topic: string, event: Record<string, unknown>, index: number): Buffer {
  const fields = (type as unknown as { fields: AvroField[] }).fields;
  const byName = new Map(fields.map(f => [f.name.toLowerCase(), f]));
  const datum: Record<string, unknown> = {};
  for (const f of fields) datum[f.name] = null;
  for (const [k, v] of Object.entries(event)) {
    const f = byName.get(k.toLowerCase());
    if (!f) throw new ValidationError({ reason: `${topic} has no field ${k}`, field: k, recordIndex: index });
    const value = toAvroValue(logical.get(f.name), v);
    if (!f.type.isValid(value)) {
      throw new ValidationError({ reason: `${JSON.stringify(v)} is not a valid value for ${f.name} on ${topic}`, field: f.name,
        recordIndex: index });
    }
    datum[f.name] = value;
  }
  // the bus stamps these itself
  if ('CreatedDate' in datum && datum.CreatedDate === null) datum.CreatedDate = Date.now();
  return type.toBuffer(datum);
}

/**
 * Publishes platform events; emits one result per event, in input order.
 *
 * ```ts
 * import { publish$ } from 'rxforce/node';
 * publish$('/event/Low_Ink__e', [{ Printer_Model__c: 'XZO-5' }], { client }).subscribe(r => console.log(r.replayId));
 * ```
 */
export function publish$(topic: string, events: Record<string, unknown>[], options: PublishOptions = {}): Observable<PublishResult> {
  return defer(() => {
    if (typeof topic !== 'string' || !/^\/event\/\w+__e$/.test(topic)) {
      throw new ValidationError({ reason: `platform events are published to /event/Name__e, got ${JSON.stringify(topic)}` });
    }
    if (!Array.isArray(events) || events.length === 0) throw new ValidationError({ reason: 'publish$ needs at least one event' });
    events.forEach((e, i) => {
      if (!e || typeof e !== 'object' || Array.isArray(e)) throw new ValidationError({ reason: 'an event is an object of field values', recordIndex: i });
    });
    checkConnectionOptions(options);
    // the gRPC and Avro packages load on first use (a MissingPeerError names them when absent)
    return from(pubSubPeers()).pipe(switchMap(peers => publishWith(openChannel(options, peers), topic, events)));
  });
}

/** Publishes on an open channel (closed when the Observable ends): topic and schema first, then the events. */
function publishWith(ch: PubSubChannel, topic: string, events: Record<string, unknown>[]): Observable<PublishResult> {
  return unary$<{ schema_id: string; can_publish: boolean }>(ch, 'GetTopic', { topic_name: topic }).pipe(
    switchMap(info => {
      if (!info.can_publish) throw new ValidationError({ reason: `${topic} does not accept publishing` });
      return schema$(ch, info.schema_id).pipe(map(type => ({ type, schemaId: info.schema_id })));
    }),
    switchMap(({ type, schemaId }) => {
      const encoded = events.map((e, i) => ({ index: i, id: randomUUID(), payload: encodeEvent(type, topic, e, i) }));
      const batches: typeof encoded[] = [];
      for (let i = 0; i < encoded.length; i += MAX_PUBLISH_BATCH) batches.push(encoded.slice(i, i + MAX_PUBLISH_BATCH));
      return from(batches).pipe(concatMap(batch => unary$<WirePublishResponse>(ch, 'Publish', {
        topic_name: topic, events: batch.map(b => ({ id: b.id, schema_id: schemaId, payload: b.payload, headers: [] })),
      }).pipe(mergeMap(res => batch.map((b, j): PublishResult => {
        const r = res.results[j];
        if (!r || r.error) {
          return { index: b.index, correlationKey: b.id, success: false,
            error: { code: r?.error?.code ?? 'UNKNOWN', message: r?.error?.msg ?? 'no result for this event' } };
        }
        return { index: b.index, correlationKey: r.correlation_key || b.id, success: true, replayId: r.replay_id.toString('base64') };
      })))));
    }),
    finalize(() => ch.close()),
  );
}

/** Promise twin of `publish$`: every result, in input order. */
export function publish(topic: string, events: Record<string, unknown>[], options: PublishOptions = {}): Promise<PublishResult[]> {
  return lastValueFrom(publish$(topic, events, options).pipe(toArray()));
}
