/** The pipeable list operators, their array forms (each a cold Observable with its Promise twin) and the engine they share. */
export { batch, type BatchConfig } from './batch.js';
export { insertRecords } from './insertRecords.js';
export { updateRecords } from './updateRecords.js';
export { upsertRecords } from './upsertRecords.js';
export { deleteRecords, type DeleteInput } from './deleteRecords.js';
export { fetchRecords } from './fetchRecords.js';
export { results, onlyProgress } from './results.js';
export { pollUntil, type PollUntilConfig } from './pollUntil.js';
export { fetchList$, fetchList } from './fetchList.js';
export { saveList$, saveList, type SaveListOptions } from './saveList.js';
export { insertList$, insertList } from './insertList.js';
export { updateList$, updateList } from './updateList.js';
export { upsertList$, upsertList } from './upsertList.js';
export { deleteList$, deleteList } from './deleteList.js';
export type {
  BatchInfo, FetchResult, ListComplete, ListEvent, ListOptions, ListProgress, ListPromiseOptions, ListSaveResult,
  SaveError, UpdateOptions,
} from '../sources/collections/types.js';
