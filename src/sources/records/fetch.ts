import { defer, lastValueFrom, map, type Observable } from 'rxjs';
import { resolveClient } from '../../client/client.js';
import type { RecordOf, SObjectModel } from '../../model/index.js';
import type { SourceOptions } from '../options.js';
import { reviveRecord } from '../internal/revive.js';
import { checkedId, sobjectPath } from '../internal/target.js';

/**
 * Reads one record by id, selecting every field of the model.
 *
 * @example
 * import { fetch$ } from 'rxforce';
 * fetch$(Account, '001D000000IqhSLIAZ', { client }).subscribe(account => console.log(account.Name));
 *
 * @param model the object's model; its `fieldNames` become `?fields=`
 * @param id a 15- or 18-character id; anything else fails with a ValidationError before any request
 * @returns a cold Observable of the typed record (snapshotted for `onlyChanges` saves); a missing record fails with
 *   ResourceNotFoundError. Unsubscribing aborts the request.
 */
export function fetch$<M extends SObjectModel<any>>(model: M, id: string, opts: SourceOptions = {}): Observable<RecordOf<M>> {
  return defer(() => {
    const recordId = checkedId(model, id);
    const client = resolveClient(opts.client);
    return client
      .request$<Record<string, unknown>>({
        method: 'GET',
        path: `${sobjectPath(model)}/${recordId}`,
        params: { fields: model.fieldNames.join(',') },
      })
      .pipe(map((res) => reviveRecord(model, res.data) as RecordOf<M>));
  });
}

/** Promise twin of {@link fetch$}. It shadows the global `fetch` only where imported by name. */
export function fetch<M extends SObjectModel<any>>(model: M, id: string, opts: SourceOptions = {}): Promise<RecordOf<M>> {
  return lastValueFrom(fetch$(model, id, opts));
}
