/**
 * The Pub/Sub API client's packages (gRPC, its protobuf loader, Avro) are optional peers of rxforce: loaded on the
 * first subscription or publish, so an app that never uses the Pub/Sub API installs none of them. When one is
 * missing, the subscription fails with a MissingPeerError that names the command to run.
 */
import type * as Grpc from '@grpc/grpc-js';
import type * as ProtoLoader from '@grpc/proto-loader';
import type avro from 'avsc';
import { loadPeers } from '../../util/peer.js';

/** What the Pub/Sub API client needs installed beside rxforce. */
export const PUBSUB_CLIENT_PACKAGES = ['@grpc/grpc-js', '@grpc/proto-loader', 'avsc'] as const;

export interface PubSubPeers {
  grpc: typeof Grpc;
  protoLoader: typeof ProtoLoader;
  avro: typeof avro;
}

let loading: Promise<PubSubPeers> | undefined;

/** The packages, loaded once; a failed load is not kept, so installing them fixes the next subscription. */
export function pubSubPeers(): Promise<PubSubPeers> {
  loading ??= loadPeers<[typeof Grpc, typeof ProtoLoader, typeof avro]>([...PUBSUB_CLIENT_PACKAGES],
    'The Pub/Sub API client (changeEvents$, subscribe$, publish$)').then(
    ([grpc, protoLoader, avroModule]) => ({ grpc, protoLoader, avro: avroModule }),
    (err: unknown) => {
      loading = undefined;
      throw err;
    });
  return loading;
}

/**
 * gRPC status codes, fixed by the protocol (grpc/doc/statuscodes.md): known without loading @grpc/grpc-js, so an
 * error can be classified before (or without) the package.
 */
export const GrpcStatus = {
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  FAILED_PRECONDITION: 9,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;
