/** Composite resources: Composite (references between subrequests), Composite Batch, sObject Tree and Composite Graph. */
export { ref, isReference, type Reference, type Referable } from './reference.js';
export {
  subrequest, type AnswerOf, type CompositeStep, type CreateAnswer, type QueryAnswer, type StepKind, type StepOptions,
  type SubrequestMethod, type UpsertAnswer, type WithReferences,
} from './builder.js';
export type { CompositeSubresponse } from './build.js';
export { composite$, composite, type CompositeOptions, type CompositeResult } from './composite.js';
export { compositeBatch$, compositeBatch, type BatchSubresponse, type CompositeBatchOptions, type CompositeBatchResult } from './compositeBatch.js';
export { saveTree$, saveTree, type SaveTreeOptions, type SaveTreeResult, type TreeRecord, type TreeRecordResult } from './saveTree.js';
export { compositeGraph$, compositeGraph, GRAPH_LIMITS, type CompositeGraphOptions, type Graph, type GraphResult } from './compositeGraph.js';
