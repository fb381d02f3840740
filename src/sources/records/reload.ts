import { defer, lastValueFrom, map, type Observable } from 'rxjs';
import { markSynced, type RecordOf, type SObjectModel } from '../../model/index.js';
import { fetch$ } from './fetch.js';
import type { SourceOptions } from '../options.js';
import { checkedId } from '../internal/target.js';

/**
 * Reads a record again and writes the server's values into the same object, so views bound to it see them; local
 * edits are overwritten and the record is marked synced (nothing pending for an `onlyChanges` save).
 *
 * @example
 * import { reload$ } from 'rxforce';
 * reload$(Account, account, { client }).subscribe(a => a === account); // true
 *
 * @returns a cold Observable of the same record object, refreshed
 */
export function reload$<M extends SObjectModel<any>, R extends Partial<RecordOf<M>>>(model: M, record: R, opts: SourceOptions = {}): Observable<R> {
  return defer(() => {
    const id = checkedId(model, (record as Record<string, unknown>).Id);
    return fetch$(model, id, opts).pipe(
      map((fresh) => {
        const target = record as Record<string, unknown>;
        for (const name of model.fieldNames) {
          if (!(name in (fresh as object))) delete target[name];
        }
        Object.assign(target, fresh);
        markSynced(record);
        return record;
      }),
    );
  });
}

/** Promise twin of {@link reload$}. */
export function reload<M extends SObjectModel<any>, R extends Partial<RecordOf<M>>>(model: M, record: R, opts: SourceOptions = {}): Promise<R> {
  return lastValueFrom(reload$(model, record, opts));
}
