/**
 * The SOSL builder: `find('Acme*').in('NAME').returning(Account, { fields, where, orderBy, limit })`. Every piece of
 * the search term goes through `escapeSoslTerm`, so user text cannot close the braces or add operators; a WHERE
 * inside RETURNING is SOQL and goes through the SOQL builder's own escaping (`renderCondition`).
 *
 * Reserved characters (Salesforce's "Example Text Searches" page): `& | ! ( ) { } [ ] ^ " ~ * ? : \ ' + -`, each
 * escaped with a backslash; the words AND, OR and NOT are quoted to be searched as words.
 */
import { ValidationError } from '../util/errors.js';
import type { RecordOf, SObjectModel } from '../model/index.js';
import { renderCondition, type Where } from './conditions.js';
import { checkFieldPath } from './fieldPath.js';

const RESERVED = /[&|!(){}[\]^"~*?:\\'+-]/g;

/** A search term's text with every SOSL reserved character escaped (wildcards too). */
export function escapeSoslTerm(text: string): string {
  return text.replace(RESERVED, c => `\\${c}`);
}

/** A search term made by this module (`find`, `phrase`), never by hand. */
export class SoslTerm {
  readonly #text: string;
  /** @internal */
  constructor(text: string, key: symbol) {
    if (key !== TERM_KEY) throw new TypeError('SoslTerm is built by phrase(), anyOf() or exactTerm()');
    this.#text = text;
  }
  static is(v: unknown): v is SoslTerm {
    return typeof v === 'object' && v !== null && #text in v;
  }
  toSosl(): string {
    return this.#text;
  }
}
const TERM_KEY = Symbol('SoslTerm');

/** Searches longer than this return nothing on Salesforce. */
export const MAX_SEARCH_QUERY_LENGTH = 10_000;
/** Overall and per-object LIMIT, and OFFSET: at most 2,000. */
export const MAX_SOSL_LIMIT = 2000;

function checkText(text: unknown): string {
  if (typeof text !== 'string') throw new ValidationError({ reason: `a search term must be a string, got ${typeof text}` });
  const letters = text.replace(/[*?\s]/g, '').replace(RESERVED, '').length;
  if (letters < 2) throw new ValidationError({ reason: `search term ${JSON.stringify(text)} needs at least two characters besides wildcards` });
  return text;
}

/** Words with `*` and `?` kept as wildcards; every other reserved character escaped; and/or/not quoted. */
function words(text: string, wildcards: boolean): string {
  return checkText(text).trim().split(/\s+/).map(w => {
    if (/^(and|or|not)$/i.test(w)) return `"${w}"`;
    if (!wildcards) return escapeSoslTerm(w);
    if (/^[*?]/.test(w)) throw new ValidationError({ reason: `search word '${w}' starts with a wildcard, which SOSL does not allow` });
    return w.split(/([*?])/).map(p => (p === '*' || p === '?' ? p : escapeSoslTerm(p))).join('');
  }).join(' ');
}

/** An exact phrase: `phrase('Acme Inc.')` is `"Acme Inc\."`-style text matched word after word. */
export function phrase(text: string): SoslTerm {
  return new SoslTerm(`"${escapeSoslTerm(checkText(text).trim())}"`, TERM_KEY);
}

/** Any of several terms: `anyOf('Acme*', phrase('Globex Corp'))` is `(Acme* OR "Globex Corp")`. */
export function anyOf(...terms: Array<string | SoslTerm>): SoslTerm {
  if (!terms.length) throw new ValidationError({ reason: 'anyOf() needs at least one term' });
  return new SoslTerm(`(${terms.map(t => (SoslTerm.is(t) ? t.toSosl() : words(t, true))).join(' OR ')})`, TERM_KEY);
}

export type SearchScope = 'ALL' | 'NAME' | 'EMAIL' | 'PHONE' | 'SIDEBAR';

/** What to return for one object. */
export interface ReturningOptions<M> {
  /** Fields to return (Id when left out). */
  fields?: readonly string[];
  /** A SOQL condition, as `select().where()` takes it. */
  where?: Where<M>;
  /** One field or several, each optionally with ' DESC' / ' ASC'. */
  orderBy?: string | readonly string[];
  limit?: number;
  offset?: number;
}

interface Returning {
  sobject: string;
  model?: SObjectModel<any>;
  text: string;
}

function checkCount(n: unknown, what: string, sobject?: string): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > MAX_SOSL_LIMIT) {
    throw new ValidationError({ sobject, reason: `${what} must be an integer from 0 to ${MAX_SOSL_LIMIT}, got ${String(n)}` });
  }
  return n;
}

/** A SOSL statement under construction; immutable, each method returns a new builder. */
export class SearchBuilder<T extends Record<string, unknown> = Record<never, never>> {
  /** @internal */
  constructor(private readonly state: { term: string; scope?: SearchScope; returning: Returning[]; limit?: number }) {}

  /** `IN NAME FIELDS` (ALL, NAME, EMAIL, PHONE or SIDEBAR; ALL by default). */
  in(scope: SearchScope): SearchBuilder<T> {
    if (!['ALL', 'NAME', 'EMAIL', 'PHONE', 'SIDEBAR'].includes(scope)) {
      throw new ValidationError({ reason: `search scope must be ALL, NAME, EMAIL, PHONE or SIDEBAR, got ${JSON.stringify(scope)}` });
    }
    return new SearchBuilder<T>({ ...this.state, scope });
  }

  /** Adds an object to RETURNING, with its fields, WHERE, ORDER BY, LIMIT and OFFSET. */
  returning<M extends SObjectModel<any>>(model: M, opts?: ReturningOptions<M>): SearchBuilder<T & { [K in M['apiName']]: RecordOf<M> }>;
  returning(sobject: string, opts?: ReturningOptions<unknown>): SearchBuilder<T & Record<string, Record<string, unknown>>>;
  returning(target: string | SObjectModel<any>, opts: ReturningOptions<any> = {}): SearchBuilder<any> {
    const model = typeof target === 'string' ? undefined : target;
    const sobject = typeof target === 'string' ? target : target.apiName;
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(sobject)) throw new ValidationError({ sobject, reason: 'not an object API name' });
    const fields = opts.fields ?? (model ? model.fieldNames : undefined);
    for (const f of fields ?? []) checkFieldPath(f, model, sobject);
    const parts: string[] = [];
    if (fields?.length) parts.push(fields.join(', '));
    if (opts.where !== undefined) {
      const rendered = renderCondition(opts.where, { sobject, resolve: key => ({ expr: key, field: checkFieldPath(key, model, sobject) }) });
      parts.push(`WHERE ${rendered.text}`);
    }
    if (opts.orderBy !== undefined) {
      const keys = typeof opts.orderBy === 'string' ? [opts.orderBy] : [...opts.orderBy];
      parts.push(`ORDER BY ${keys.map(k => {
        const m = /^\s*([A-Za-z][\w.]*)(?:\s+(ASC|DESC))?(?:\s+NULLS\s+(FIRST|LAST))?\s*$/i.exec(k);
        if (!m) throw new ValidationError({ sobject, field: k, reason: 'ORDER BY takes a field name with ASC or DESC' });
        checkFieldPath(m[1], model, sobject);
        return [m[1], m[2]?.toUpperCase(), m[3] ? `NULLS ${m[3].toUpperCase()}` : undefined].filter(Boolean).join(' ');
      }).join(', ')}`);
    }
    if (opts.limit !== undefined) parts.push(`LIMIT ${checkCount(opts.limit, 'LIMIT', sobject)}`);
    if (opts.offset !== undefined) parts.push(`OFFSET ${checkCount(opts.offset, 'OFFSET', sobject)}`);
    const text = parts.length ? `${sobject}(${parts.join(' ')})` : sobject;
    return new SearchBuilder({ ...this.state, returning: [...this.state.returning, { sobject, model, text }] });
  }

  /** The overall LIMIT (at most 2,000, the default). */
  limit(n: number): SearchBuilder<T> {
    return new SearchBuilder<T>({ ...this.state, limit: checkCount(n, 'LIMIT') });
  }

  /** The models of the RETURNING objects, by API name (records of these come back typed). */
  get models(): ReadonlyMap<string, SObjectModel<any>> {
    return new Map(this.state.returning.filter(r => r.model).map(r => [r.sobject.toLowerCase(), r.model!]));
  }

  /** The search term as it goes between the braces. */
  get term(): string {
    return this.state.term;
  }

  toSosl(): string {
    const s = this.state;
    let out = `FIND {${s.term}}`;
    if (s.scope) out += ` IN ${s.scope} FIELDS`;
    if (s.returning.length) out += ` RETURNING ${s.returning.map(r => r.text).join(', ')}`;
    if (s.limit !== undefined) out += ` LIMIT ${s.limit}`;
    if (out.length > MAX_SEARCH_QUERY_LENGTH) {
      throw new ValidationError({ reason: `the SOSL statement is ${out.length} characters; Salesforce returns nothing past ${MAX_SEARCH_QUERY_LENGTH}` });
    }
    return out;
  }

  toString(): string {
    return this.toSosl();
  }
}

/**
 * Starts a SOSL search. Plain text keeps `*` and `?` as wildcards (not first in a word) and escapes every other
 * reserved character; words are all required. `phrase()` and `anyOf()` build other terms.
 *
 * @example
 * import { find, search$ } from 'rxforce';
 * search$(find('Acme*').in('NAME').returning(Account, { fields: ['Id', 'Name'], limit: 10 }), { client });
 */
export function find(term: string | SoslTerm): SearchBuilder {
  return new SearchBuilder({ term: SoslTerm.is(term) ? term.toSosl() : words(term, true), returning: [] });
}

/** A term with no wildcards: every reserved character, `*` and `?` included, is searched as itself. */
export function exactTerm(text: string): SoslTerm {
  return new SoslTerm(words(text, false), TERM_KEY);
}
