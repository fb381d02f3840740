import { defer, lastValueFrom, map, type Observable } from 'rxjs';
import { resolveClient } from '../client/client.js';
import type { DeleteResult, SourceOptions } from './options.js';
import { checkedId, sobjectPath, type SObjectTarget } from './internal/target.js';

/**
 * Deletes one record (`DELETE /sobjects/{T}/{id}`); it goes to the recycle bin as in the UI.
 *
 * @example
 * import { delete$ } from 'rxforce';
 * delete$(Account, '001D000000IqhSLIAZ', { client }).subscribe();
 * delete$('Account', '001D000000IqhSLIAZ', { client }).subscribe(); // by API name, no model needed
 *
 * @returns a cold Observable of `{ id, success: true }`; a missing record fails with ResourceNotFoundError
 */
export function delete$(target: SObjectTarget, id: string, opts: SourceOptions = {}): Observable<DeleteResult> {
  return defer(() => {
    const recordId = checkedId(target, id);
    const client = resolveClient(opts.client);
    return client
      .request$({ method: 'DELETE', path: `${sobjectPath(target)}/${recordId}` })
      .pipe(map((): DeleteResult => ({ id: recordId, success: true })));
  });
}

/** Promise twin of {@link delete$}, also exported as `delete` (`import { delete as del } from 'rxforce/promise'`). */
export function deleteRecord(target: SObjectTarget, id: string, opts: SourceOptions = {}): Promise<DeleteResult> {
  return lastValueFrom(delete$(target, id, opts));
}

export { deleteRecord as delete };
