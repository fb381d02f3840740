import { map } from 'rxjs';
import type { RecordOf, SObjectModel } from '../../model/index.js';
import { reviverOf } from '../internal/revive.js';
import { notAttempted, requestFailed } from './results.js';
import { DEFAULTS, type CollectionKind, type FetchResult, type Prepared } from './types.js';

const NOT_FOUND = { statusCode: 'NOT_FOUND', message: 'No record with this id, or the user cannot see it', fields: [] };

/** Retrieve through `POST /composite/sobjects/{T}` `{ ids, fields }`: ≤ 2,000 ids a request, the model's fields. */
export function fetchKind<M extends SObjectModel<any>>(model: M): CollectionKind<FetchResult<RecordOf<M>>> {
  type R = FetchResult<RecordOf<M>>;
  const failed = (item: Prepared, error: unknown, never: boolean): R => {
    const id = item.payload as string;
    const { errors } = never ? notAttempted(id, error) : requestFailed(id, error);
    return { id, found: false, record: null, errors };
  };
  const revive = reviverOf(model);
  return {
    maxBatchSize: DEFAULTS.maxFetchBatchSize,
    chunked: false,
    isSuccess: (r) => r.found,
    failed,
    send$(client, batch) {
      const ids = batch.items.map((i) => i.payload as string);
      return client
        .request$<unknown>({
          method: 'POST',
          path: `composite/sobjects/${encodeURIComponent(model.apiName)}`,
          data: { ids, fields: model.fieldNames },
          idempotent: true, // a read
        })
        .pipe(
          map((res) => {
            const rows = res.data;
            if (!Array.isArray(rows) || rows.length !== ids.length) {
              throw new Error(`sObject Collections retrieve answered ${Array.isArray(rows) ? rows.length : 'no'} rows for ${ids.length} ids`);
            }
            // a loop, not map with a closure: this runs for every id of the batch
            const results = new Array<R>(rows.length);
            for (let i = 0; i < rows.length; i++) {
              const row: unknown = rows[i];
              results[i] = row === null || typeof row !== 'object'
                ? { id: ids[i], found: false, record: null, errors: [NOT_FOUND] }
                : { id: ids[i], found: true, record: revive(row as Record<string, unknown>) as RecordOf<M> };
            }
            return { results, attempts: 1 };
          }),
        );
    },
  };
}
