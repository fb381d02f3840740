/** Replication: one object's changes as a stream (`replicate$`), several at once (`replicateAll$`), checkpoints. */
export * from './types.js';
export {
  replicate$, REPLICATE_DEFAULTS, type CachedDescribe, type DescribeCache, type ReplicateOptions, type ReplicationTarget,
} from './replicate.js';
export { memoryCheckpointStore } from './checkpointStore.js';
export { applyTo, StreamTakenOverError, type ApplyOptions, type MirrorStatus, type ReplicationSink } from './applyTo.js';
export { ChangeFeedExpiredError, ChangeFeedUnavailableError, type ChangeEventFeed, type FeedChangeEvent } from './changeFeed.js';
export { replicateAll$, type ReplicateAllOptions, type ReplicationSpec } from './replicateAll.js';
