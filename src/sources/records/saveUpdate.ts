import { concatMap, defer, lastValueFrom, map, of, type Observable } from 'rxjs';
import { resolveClient } from '../../client/client.js';
import { changedFields, markSynced, type RecordOf, type SObjectModel } from '../../model/index.js';
import type { SaveResult, SourceOptions } from '../options.js';
import { binaryOf } from '../internal/blob.js';
import { saveBody$ } from './saveBody.js';
import { wireFor } from './wire.js';
import { checkedId, sobjectPath } from '../internal/target.js';

export interface SaveUpdateOptions extends SourceOptions {
  /**
   * Send only the fields that differ from what the server last returned or accepted for this record object
   * (`fetch$`, `query$` or an earlier save). With nothing changed no request is made and the result says
   * `unchanged: true`. A record the library never saw counts as all fields changed.
   */
  onlyChanges?: boolean;
}

/**
 * Updates one record by its `Id` (`PATCH /sobjects/{T}/{id}`). Validated by its model before any request; the Id must
 * be a valid record id. On success the record is marked synced.
 *
 * @example
 * import { fetch, saveUpdate$ } from 'rxforce';
 * const account = await fetch(Account, id, { client });
 * account.Industry = 'Energy';
 * saveUpdate$(Account, account, { client, onlyChanges: true }).subscribe(); // PATCH body: {"Industry":"Energy"}
 *
 * @returns a cold Observable of `{ id, success: true, created: false }` (plus `unchanged: true` when nothing was sent)
 */
export function saveUpdate$<M extends SObjectModel<any>>(
  model: M,
  record: Partial<RecordOf<M>>,
  opts: SaveUpdateOptions = {},
): Observable<SaveResult> {
  return defer(() => {
    const id = checkedId(model, (record as Record<string, unknown>).Id);
    const onlyChanges = opts.onlyChanges ?? false;
    const wire = wireFor(model, record, 'update', onlyChanges);
    delete wire.Id; // the id travels in the URL
    const binary = binaryOf(model, record);
    const sendBlob = !!binary && (!onlyChanges || changedFields(model, record).includes(binary.field));
    const fieldsToSend = Object.keys(wire).filter((name) => name !== binary?.field);
    if (onlyChanges && fieldsToSend.length === 0 && !sendBlob) {
      return of<SaveResult>({ id, success: true, created: false, unchanged: true });
    }
    const client = resolveClient(opts.client);
    return saveBody$(model, record, wire, 'multipart', sendBlob).pipe(
      concatMap((body) =>
        client.request$({
          method: 'PATCH',
          path: `${sobjectPath(model)}/${id}`,
          data: body.data,
          headers: body.headers,
          idempotent: true, // re-sending the same field values leaves the record as one send would
        }),
      ),
      map((): SaveResult => {
        // what was sent, not the record as it stands now: an edit made while the PATCH was in flight is still a change
        markSynced(record, wire);
        return { id, success: true, created: false };
      }),
    );
  });
}

/** Promise twin of {@link saveUpdate$}. */
export function saveUpdate<M extends SObjectModel<any>>(
  model: M,
  record: Partial<RecordOf<M>>,
  opts: SaveUpdateOptions = {},
): Promise<SaveResult> {
  return lastValueFrom(saveUpdate$(model, record, opts));
}
