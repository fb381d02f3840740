/** Optional peer packages (the sinks' database drivers): the loader lives in util, shared with the Pub/Sub API. */
export { loadPeer, MissingPeerError } from '../../util/peer.js';
