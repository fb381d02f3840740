/**
 * rxforce: the Salesforce APIs as cold Observables, with Promise twins.
 *
 * Browser-safe: nothing here imports `node:` modules. Node-only helpers live in `rxforce/node`, the local org in
 * `rxforce/emulator`, marble-testing helpers in `rxforce/testing`, and the Promise twins alone in `rxforce/promise`.
 */
export * from './util/ids.js';
export * from './client/index.js';
export * from './model/index.js';
export * from './soql/index.js';
// `count` is the Promise twin of `count$` at the top level; the SOQL aggregate is also exported as `countOf`.
export { count as countOf } from './soql/index.js';
export { count } from './sources/index.js';
export * from './sources/index.js';
export * from './operators/index.js';
export * from './sources/bulk/index.js';
export * from './sources/composite/index.js';
export * from './sync/index.js';
export * from './sources/search/index.js';
export * from './sources/apex/index.js';
