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
export { fetchList } from './sources/fetchList.js';
export { saveList } from './sources/saveList.js';
export { insertList } from './sources/insertList.js';
export { updateList } from './sources/updateList.js';
export { upsertList } from './sources/upsertList.js';
export { deleteList } from './sources/deleteList.js';
export { bulkInsert, bulkUpdate, bulkUpsert, bulkDelete, bulkHardDelete, bulkQuery } from './sources/bulk/index.js';
