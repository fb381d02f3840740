import { defer, lastValueFrom, type Observable } from 'rxjs';
import type { RecordOf, SObjectModel } from '../../model/index.js';
import type { SaveResult } from '../options.js';
import { saveInsert$ } from './saveInsert.js';
import { saveUpdate$, type SaveUpdateOptions } from './saveUpdate.js';
import { saveUpsert$ } from './saveUpsert.js';

export interface SaveOptions extends SaveUpdateOptions {
  /** Upsert on this external id field instead of choosing insert or update by the presence of `Id`. */
  externalIdField?: string;
}

/**
 * Saves one record the way its shape asks: an upsert when `externalIdField` is given, an update when the record has
 * an `Id`, an insert otherwise.
 *
 * @example
 * import { save$ } from 'rxforce';
 * save$(Account, account, { client, onlyChanges: true }).subscribe(r => console.log(r.id, r.created));
 *
 * @returns a cold Observable of one SaveResult
 */
export function save$<M extends SObjectModel<any>>(model: M, record: Partial<RecordOf<M>>, opts: SaveOptions = {}): Observable<SaveResult> {
  return defer(() => {
    const { externalIdField, ...rest } = opts;
    if (externalIdField !== undefined) return saveUpsert$(model, record, externalIdField, rest);
    const id = (record as Record<string, unknown>).Id;
    return id === undefined || id === null || id === '' ? saveInsert$(model, record, rest) : saveUpdate$(model, record, rest);
  });
}

/** Promise twin of {@link save$}. */
export function save<M extends SObjectModel<any>>(model: M, record: Partial<RecordOf<M>>, opts: SaveOptions = {}): Promise<SaveResult> {
  return lastValueFrom(save$(model, record, opts));
}
