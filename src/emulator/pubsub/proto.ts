/**
 * The Pub/Sub API's wire contract (`eventbus.v1.PubSub`) as a protobuf descriptor, written from Salesforce's published
 * service definition: field numbers and types are what the wire needs, names are Salesforce's so any published
 * client interoperates. The client side keeps its own copy (src/sources/streaming): the emulator shares no wire code
 * with what it tests.
 */
import { fromJSON } from '@grpc/proto-loader';
import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';

const field = (type: string, id: number, repeated = false): { type: string; id: number; rule?: string } =>
  (repeated ? { type, id, rule: 'repeated' } : { type, id });

const eventbusV1 = {
  nested: {
    TopicRequest: { fields: { topic_name: field('string', 1) } },
    TopicInfo: {
      fields: {
        topic_name: field('string', 1), tenant_guid: field('string', 2), can_publish: field('bool', 3),
        can_subscribe: field('bool', 4), schema_id: field('string', 5), rpc_id: field('string', 6),
      },
    },
    SchemaRequest: { fields: { schema_id: field('string', 1) } },
    SchemaInfo: { fields: { schema_json: field('string', 1), schema_id: field('string', 2), rpc_id: field('string', 3) } },
    // reserved by Salesforce for tracing headers; carried, never read
    EventHeader: { fields: { key: field('string', 1), value: field('bytes', 2) } },
    ProducerEvent: {
      fields: { id: field('string', 1), schema_id: field('string', 2), payload: field('bytes', 3),
        headers: field('EventHeader', 4, true) },
    },
    ConsumerEvent: { fields: { event: field('ProducerEvent', 1), replay_id: field('bytes', 2) } },
    ErrorCode: { values: { UNKNOWN: 0, PUBLISH: 1, COMMIT: 2 } },
    Error: { fields: { code: field('ErrorCode', 1), msg: field('string', 2) } },
    PublishResult: { fields: { replay_id: field('bytes', 1), error: field('Error', 2), correlation_key: field('string', 3) } },
    ReplayPreset: { values: { LATEST: 0, EARLIEST: 1, CUSTOM: 2 } },
    FetchRequest: {
      fields: { topic_name: field('string', 1), replay_preset: field('ReplayPreset', 2), replay_id: field('bytes', 3),
        num_requested: field('int32', 4), auth_refresh: field('string', 5) },
    },
    FetchResponse: {
      fields: { events: field('ConsumerEvent', 1, true), latest_replay_id: field('bytes', 2), rpc_id: field('string', 3),
        pending_num_requested: field('int32', 4) },
    },
    PublishRequest: {
      fields: { topic_name: field('string', 1), events: field('ProducerEvent', 2, true), auth_refresh: field('string', 3) },
    },
    PublishResponse: {
      fields: { results: field('PublishResult', 1, true), schema_id: field('string', 2), rpc_id: field('string', 3) },
    },
    PubSub: {
      methods: {
        Subscribe: { requestType: 'FetchRequest', requestStream: true, responseType: 'FetchResponse', responseStream: true },
        GetSchema: { requestType: 'SchemaRequest', responseType: 'SchemaInfo' },
        GetTopic: { requestType: 'TopicRequest', responseType: 'TopicInfo' },
        Publish: { requestType: 'PublishRequest', responseType: 'PublishResponse' },
        PublishStream: { requestType: 'PublishRequest', requestStream: true, responseType: 'PublishResponse',
          responseStream: true },
      },
    },
  },
};

/** The PubSub service definition for `grpc.Server#addService`. */
export function pubSubService(): ServiceDefinition {
  const definition = fromJSON({ nested: { eventbus: { nested: { v1: eventbusV1 } } } } as unknown as Parameters<typeof fromJSON>[0],
    { keepCase: true, longs: String, enums: String, defaults: true });
  const pkg = loadPackageDefinition(definition) as unknown as
    { eventbus: { v1: { PubSub: { service: ServiceDefinition } } } };
  return pkg.eventbus.v1.PubSub.service;
}

/** Message shapes as the loader hands them over (keepCase, enums as names, bytes as Buffers). */
export interface FetchRequest {
  topic_name: string;
  replay_preset: 'LATEST' | 'EARLIEST' | 'CUSTOM';
  replay_id: Buffer;
  num_requested: number;
  auth_refresh: string;
}

export interface ProducerEvent {
  id: string;
  schema_id: string;
  payload: Buffer;
  headers: { key: string; value: Buffer }[];
}

export interface PublishRequest {
  topic_name: string;
  events: ProducerEvent[];
  auth_refresh: string;
}
