/** The Pub/Sub API (Node): Change Data Capture, platform events both ways. */
export { changeEvents$, isGapEvent, type ChangeEvent, type ChangeEventHeader, type ChangeEventsOptions,
  type ChangeType } from './changeEvents.js';
export { subscribe$, type PubSubEvent, type ReplayFrom, type SubscribeOptions } from './subscribe.js';
export { publish$, publish, MAX_PUBLISH_BATCH, type PublishOptions, type PublishResult } from './publish.js';
export { DEFAULT_PUBSUB_ENDPOINT, PubSubError, ReplayIdExpiredError, type PubSubConnectionOptions } from './connection.js';
