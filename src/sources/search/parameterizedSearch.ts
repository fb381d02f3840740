import { defer, lastValueFrom, map, type Observable } from 'rxjs';
import { resolveClient, ValidationError } from '../../client/index.js';
import type { RecordOf, SObjectModel } from '../../model/index.js';
import { checkFieldPath, find, MAX_SOSL_LIMIT, renderCondition, type SearchScope, type SoslTerm, type Where } from '../../soql/index.js';
import type { SourceOptions } from '../index.js';
import { searchResult, type SearchResult } from './search.js';

/** One object to search, with what to return for it. */
export interface ParameterizedObject<M = unknown> {
  sobject: M extends SObjectModel<any> ? M : string;
  fields?: readonly string[];
  /** A SOQL condition, as `select().where()` takes it. */
  where?: Where<M>;
  orderBy?: string;
  limit?: number;
}

export interface ParameterizedSearchOptions extends SourceOptions {
  /** ALL (default), NAME, EMAIL, PHONE or SIDEBAR. */
  in?: SearchScope;
  /** At most 2,000 (the default). */
  overallLimit?: number;
  /** Per-object limit where an object gives none (needs at least one object). */
  defaultLimit?: number;
}

type ModelMap<O extends readonly ParameterizedObject<any>[]> = {
  [K in O[number] as K['sobject'] extends SObjectModel<any> ? K['sobject']['apiName'] : string]:
    K['sobject'] extends SObjectModel<any> ? RecordOf<K['sobject']> : Record<string, unknown>
};

function limitOf(n: number | undefined, what: string): number | undefined {
  if (n === undefined) return undefined;
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SOSL_LIMIT) {
    throw new ValidationError({ reason: `parameterizedSearch: ${what} must be an integer from 0 to ${MAX_SOSL_LIMIT}, got ${n}` });
  }
  return n;
}

/**
 * A search without SOSL syntax (`POST /parameterizedSearch`): the text is escaped as `find()` escapes it, each object
 * has its fields, WHERE (rendered and escaped by the SOQL builder), ORDER BY and limit.
 *
 * @example
 * import { parameterizedSearch$ } from 'rxforce';
 * parameterizedSearch$('Acme*', [{ sobject: Account, fields: ['Id', 'Name'], limit: 10 }], { client, in: 'NAME' });
 *
 * @returns a cold Observable of one SearchResult
 */
export function parameterizedSearch$<const O extends readonly ParameterizedObject<any>[]>(text: string | SoslTerm, objects: O,
  opts: ParameterizedSearchOptions = {}): Observable<SearchResult<ModelMap<O>>> {
  return defer(() => {
    const q = find(text).term;
    const models = new Map<string, SObjectModel<any>>();
    const sobjects = objects.map((o, i) => {
      const model = typeof o.sobject === 'string' ? undefined : o.sobject as SObjectModel<any>;
      const name = model ? model.apiName : o.sobject as string;
      if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
        throw new ValidationError({ recordIndex: i, reason: 'parameterizedSearch: sobject must be a model or an API name' });
      }
      if (model) models.set(name.toLowerCase(), model);
      const out: Record<string, unknown> = { name };
      const fields = o.fields ?? model?.fieldNames;
      if (fields?.length) {
        for (const f of fields) checkFieldPath(f, model, name);
        out.fields = [...fields];
      }
      if (o.where !== undefined) {
        out.where = renderCondition(o.where, { sobject: name, resolve: key => ({ expr: key, field: checkFieldPath(key, model, name) }) }).text;
      }
      if (o.orderBy !== undefined) {
        if (!/^[A-Za-z][\w.]*(\s+(ASC|DESC))?(\s+NULLS\s+(FIRST|LAST))?$/i.test(o.orderBy.trim())) {
          throw new ValidationError({ sobject: name, field: o.orderBy, reason: 'orderBy takes a field name with ASC or DESC' });
        }
        out.orderBy = o.orderBy.trim();
      }
      const limit = limitOf(o.limit, `${name} limit`);
      if (limit !== undefined) out.limit = limit;
      return out;
    });
    if (opts.defaultLimit !== undefined && !sobjects.length) {
      throw new ValidationError({ reason: 'parameterizedSearch: defaultLimit needs at least one object' });
    }
    const data: Record<string, unknown> = { q };
    if (sobjects.length) data.sobjects = sobjects;
    if (opts.in) data.in = opts.in;
    const overall = limitOf(opts.overallLimit, 'overallLimit');
    if (overall !== undefined) data.overallLimit = overall;
    const def = limitOf(opts.defaultLimit, 'defaultLimit');
    if (def !== undefined) data.defaultLimit = def;
    return resolveClient(opts.client).request$({ method: 'POST', path: 'parameterizedSearch', data, idempotent: true })
      .pipe(map(res => searchResult(res.data, models) as SearchResult<ModelMap<O>>));
  });
}

/** Promise twin of {@link parameterizedSearch$}. */
export function parameterizedSearch<const O extends readonly ParameterizedObject<any>[]>(text: string | SoslTerm, objects: O,
  opts: ParameterizedSearchOptions = {}): Promise<SearchResult<ModelMap<O>>> {
  return lastValueFrom(parameterizedSearch$(text, objects, opts));
}
