import type { Observable } from 'rxjs';
import type { SObjectModel } from '../model/index.js';
import { listPromise, listSource } from './engine/operation.js';
import { deleteSpec } from './engine/specs.js';
import type { ListEvent, ListOptions, ListPromiseOptions, ListSaveResult } from '../sources/collections/types.js';

/** Ids, or records with an `Id`. */
export type DeleteTarget = string | { Id?: string | null };

/**
 * Deletes an array of ids (or records with `Id`), of one or several objects; every id is checked before the first
 * request.
 * @param model optional: names the object in validation errors
 */
export function deleteList$(ids: Iterable<DeleteTarget>, opts: ListOptions & { model?: SObjectModel<any> } = {}): Observable<ListEvent<ListSaveResult>> {
  return listSource(deleteSpec(opts.model), ids, opts);
}

/** Promise twin of {@link deleteList$}. */
export function deleteList(ids: Iterable<DeleteTarget>, opts: ListPromiseOptions & { model?: SObjectModel<any> } = {}): Promise<ListSaveResult[]> {
  return listPromise(deleteList$(ids, opts), opts.onChunk);
}
