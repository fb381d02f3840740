/**
 * rxforce/testing: marble-test pipelines built on rxforce. A fake transport answers from routes (values or cold
 * marbles), the client runs every timer on your TestScheduler, and canned bodies speak Salesforce's wire format.
 */
export { createTestClient, TEST_INSTANCE_URL, type TestClient, type TestClientOptions } from './createTestClient.js';
export { createFakeTransport, type FakeTransport, type FakeTransportOptions } from './fakeTransport.js';
export { respond, matches } from './respond.js';
export * from './bodies.js';
export type { CannedResponse, LoggedRequest, Reply, Route } from './types.js';
export {
  ingestJobRoutes, queryJobRoutes, type IngestJobScript, type QueryJobScript, type JobPoll, type ResultFile, type UploadedRow,
} from './bulkRoutes.js';
export { replicationOrg, type ReplicationOrg, type ReplicationOrgOptions, type FakeField } from './replicationOrg.js';
export {
  compositeRoute, compositeBatchRoute, treeRoute, graphRoute, searchRoute, apexRoute, subresponse, compositeAnswer, batchAnswer,
  treeSaved, treeFailed, graphAnswer, searchAnswer, apexNotFound, invalidReference, ROLLED_BACK,
  type CannedSubresponse, type ReceivedSubrequest, type SubAnswer,
} from './compositeRoutes.js';
