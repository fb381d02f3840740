export { batch, type BatchConfig } from './batch.js';
export { insertRecords } from './insertRecords.js';
export { updateRecords } from './updateRecords.js';
export { upsertRecords } from './upsertRecords.js';
export { deleteRecords, type DeleteInput } from './deleteRecords.js';
export { fetchRecords } from './fetchRecords.js';
export { results, onlyProgress } from './results.js';
export type {
  BatchInfo, FetchResult, ListComplete, ListEvent, ListOptions, ListProgress, ListPromiseOptions, ListSaveResult,
  SaveError, UpdateOptions,
} from '../sources/collections/types.js';
