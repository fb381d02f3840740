import { catchError, defer, lastValueFrom, map, of, throwError, type Observable } from 'rxjs';
import { resolveClient } from '../../client/client.js';
import { isSalesforceError } from '../../client/errors.js';
import { mayHaveBeenApplied } from '../collections/results.js';
import type { DeleteResult, SourceOptions } from '../options.js';
import { checkedId, sobjectPath, type SObjectTarget } from '../internal/target.js';

/**
 * Deletes one record (`DELETE /sobjects/{T}/{id}`); it goes to the recycle bin as in the UI.
 *
 * @example
 * import { delete$ } from 'rxforce';
 * delete$(Account, '001D000000IqhSLIAZ', { client }).subscribe();
 * delete$('Account', '001D000000IqhSLIAZ', { client }).subscribe(); // by API name, no model needed
 *
 * @returns a cold Observable of `{ id, success: true }`; a missing record fails with ResourceNotFoundError (except a
 *   re-send after a lost answer that finds the record deleted: that is the first try's success)
 */
export function delete$(target: SObjectTarget, id: string, opts: SourceOptions = {}): Observable<DeleteResult> {
  return defer(() => {
    const recordId = checkedId(target, id);
    const client = resolveClient(opts.client);
    return client
      .request$({ method: 'DELETE', path: `${sobjectPath(target)}/${recordId}` })
      .pipe(
        map((): DeleteResult => ({ id: recordId, success: true })),
        // a re-sent DELETE that finds the row in the recycle bin was most likely answered by its own lost first try
        catchError((err: unknown) => isSalesforceError(err, 'ENTITY_IS_DELETED') && mayHaveBeenApplied(err.retriedAfter)
          ? of<DeleteResult>({ id: recordId, success: true })
          : throwError(() => err)),
      );
  });
}

/** Promise twin of {@link delete$}, also exported as `delete` (`import { delete as del } from 'rxforce/promise'`). */
export function deleteRecord(target: SObjectTarget, id: string, opts: SourceOptions = {}): Promise<DeleteResult> {
  return lastValueFrom(delete$(target, id, opts));
}

export { deleteRecord as delete };
