/** Single-record operations, describe and query: each a cold Observable (`$`) with its Promise twin. */
export type { DeleteResult, SaveResult, SourceOptions } from './options.js';
export type { SObjectTarget } from './internal/target.js';
export type { QueryBuilderLike, QueryInput } from './internal/querySource.js';
export type * from './describeTypes.js';
export { fetch$, fetch } from './fetch.js';
export { save$, save, type SaveOptions } from './save.js';
export { saveInsert$, saveInsert } from './saveInsert.js';
export { saveUpdate$, saveUpdate, type SaveUpdateOptions } from './saveUpdate.js';
export { saveUpsert$, saveUpsert } from './saveUpsert.js';
export { delete$, deleteRecord, delete } from './delete.js';
export { reload$, reload } from './reload.js';
export { describe$, describe, type DescribeOptions } from './describe.js';
export { describeGlobal$, describeGlobal } from './describeGlobal.js';
export { downloadFile$, downloadFile, type DownloadFileOptions } from './downloadFile.js';
export { pages$, type QueryOptions, type QueryPage } from './pages.js';
export { query$, query, type TypedQuery } from './query.js';
export { queryAll$, queryAll, type QueryAllOptions } from './queryAll.js';
export { count$, count, type CountOptions } from './count.js';
