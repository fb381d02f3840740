/**
 * The Promise twins alone, for code that wants `await` without shadowing the global `fetch`:
 *
 * ```ts
 * import * as sfx from 'rxforce/promise';
 * const account = await sfx.fetch(Account, id);
 * ```
 */
export {
  fetch, save, saveInsert, saveUpdate, saveUpsert, deleteRecord, reload, describe, describeGlobal, downloadFile, query,
  queryAll, count,
} from './sources/index.js';
export { fetchList } from './operators/fetchList.js';
export { saveList } from './operators/saveList.js';
export { insertList } from './operators/insertList.js';
export { updateList } from './operators/updateList.js';
export { upsertList } from './operators/upsertList.js';
export { deleteList } from './operators/deleteList.js';
export { composite, compositeBatch, compositeGraph, saveTree } from './sources/composite/index.js';
export { search, parameterizedSearch } from './sources/search/index.js';
export { apex } from './sources/apex/index.js';
export { bulkInsert, bulkUpdate, bulkUpsert, bulkDelete, bulkHardDelete, bulkQuery } from './sources/bulk/index.js';
