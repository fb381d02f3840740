/**
 * The Pub/Sub API's packages (gRPC, its protobuf loader, Avro, and selfsigned for the TLS port) are optional peers of
 * rxforce: the emulator loads them, and the modules built on them, only when it starts the Pub/Sub API. This module
 * imports none of them itself.
 */
import { loadPeers, missingPeers } from '../../util/peer.js';
import type { PubSubOptions, startPubSub } from './index.js';

/** What the emulator's Pub/Sub API needs installed beside rxforce (selfsigned only for the TLS port). */
export function pubSubServerPackages(opts: PubSubOptions = {}): string[] {
  return ['@grpc/grpc-js', '@grpc/proto-loader', 'avsc', ...(opts.tlsPort === false ? [] : ['selfsigned'])];
}

/** The packages of `pubSubServerPackages(opts)` that cannot be loaded. */
export function missingPubSubPackages(opts: PubSubOptions = {}): Promise<string[]> {
  return missingPeers(pubSubServerPackages(opts));
}

/** Loads the Pub/Sub API's server; rejects with a MissingPeerError naming every absent package. */
export async function loadPubSubServer(opts: PubSubOptions = {}): Promise<typeof startPubSub> {
  await loadPeers(pubSubServerPackages(opts), "The emulator's Pub/Sub API");
  const mod = await import('./index.js');
  return mod.startPubSub;
}
