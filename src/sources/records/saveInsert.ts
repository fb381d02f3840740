import { concatMap, defer, lastValueFrom, map, type Observable } from 'rxjs';
import { resolveClient } from '../../client/client.js';
import { markSynced, type RecordOf, type SObjectModel } from '../../model/index.js';
import type { SaveResult, SourceOptions } from '../options.js';
import { saveBody$ } from './saveBody.js';
import { wireFor } from './wire.js';
import { sobjectPath } from '../internal/target.js';

interface CreateResponse {
  id: string;
  success: boolean;
  errors: unknown[];
}

/**
 * Creates one record (`POST /sobjects/{T}`). The record is validated by its model before any request; bytes in the
 * model's blob field go as multipart/form-data. On success the new id is written to the record's `Id` and the
 * record is marked synced, so a later `onlyChanges` update sends only what changed after this insert.
 *
 * @example
 * import { saveInsert$ } from 'rxforce';
 * saveInsert$(Account, { Name: 'Acme' }, { client }).subscribe(r => console.log(r.id));
 *
 * @returns a cold Observable of `{ id, success: true, created: true }`
 */
export function saveInsert$<M extends SObjectModel<any>>(
  model: M,
  record: Partial<RecordOf<M>>,
  opts: SourceOptions = {},
): Observable<SaveResult> {
  return defer(() => {
    const wire = wireFor(model, record, 'insert');
    delete wire.Id;
    const client = resolveClient(opts.client);
    return saveBody$(model, record, wire, 'multipart').pipe(
      concatMap((body) =>
        client.request$<CreateResponse>({ method: 'POST', path: sobjectPath(model), data: body.data, headers: body.headers }),
      ),
      map((res): SaveResult => {
        const id = res.data.id;
        if (model.field('Id') && Object.isExtensible(record)) (record as Record<string, unknown>).Id = id;
        // what was sent, not the record as it stands now: an edit made while the POST was in flight is still a change
        markSynced(record, { ...wire, Id: id });
        return { id, success: true, created: true };
      }),
    );
  });
}

/** Promise twin of {@link saveInsert$}. */
export function saveInsert<M extends SObjectModel<any>>(
  model: M,
  record: Partial<RecordOf<M>>,
  opts: SourceOptions = {},
): Promise<SaveResult> {
  return lastValueFrom(saveInsert$(model, record, opts));
}
