import { defer, lastValueFrom, map, type Observable } from 'rxjs';
import { resolveClient, ValidationError } from '../../client/index.js';
import type { SObjectModel } from '../../model/index.js';
import type { SearchBuilder } from '../../soql/index.js';
import type { SourceOptions } from '../index.js';

/** A record as search returns it: `attributes { type, url }` and the fields asked for. */
export type SearchRecord = Record<string, unknown> & { attributes?: { type: string; url?: string } };

/** The answer of a search: every record in Salesforce's order, and the records grouped by object. */
export interface SearchResult<T extends Record<string, unknown> = Record<string, SearchRecord>> {
  /** Every record (typed records are revived through their model; others keep `attributes`). */
  records: Array<T[keyof T] | SearchRecord>;
  /** Records by object API name, typed per object when the builder named a model. */
  byType: { [K in keyof T]?: T[K][] };
}

/** Decodes `{ searchRecords: [...] }` (v36+) or the bare array of older versions. */
export function searchResult(data: unknown, models: ReadonlyMap<string, SObjectModel<any>>): SearchResult<any> {
  const raw = Array.isArray(data) ? data : (data as { searchRecords?: unknown } | null)?.searchRecords;
  const list = Array.isArray(raw) ? raw as SearchRecord[] : [];
  const byType: Record<string, unknown[]> = {};
  const records = list.map(r => {
    const type = r.attributes?.type ?? 'unknown';
    const model = models.get(type.toLowerCase());
    const rec = model ? model.fromWire(r) : r;
    (byType[model?.apiName ?? type] ??= []).push(rec);
    return rec;
  });
  return { records, byType } as SearchResult<any>;
}

/**
 * Runs a SOSL search (`GET /search?q=…`). Give a builder (`find('Acme*').in('NAME').returning(Account, …)`) to have
 * every reserved character escaped and records typed per object, or a SOSL string you built yourself.
 *
 * @example
 * import { find, search$ } from 'rxforce';
 * search$(find('Acme*').in('NAME').returning(Account, { fields: ['Id', 'Name'] }), { client })
 *   .subscribe(r => console.log(r.byType.Account?.map(a => a.Name)));
 *
 * @returns a cold Observable of one SearchResult
 */
export function search$<T extends Record<string, unknown>>(q: SearchBuilder<T>, opts?: SourceOptions): Observable<SearchResult<T>>;
export function search$(q: string, opts?: SourceOptions): Observable<SearchResult>;
export function search$(q: string | SearchBuilder<any>, opts: SourceOptions = {}): Observable<SearchResult<any>> {
  return defer(() => {
    const sosl = typeof q === 'string' ? q : q.toSosl();
    if (typeof sosl !== 'string' || !/^\s*FIND\s*\{/i.test(sosl)) {
      throw new ValidationError({ reason: 'search: a SOSL statement starts with FIND {…}; build one with find()' });
    }
    const models = typeof q === 'string' ? new Map<string, SObjectModel<any>>() : q.models;
    return resolveClient(opts.client).request$({ method: 'GET', path: 'search/', params: { q: sosl } })
      .pipe(map(res => searchResult(res.data, models)));
  });
}

/** Promise twin of {@link search$}. */
export function search<T extends Record<string, unknown>>(q: SearchBuilder<T>, opts?: SourceOptions): Promise<SearchResult<T>>;
export function search(q: string, opts?: SourceOptions): Promise<SearchResult>;
export function search(q: string | SearchBuilder<any>, opts: SourceOptions = {}): Promise<SearchResult<any>> {
  return lastValueFrom(search$(q as string, opts));
}
