/**
 * SOSL: `GET /search?q=FIND {…} IN … FIELDS RETURNING Obj(fields WHERE … ORDER BY … LIMIT n OFFSET n), … LIMIT n`
 * and `/parameterizedSearch` (GET query parameters or a POST body), answering `{"searchRecords":[…]}` with
 * `attributes` on every record.
 *
 * The search term: words and "phrases", `*` and `?` wildcards, AND / OR / AND NOT and parentheses; a backslash makes
 * a reserved character (`& | ! ( ) { } [ ] ^ " ~ * ? : \ ' + -`) literal. Records are split into tokens at spaces and
 * punctuation, as Salesforce's index does; a term with punctuation matches the tokens in a row. Numeric fields are
 * never searched. RETURNING's WHERE and ORDER BY run through the SOQL engine, so they accept what SOQL does.
 */
import { compileQuery } from '../soql/engine.js';
import { parseJsonObject, pathSegments } from '../http.js';
import { registerRoutes } from '../routes-registry.js';
import { type FieldSchema, type ObjectSchema, type OrgStore, type RouteContext, SfHttpError, type StoredRecord } from '../types.js';

/** Overall LIMIT: at most 2,000 (also the default). */
export const MAX_SEARCH_LIMIT = 2000;
/** OFFSET inside RETURNING: at most 2,000. */
export const MAX_SEARCH_OFFSET = 2000;

type Scope = 'ALL' | 'NAME' | 'EMAIL' | 'PHONE' | 'SIDEBAR';

interface ObjectSpec {
  name: string;
  fields?: string;
  where?: string;
  orderBy?: string;
  limit?: number;
  offset?: number;
}

interface SearchSpec {
  term: string;
  scope: Scope;
  objects?: ObjectSpec[];
  limit: number;
}

const malformed = (message: string) => new SfHttpError(400, 'MALFORMED_SEARCH', message);

// ───── the statement ─────

/** Index of the first top-level (outside quotes and parentheses) match of `re` in `text` at or after `from`. */
function topLevel(text: string, re: RegExp, from = 0): { index: number; length: number } | undefined {
  let depth = 0;
  let quote = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === "'") quote = false;
      continue;
    }
    if (c === "'") quote = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && (i === 0 || /[\s,)]/.test(text[i - 1]))) {
      const sticky = new RegExp(re.source, 'iy');
      sticky.lastIndex = i;
      const m = sticky.exec(text);
      if (m) return { index: i, length: m[0].length };
    }
  }
  return undefined;
}

function intOf(text: string, what: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t)) throw malformed(`${what} must be a non-negative integer, got '${t}'`);
  return Number(t);
}

/** Splits `Obj(fields WHERE … ORDER BY … LIMIT n OFFSET n)`. */
function parseObjectSpec(text: string): ObjectSpec {
  const m = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:\(([\s\S]*)\))?\s*$/.exec(text);
  if (!m) throw malformed(`unexpected token in RETURNING: '${text.trim()}'`);
  const spec: ObjectSpec = { name: m[1] };
  const inner = m[2];
  if (inner === undefined) return spec;
  const keys: [keyof ObjectSpec, RegExp][] = [['where', /WHERE\b/], ['orderBy', /ORDER\s+BY\b/], ['limit', /LIMIT\b/],
    ['offset', /OFFSET\b/]];
  const found = keys.map(([k, re]) => ({ k, at: topLevel(inner, re) })).filter(f => f.at)
    .sort((a, b) => a.at!.index - b.at!.index);
  const end = (i: number) => (found[i + 1] ? found[i + 1].at!.index : inner.length);
  spec.fields = inner.slice(0, found[0]?.at!.index ?? inner.length).trim() || undefined;
  if (topLevel(inner, /USING\b/)) throw malformed('USING ListView is not supported by the emulator');
  found.forEach((f, i) => {
    const value = inner.slice(f.at!.index + f.at!.length, end(i)).trim();
    if (!value) throw malformed(`${f.k === 'orderBy' ? 'ORDER BY' : f.k.toUpperCase()} needs a value`);
    if (f.k === 'limit' || f.k === 'offset') spec[f.k] = intOf(value, f.k.toUpperCase());
    else spec[f.k] = value;
  });
  if (spec.offset !== undefined && spec.offset > MAX_SEARCH_OFFSET) {
    throw new SfHttpError(400, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOSL offset allowed is ${MAX_SEARCH_OFFSET}`);
  }
  return spec;
}

/** Parses a SOSL statement. */
export function parseSosl(sosl: string): SearchSpec {
  const head = /^\s*FIND\s*/i.exec(sosl);
  if (!head) throw malformed(`unexpected token: '${sosl.trim().split(/\s+/)[0] ?? ''}'. A SOSL statement starts with FIND`);
  let i = head[0].length;
  if (sosl[i] !== '{') throw malformed('No search term found. The search term must be enclosed in braces.');
  let j = i + 1;
  while (j < sosl.length && sosl[j] !== '}') j += sosl[j] === '\\' ? 2 : 1;
  if (j >= sosl.length) throw malformed('No search term found. The search term must be enclosed in braces.');
  const term = sosl.slice(i + 1, j);
  i = j + 1;
  let rest = sosl.slice(i);
  let scope: Scope = 'ALL';
  const inMatch = /^\s*IN\s+(\w+)\s+FIELDS\b/i.exec(rest);
  if (inMatch) {
    const s = inMatch[1].toUpperCase();
    if (!['ALL', 'NAME', 'EMAIL', 'PHONE', 'SIDEBAR'].includes(s)) throw malformed(`unexpected token: '${inMatch[1]}'`);
    scope = s as Scope;
    rest = rest.slice(inMatch[0].length);
  }
  let objects: ObjectSpec[] | undefined;
  const ret = /^\s*RETURNING\s+/i.exec(rest);
  if (ret) {
    rest = rest.slice(ret[0].length);
    const stop = topLevel(rest, /(WITH|LIMIT|UPDATE)\b/);
    const list = stop ? rest.slice(0, stop.index) : rest;
    rest = stop ? rest.slice(stop.index) : '';
    objects = [];
    let start = 0;
    for (let at = topLevel(list, /,/); ; at = topLevel(list, /,/, start)) {
      objects.push(parseObjectSpec(list.slice(start, at ? at.index : list.length)));
      if (!at) break;
      start = at.index + 1;
    }
  }
  let limit = MAX_SEARCH_LIMIT;
  const lim = /^\s*LIMIT\s+(\S+)/i.exec(rest);
  if (lim) {
    limit = Math.min(MAX_SEARCH_LIMIT, intOf(lim[1], 'LIMIT'));
    rest = rest.slice(lim[0].length);
  }
  if (/^\s*WITH\b/i.test(rest) || /^\s*UPDATE\b/i.test(rest)) rest = ''; // WITH … and UPDATE TRACKING change nothing here
  if (rest.trim()) throw malformed(`unexpected token: '${rest.trim().split(/\s+/)[0]}'`);
  return { term, scope, objects, limit };
}

// ───── the search term ─────

type TermNode =
  | { kind: 'match'; parts: RegExp[] }
  | { kind: 'and' | 'or'; left: TermNode; right: TermNode }
  | { kind: 'andNot'; left: TermNode; right: TermNode };

type Tok = { t: '(' | ')' | 'AND' | 'OR' | 'NOT' } | { t: 'word'; text: string };

/** Turns the text of a word or phrase (escapes already applied, wildcards marked) into per-token patterns. */
function patterns(chars: { c: string; wild: boolean }[]): RegExp[] {
  const parts: string[] = [];
  let cur = '';
  for (const { c, wild } of chars) {
    if (wild) cur += c === '*' ? '[^]*' : '[^]';
    else if (/[\p{L}\p{N}]/u.test(c)) cur += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (cur) {
      parts.push(cur);
      cur = '';
    }
  }
  if (cur) parts.push(cur);
  return parts.map(p => new RegExp(`^${p}$`, 'iu'));
}

function tokenize(term: string): { toks: Tok[]; letters: number } {
  const toks: Tok[] = [];
  let letters = 0;
  let i = 0;
  const word = (chars: { c: string; wild: boolean }[]) => {
    letters += chars.filter(x => !x.wild && /[\p{L}\p{N}]/u.test(x.c)).length;
    toks.push({ t: 'word', text: JSON.stringify(chars) });
  };
  while (i < term.length) {
    const c = term[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')') { toks.push({ t: c }); i++; continue; }
    if (c === '"') {
      const chars: { c: string; wild: boolean }[] = [];
      i++;
      while (i < term.length && term[i] !== '"') {
        if (term[i] === '\\' && i + 1 < term.length) { chars.push({ c: term[i + 1], wild: false }); i += 2; continue; }
        chars.push({ c: term[i], wild: term[i] === '*' || term[i] === '?' });
        i++;
      }
      if (term[i] !== '"') throw malformed('Unmatched quote in the search term');
      i++;
      word(chars);
      continue;
    }
    const chars: { c: string; wild: boolean }[] = [];
    let raw = '';
    while (i < term.length && !/[\s()"]/.test(term[i])) {
      if (term[i] === '\\' && i + 1 < term.length) { chars.push({ c: term[i + 1], wild: false }); raw += term.slice(i, i + 2); i += 2; continue; }
      chars.push({ c: term[i], wild: term[i] === '*' || term[i] === '?' });
      raw += term[i];
      i++;
    }
    const op = raw.toUpperCase();
    if (op === 'AND' || op === 'OR' || op === 'NOT') toks.push({ t: op });
    else word(chars);
  }
  return { toks, letters };
}

function parseTerm(term: string): TermNode {
  const { toks, letters } = tokenize(term);
  if (!toks.some(t => t.t === 'word')) throw malformed('No search term found. The search term must be enclosed in braces.');
  // wording from a third-party catalogue of Salesforce errors (unconfirmed)
  if (letters < 2) throw new SfHttpError(400, 'INVALID_SEARCH', 'search term must be longer than one character');
  let pos = 0;
  const peek = () => toks[pos];
  const unary = (): TermNode => {
    const t = toks[pos++];
    if (!t) throw malformed('The search term ends where a word was expected');
    if (t.t === '(') {
      const e = expr();
      if (toks[pos++]?.t !== ')') throw malformed('Unmatched parenthesis in the search term');
      return e;
    }
    if (t.t === 'word') {
      // a word of punctuation only (`\&`) has no token to match: the index drops it, so it matches everything
      return { kind: 'match', parts: patterns(JSON.parse(t.text) as { c: string; wild: boolean }[]) };
    }
    throw malformed(`unexpected ${t.t} in the search term`);
  };
  const and = (): TermNode => {
    let left = unary();
    for (;;) {
      const t = peek();
      if (!t || t.t === ')' || t.t === 'OR') return left;
      if (t.t === 'AND' && toks[pos + 1]?.t === 'NOT') {
        pos += 2;
        left = { kind: 'andNot', left, right: unary() };
      } else if (t.t === 'AND') {
        pos++;
        left = { kind: 'and', left, right: unary() };
      } else if (t.t === 'NOT') {
        pos++;
        left = { kind: 'andNot', left, right: unary() };
      } else {
        left = { kind: 'and', left, right: unary() }; // words side by side must all be found
      }
    }
  };
  const expr = (): TermNode => {
    let left = and();
    while (peek()?.t === 'OR') {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const tree = expr();
  if (pos < toks.length) throw malformed('Unmatched parenthesis in the search term');
  return tree;
}

function matchesTokens(node: TermNode, tokens: string[]): boolean {
  switch (node.kind) {
    case 'match':
      if (!node.parts.length) return true;
      for (let i = 0; i + node.parts.length <= tokens.length; i++) {
        if (node.parts.every((re, k) => re.test(tokens[i + k]))) return true;
      }
      return false;
    case 'and': return matchesTokens(node.left, tokens) && matchesTokens(node.right, tokens);
    case 'or': return matchesTokens(node.left, tokens) || matchesTokens(node.right, tokens);
    case 'andNot': return matchesTokens(node.left, tokens) && !matchesTokens(node.right, tokens);
  }
}

// ───── what is searched ─────

const TEXT_TYPES = new Set(['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'combobox']);
/** NAME FIELDS also covers these on standard objects. */
const EXTRA_NAME_FIELDS: Record<string, string[]> = { account: ['Website', 'Site'], case: ['Subject'] };
/** Only found when RETURNING names them. */
const ONLY_WHEN_NAMED = new Set(['contentversion', 'contentdocument', 'document', 'attachment', 'product2', 'solution',
  'user', 'group', 'recordtype', 'profile', 'organization']);

function searchedFields(s: ObjectSchema, scope: Scope): FieldSchema[] {
  const extra = EXTRA_NAME_FIELDS[s.name.toLowerCase()] ?? [];
  return s.fields.filter(f => {
    if (!TEXT_TYPES.has(f.type)) return false;
    switch (scope) {
      case 'NAME': return ['Name', 'FirstName', 'LastName', 'MiddleName'].includes(f.name) || extra.includes(f.name);
      case 'EMAIL': return f.type === 'email';
      case 'PHONE': return f.type === 'phone';
      default: return true;
    }
  });
}

function recordTokens(rec: StoredRecord, fields: FieldSchema[]): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const v = rec[f.name];
    if (typeof v === 'string' && v) out.push(...v.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean));
    // each field is its own run of tokens: a phrase does not span two fields
    out.push('\u0000');
  }
  return out;
}

/** Runs a search: records of each object in order, each object's own limits, then the overall limit shared evenly. */
function runSearch(ctx: RouteContext, spec: SearchSpec): Record<string, unknown>[] {
  const store: OrgStore = ctx.store;
  const tree = parseTerm(spec.term);
  const objects: ObjectSpec[] = spec.objects ?? store.schema.all()
    .filter(s => !s.tooling && s.queryable && !ONLY_WHEN_NAMED.has(s.name.toLowerCase()) && searchedFields(s, spec.scope).length)
    .map(s => ({ name: s.name }));
  const lists = objects.map(o => {
    const schema = store.schema.get(o.name);
    if (!schema || schema.tooling) {
      throw new SfHttpError(400, 'INVALID_TYPE', `sObject type '${o.name}' is not supported. If you are attempting to use a ` +
        'custom object, be sure to append the \'__c\' after the entity name.');
    }
    const fields = searchedFields(schema, spec.scope);
    const hits = new Set<string>();
    for (const rec of store.scan(schema.name)) if (matchesTokens(tree, recordTokens(rec, fields))) hits.add(rec.Id);
    if (!hits.size) return [];
    const soql = `SELECT ${o.fields ?? 'Id'} FROM ${schema.name}${o.where ? ` WHERE ${o.where}` : ''}${o.orderBy ? ` ORDER BY ${o.orderBy}` : ''}`;
    const result = compileQuery(store, soql, { version: ctx.version, now: ctx.host?.now() }).execute();
    const rows = result.page(0, result.totalSize).filter(r => {
      const url = (r.attributes as { url?: string } | undefined)?.url ?? '';
      return hits.has(url.slice(url.lastIndexOf('/') + 1));
    });
    const from = o.offset ?? 0;
    return rows.slice(from, o.limit === undefined ? undefined : from + o.limit);
  });
  const take = lists.map(() => 0);
  let remaining = spec.limit;
  let active = lists.map((_, i) => i).filter(i => lists[i].length > 0);
  while (remaining > 0 && active.length) {
    const share = Math.max(1, Math.floor(remaining / active.length));
    for (const i of active) {
      const n = Math.min(share, lists[i].length - take[i], remaining);
      take[i] += n;
      remaining -= n;
    }
    active = active.filter(i => take[i] < lists[i].length);
  }
  return lists.flatMap((l, i) => l.slice(0, take[i]));
}

// ───── parameterized search ─────

function csv(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.map(String).join(', ') || undefined;
  return typeof v === 'string' && v.trim() ? v : undefined;
}

function limitOf(v: unknown, what: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new SfHttpError(400, 'INVALID_SEARCH', `${what} must be a non-negative integer`);
  if (n > MAX_SEARCH_LIMIT) throw new SfHttpError(400, 'INVALID_SEARCH', `${what} can be at most ${MAX_SEARCH_LIMIT}`);
  return n;
}

function scopeOf(v: unknown): Scope {
  if (v === undefined || v === null || v === '') return 'ALL';
  const s = String(v).toUpperCase().replace(/\s*FIELDS$/, '');
  if (!['ALL', 'NAME', 'EMAIL', 'PHONE', 'SIDEBAR'].includes(s)) throw new SfHttpError(400, 'INVALID_SEARCH', `in must be ALL, NAME, EMAIL, PHONE or SIDEBAR`);
  return s as Scope;
}

function parameterizedSpec(input: { q: unknown; in?: unknown; fields?: unknown; defaultLimit?: unknown; overallLimit?: unknown;
  offset?: unknown; sobjects?: { name: unknown; fields?: unknown; where?: unknown; limit?: unknown; orderBy?: unknown }[] }): SearchSpec {
  if (typeof input.q !== 'string' || !input.q.trim()) throw new SfHttpError(400, 'MISSING_ARGUMENT', 'q is required');
  const defaultLimit = limitOf(input.defaultLimit, 'defaultLimit');
  if (defaultLimit !== undefined && !input.sobjects?.length) {
    throw new SfHttpError(400, 'INVALID_SEARCH', 'defaultLimit needs at least one sobject');
  }
  const globalFields = csv(input.fields);
  const offset = limitOf(input.offset, 'offset');
  return {
    term: input.q, scope: scopeOf(input.in), limit: limitOf(input.overallLimit, 'overallLimit') ?? MAX_SEARCH_LIMIT,
    objects: input.sobjects?.map(o => {
      if (typeof o.name !== 'string' || !o.name) throw new SfHttpError(400, 'INVALID_SEARCH', 'Every sobject needs a name');
      const spec: ObjectSpec = { name: o.name, fields: csv(o.fields) ?? globalFields,
        limit: limitOf(o.limit, `${o.name}.limit`) ?? defaultLimit, offset };
      if (typeof o.where === 'string' && o.where.trim()) spec.where = o.where;
      if (typeof o.orderBy === 'string' && o.orderBy.trim()) spec.orderBy = o.orderBy;
      return spec;
    }),
  };
}

function fromQueryString(q: URLSearchParams): SearchSpec {
  const sobjects = q.getAll('sobject').flatMap(s => s.split(',')).map(s => s.trim()).filter(Boolean).map(name => ({
    name, fields: q.get(`${name}.fields`) ?? undefined, limit: q.get(`${name}.limit`) ?? undefined,
    where: q.get(`${name}.where`) ?? undefined, orderBy: q.get(`${name}.orderBy`) ?? undefined,
  }));
  return parameterizedSpec({ q: q.get('q'), in: q.get('in') ?? undefined, fields: q.get('fields') ?? undefined,
    defaultLimit: q.get('defaultLimit') ?? undefined, overallLimit: q.get('overallLimit') ?? undefined,
    offset: q.get('offset') ?? undefined, sobjects: sobjects.length ? sobjects : undefined });
}

registerRoutes(async ctx => {
  const segs = pathSegments(ctx.path);
  if (segs.length !== 1 || (segs[0] !== 'search' && segs[0] !== 'parameterizedSearch')) return false;
  const method = ctx.req.method ?? 'GET';
  let spec: SearchSpec;
  if (segs[0] === 'search') {
    if (method !== 'GET' && method !== 'HEAD') {
      throw new SfHttpError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,HEAD`);
    }
    const q = ctx.query.get('q');
    if (!q || !q.trim()) throw malformed('No search term found. The search term must be enclosed in braces.');
    spec = parseSosl(q);
  } else if (method === 'GET' || method === 'HEAD') {
    spec = fromQueryString(ctx.query);
  } else if (method === 'POST') {
    const body = parseJsonObject(await ctx.body());
    spec = parameterizedSpec(body as Parameters<typeof parameterizedSpec>[0]);
  } else {
    throw new SfHttpError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,HEAD,POST`);
  }
  ctx.json(200, { searchRecords: runSearch(ctx, spec) });
  return true;
});
