import { concatMap, defer, lastValueFrom, map, type Observable } from 'rxjs';
import { resolveClient } from '../../client/client.js';
import { markSynced, type RecordOf, type SObjectModel } from '../../model/index.js';
import type { SaveResult, SourceOptions } from '../options.js';
import { invalid } from '../internal/invalid.js';
import { saveBody$ } from './saveBody.js';
import { wireFor } from './wire.js';
import { sobjectPath } from '../internal/target.js';

interface UpsertResponse {
  id?: string;
  success?: boolean;
  created?: boolean;
}

/** The external id field as the model names it, checked before any request. */
function externalIdOf(model: SObjectModel<any>, record: object, externalIdField: string): { field: string; value: string } {
  const def = model.field(externalIdField);
  const name = def?.name;
  if (name === undefined || !def) {
    throw invalid(`${model.apiName} has no field ${externalIdField}`, { sobject: model.apiName, field: externalIdField });
  }
  if (!def.externalId && name !== 'Id') {
    throw invalid(`${model.apiName}.${name} is not an external id field`, { sobject: model.apiName, field: name });
  }
  const value = (record as Record<string, unknown>)[name];
  if (value === undefined || value === null || String(value).trim() === '') {
    throw invalid(`${model.apiName}.${name} must have a value to upsert on`, { sobject: model.apiName, field: name });
  }
  return { field: name, value: String(value) };
}

/**
 * Creates or updates one record matched on an external id field (`PATCH /sobjects/{T}/{field}/{value}`).
 * Salesforce answers 201 when it created the record, 200 (204 on old API versions) when it updated one, and 300 when
 * the value matches several records (a MultipleChoices error).
 *
 * @example
 * import { saveUpsert$ } from 'rxforce';
 * saveUpsert$(Account, { External_Id__c: 'A-1', Name: 'Acme' }, 'External_Id__c', { client })
 *   .subscribe(r => console.log(r.created ? 'created' : 'updated', r.id));
 *
 * @returns a cold Observable of `{ id, success: true, created }`
 */
export function saveUpsert$<M extends SObjectModel<any>>(
  model: M,
  record: Partial<RecordOf<M>>,
  externalIdField: string,
  opts: SourceOptions = {},
): Observable<SaveResult> {
  return defer(() => {
    const key = externalIdOf(model, record, externalIdField);
    const wire = wireFor(model, record, 'upsert');
    delete wire.Id;
    const keyWire = wire[key.field];
    delete wire[key.field]; // the value travels in the URL
    const client = resolveClient(opts.client);
    return saveBody$(model, record, wire, 'json').pipe(
      concatMap((body) =>
        client.request$<UpsertResponse | '' | undefined>({
          method: 'PATCH',
          path: `${sobjectPath(model)}/${encodeURIComponent(key.field)}/${encodeURIComponent(key.value)}`,
          data: body.data,
          headers: body.headers,
          idempotent: true, // a second send finds the record the first one created and updates it identically
        }),
      ),
      map((res): SaveResult => {
        const data = typeof res.data === 'object' && res.data !== null ? res.data : {};
        const created = res.status === 201 ? true : res.status === 204 ? false : data.created === true;
        const knownId = (record as Record<string, unknown>).Id;
        const id = data.id ?? (typeof knownId === 'string' ? knownId : '');
        if (id && model.field('Id') && Object.isExtensible(record)) (record as Record<string, unknown>).Id = id;
        // what was sent, not the record as it stands now: an edit made while the PATCH was in flight is still a change
        markSynced(record, { ...wire, [key.field]: keyWire ?? key.value, ...(id ? { Id: id } : {}) });
        return { id, success: true, created };
      }),
    );
  });
}

/** Promise twin of {@link saveUpsert$}. */
export function saveUpsert<M extends SObjectModel<any>>(
  model: M,
  record: Partial<RecordOf<M>>,
  externalIdField: string,
  opts: SourceOptions = {},
): Promise<SaveResult> {
  return lastValueFrom(saveUpsert$(model, record, externalIdField, opts));
}
