/**
 * The Pub/Sub API service (`eventbus.v1.PubSub`) for @grpc/grpc-js, described from Salesforce's published definition:
 * message and field names and numbers must match the wire, so they are Salesforce's. Loaded from an in-memory
 * descriptor, so the package ships no .proto file.
 */
import type { ServiceClientConstructor } from '@grpc/grpc-js';
import type { PubSubPeers } from './peers.js';

type FieldDef = { type: string; id: number; rule?: 'repeated' };
const one = (type: string, id: number): FieldDef => ({ type, id });
const many = (type: string, id: number): FieldDef => ({ type, id, rule: 'repeated' });

const messages = {
  // subscription start: LATEST is the tip, EARLIEST the oldest retained event, CUSTOM starts after replay_id
  ReplayPreset: { values: { LATEST: 0, EARLIEST: 1, CUSTOM: 2 } },
  ErrorCode: { values: { UNKNOWN: 0, PUBLISH: 1, COMMIT: 2 } },
  EventHeader: { fields: { key: one('string', 1), value: one('bytes', 2) } },
  ProducerEvent: { fields: { id: one('string', 1), schema_id: one('string', 2), payload: one('bytes', 3),
    headers: many('EventHeader', 4) } },
  ConsumerEvent: { fields: { event: one('ProducerEvent', 1), replay_id: one('bytes', 2) } },
  Error: { fields: { code: one('ErrorCode', 1), msg: one('string', 2) } },
  PublishResult: { fields: { replay_id: one('bytes', 1), error: one('Error', 2), correlation_key: one('string', 3) } },
  // replay_preset and replay_id count only in a stream's first request; num_requested adds to what the server owes
  FetchRequest: { fields: { topic_name: one('string', 1), replay_preset: one('ReplayPreset', 2), replay_id: one('bytes', 3),
    num_requested: one('int32', 4), auth_refresh: one('string', 5) } },
  FetchResponse: { fields: { events: many('ConsumerEvent', 1), latest_replay_id: one('bytes', 2), rpc_id: one('string', 3),
    pending_num_requested: one('int32', 4) } },
  TopicRequest: { fields: { topic_name: one('string', 1) } },
  TopicInfo: { fields: { topic_name: one('string', 1), tenant_guid: one('string', 2), can_publish: one('bool', 3),
    can_subscribe: one('bool', 4), schema_id: one('string', 5), rpc_id: one('string', 6) } },
  SchemaRequest: { fields: { schema_id: one('string', 1) } },
  SchemaInfo: { fields: { schema_json: one('string', 1), schema_id: one('string', 2), rpc_id: one('string', 3) } },
  PublishRequest: { fields: { topic_name: one('string', 1), events: many('ProducerEvent', 2), auth_refresh: one('string', 3) } },
  PublishResponse: { fields: { results: many('PublishResult', 1), schema_id: one('string', 2), rpc_id: one('string', 3) } },
};

const rpc = (requestType: string, responseType: string, streams = false) =>
  ({ requestType, responseType, ...(streams ? { requestStream: true, responseStream: true } : {}) });

const service = {
  methods: {
    Subscribe: rpc('FetchRequest', 'FetchResponse', true),
    GetSchema: rpc('SchemaRequest', 'SchemaInfo'),
    GetTopic: rpc('TopicRequest', 'TopicInfo'),
    Publish: rpc('PublishRequest', 'PublishResponse'),
    PublishStream: rpc('PublishRequest', 'PublishResponse', true),
  },
};

let ctor: ServiceClientConstructor | undefined;

/** The generated client class (built once, on first use, from the loaded packages). */
export function pubSubClientClass({ grpc, protoLoader }: PubSubPeers): ServiceClientConstructor {
  if (!ctor) {
    const root = { nested: { eventbus: { nested: { v1: { nested: { ...messages, PubSub: service } } } } } };
    const definition = protoLoader.fromJSON(root as unknown as Parameters<typeof protoLoader.fromJSON>[0],
      { keepCase: true, longs: String, enums: String, defaults: true });
    ctor = grpc.makeGenericClientConstructor(
      definition['eventbus.v1.PubSub'] as Parameters<typeof grpc.makeGenericClientConstructor>[0], 'PubSub');
  }
  return ctor;
}

/** Wire shapes as the loader gives them (bytes as Buffers, enums as names). */
export interface WireConsumerEvent {
  event: { id: string; schema_id: string; payload: Buffer };
  replay_id: Buffer;
}

export interface WireFetchResponse {
  events: WireConsumerEvent[];
  latest_replay_id: Buffer;
  rpc_id: string;
  pending_num_requested: number;
}

export interface WirePublishResponse {
  results: { replay_id: Buffer; error: { code: string; msg: string } | null; correlation_key: string }[];
  schema_id: string;
  rpc_id: string;
}
