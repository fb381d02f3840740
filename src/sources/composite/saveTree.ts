import { catchError, concatMap, defer, from, lastValueFrom, map, type Observable, of, reduce, throwError } from 'rxjs';
import { isSalesforceError, MalformedRequestError, NetworkError, resolveClient, ValidationError } from '../../client/index.js';
import type { SourceOptions } from '../index.js';
import { apiNameOf, isModel, type SObjectTarget } from '../internal/target.js';

/** ≤ 200 records across all trees of one request. */
export const MAX_TREE_RECORDS = 200;
/** ≤ 5 record types per request. */
export const MAX_TREE_TYPES = 5;
/** Trees ≤ 5 levels deep. */
export const MAX_TREE_DEPTH = 5;

/** The standard child relationships whose object is known without a describe. */
const STANDARD_CHILDREN: Readonly<Record<string, string>> = {
  Contacts: 'Contact', Opportunities: 'Opportunity', Cases: 'Case', Assets: 'Asset', Tasks: 'Task', Events: 'Event',
  Notes: 'Note', Attachments: 'Attachment', OpportunityLineItems: 'OpportunityLineItem', ChildAccounts: 'Account',
  OpportunityContactRoles: 'OpportunityContactRole', CaseComments: 'CaseComment',
};

/** A record to save with its children: `{ Name: 'Acme', Contacts: [{ LastName: 'Smith' }] }`. */
export type TreeRecord = Record<string, unknown>;

export interface SaveTreeOptions extends SourceOptions {
  /**
   * The object of each child relationship the records use, when it is not a standard one (`Contacts` → `Contact` is
   * known): `{ Invoices__r: 'Invoice__c' }`. A child record may also name its type in `attributes.type`.
   */
  childTypes?: Record<string, string>;
}

/** What happened to one input record. */
export interface TreeRecordResult {
  /** The input record, as given (not changed). */
  record: TreeRecord;
  /** Its position: the root's index, then child relationship and index (`[0, 'Contacts', 1]`). */
  path: (string | number)[];
  sobject: string;
  referenceId: string;
  /**
   * `saved` with its new id; `failed` with Salesforce's errors (or the request's, `REQUEST_FAILED`); `rolledBack`:
   * valid, but another record of its request failed; `unknown`: the connection dropped after the request was sent, so
   * the records may exist (`AMBIGUOUS_REQUEST`; never re-sent).
   */
  status: 'saved' | 'failed' | 'rolledBack' | 'unknown';
  id?: string;
  errors?: { statusCode: string; message: string; fields?: string[] }[];
}

export interface SaveTreeResult {
  ok: boolean;
  /** One entry per input record (children included), in input order, depth first. */
  records: TreeRecordResult[];
  /** The input trees copied with `Id` set on every saved record. */
  saved: TreeRecord[];
  requests: number;
}

interface Flat { record: TreeRecord; path: (string | number)[]; sobject: string; level: number; root: number; wire?: TreeRecord }

/** Builds the wire tree of one root (reference ids `ref{n}` across the request) and lists its records. */
function flatten(target: SObjectTarget, roots: TreeRecord[], opts: SaveTreeOptions): Flat[][] {
  const childTypes = { ...STANDARD_CHILDREN, ...opts.childTypes };
  return roots.map((root, r) => {
    const out: Flat[] = [];
    const walk = (rec: unknown, sobject: string, path: (string | number)[], level: number): TreeRecord => {
      if (!rec || typeof rec !== 'object' || Array.isArray(rec)) {
        throw new ValidationError({ sobject, recordIndex: r, reason: `saveTree: ${path.join('.')} is not a record object` });
      }
      if (level > MAX_TREE_DEPTH) {
        throw new ValidationError({ sobject, recordIndex: r, reason: `saveTree: trees can be at most ${MAX_TREE_DEPTH} levels deep (${path.join('.')})` });
      }
      const given = rec as TreeRecord;
      const attrs = given.attributes as { type?: unknown } | undefined;
      if (attrs?.type !== undefined && attrs.type !== sobject && (level === 1 || typeof attrs.type !== 'string')) {
        throw new ValidationError({ sobject, recordIndex: r, reason: `saveTree: ${path.join('.')} is a ${String(attrs.type)}, not a ${sobject}` });
      }
      const flat: Flat = { record: given, path, sobject, level, root: r };
      out.push(flat);
      const wire: TreeRecord = {};
      for (const [k, v] of Object.entries(given)) {
        if (k === 'attributes') continue;
        if (k.toLowerCase() === 'id') {
          throw new ValidationError({ sobject, recordIndex: r, field: k, reason: `saveTree creates records; ${path.join('.')} already has an Id` });
        }
        const children = Array.isArray(v) ? v : v && typeof v === 'object' && Array.isArray((v as { records?: unknown }).records)
          ? (v as { records: unknown[] }).records : undefined;
        if (!children) {
          wire[k] = v instanceof Date ? v.toISOString() : v;
          continue;
        }
        const typeOf = (c: unknown) => ((c as TreeRecord | null)?.attributes as { type?: string } | undefined)?.type ?? childTypes[k];
        wire[k] = { records: children.map((c, i) => {
          const t = typeOf(c);
          if (!t) {
            throw new ValidationError({ sobject, recordIndex: r, field: k, reason: `saveTree: the object of child relationship ${k} is ` +
              'unknown; name it in childTypes or in each child\'s attributes.type' });
          }
          return walk(c, t, [...path, k, i], level + 1);
        }) };
      }
      if (level === 1 && isModel(target)) {
        // the root's own fields go through its model (types, names, read-only fields), children stay as built
        const own = Object.fromEntries(Object.entries(wire).filter(([, v]) => !(v && typeof v === 'object' && 'records' in v)));
        const serialized = target.toWire(Object.fromEntries(Object.entries(given).filter(([k]) => k in own)) as never, 'insert',
          { index: r });
        for (const k of Object.keys(own)) delete wire[k];
        Object.assign(wire, serialized);
      }
      flat.wire = wire;
      return wire;
    };
    walk(root, apiNameOf(target), [r], 1);
    return out;
  });
}

/** Groups whole trees into requests of ≤ 200 records and ≤ 5 types. */
function pack(trees: Flat[][]): number[][] {
  const groups: number[][] = [];
  let cur: number[] = [];
  let count = 0;
  let types = new Set<string>();
  trees.forEach((t, i) => {
    const tTypes = new Set(t.map(f => f.sobject));
    if (t.length > MAX_TREE_RECORDS) {
      throw new ValidationError({ recordIndex: i, reason: `saveTree: tree ${i} holds ${t.length} records; one request takes at most ${MAX_TREE_RECORDS}` });
    }
    if (tTypes.size > MAX_TREE_TYPES) {
      throw new ValidationError({ recordIndex: i, reason: `saveTree: tree ${i} has ${tTypes.size} record types; one request takes at most ${MAX_TREE_TYPES}` });
    }
    const merged = new Set([...types, ...tTypes]);
    if (cur.length && (count + t.length > MAX_TREE_RECORDS || merged.size > MAX_TREE_TYPES)) {
      groups.push(cur);
      cur = [];
      count = 0;
      types = new Set();
    }
    cur.push(i);
    count += t.length;
    types = new Set([...types, ...tTypes]);
  });
  if (cur.length) groups.push(cur);
  return groups;
}

/**
 * Creates records with their children in sObject Tree requests (`POST /composite/tree/{SObject}`): children sit under
 * their child relationship (`Contacts: [{ LastName: 'Smith' }]`), reference ids are generated, and each request
 * (≤ 200 records, ≤ 5 types, 5 levels) is all or nothing. More records are sent as several requests of whole trees,
 * one after another; one failing request does not stop the others, and every input record ends `saved`,
 * `failed` or `rolledBack` in the result.
 *
 * @example
 * import { saveTree$ } from 'rxforce';
 * saveTree$(Account, [{ Name: 'Acme', Contacts: [{ LastName: 'Smith' }] }], { client })
 *   .subscribe(r => console.log(r.saved[0].Id, r.records.map(x => x.status)));
 *
 * @returns a cold Observable of one SaveTreeResult
 */
export function saveTree$(target: SObjectTarget, records: TreeRecord[], opts: SaveTreeOptions = {}): Observable<SaveTreeResult> {
  return defer(() => {
    if (!Array.isArray(records)) throw new ValidationError({ sobject: apiNameOf(target), reason: 'saveTree: records must be an array' });
    const trees = flatten(target, records, opts);
    const groups = pack(trees);
    const client = resolveClient(opts.client);
    const results = new Map<Flat, TreeRecordResult>();
    return from(groups).pipe(
      concatMap(group => {
        const flats = group.flatMap(i => trees[i]);
        flats.forEach((f, n) => {
          results.set(f, { record: f.record, path: f.path, sobject: f.sobject, referenceId: `ref${n + 1}`, status: 'rolledBack' });
          f.wire!.attributes = { type: f.sobject, referenceId: `ref${n + 1}` };
        });
        const body = { records: group.map(i => trees[i][0].wire) };
        return client.request$<{ hasErrors?: boolean; results?: Record<string, unknown>[] }>({
          method: 'POST', path: `composite/tree/${encodeURIComponent(apiNameOf(target))}`, data: body,
        }).pipe(
          map(res => res.data),
          catchError(e => {
            if (e instanceof MalformedRequestError && isTreeAnswer(e.body)) return of(e.body);
            if (results.size === flats.length) return throwError(() => e); // the first request: nothing to report yet
            // a later request failed as a whole: its records say so, and the earlier requests' results stay
            const ambiguous = e instanceof NetworkError && e.sent;
            for (const f of flats) {
              const entry = results.get(f)!;
              entry.status = ambiguous ? 'unknown' : 'failed';
              entry.errors = [{ statusCode: ambiguous ? 'AMBIGUOUS_REQUEST' : isSalesforceError(e) ? e.errorCode : 'REQUEST_FAILED',
                message: e instanceof Error ? e.message : String(e) }];
            }
            return of({ hasErrors: true, results: [] as Record<string, unknown>[] });
          }),
          map(answer => {
            const byRef = new Map(flats.map(f => [results.get(f)!.referenceId, results.get(f)!]));
            for (const r of answer.results ?? []) {
              const entry = byRef.get(String(r.referenceId));
              if (!entry) continue;
              if (typeof r.id === 'string' && !answer.hasErrors) {
                entry.status = 'saved';
                entry.id = r.id;
              } else if (Array.isArray(r.errors)) {
                entry.status = 'failed';
                entry.errors = r.errors as TreeRecordResult['errors'];
              }
            }
            return group.length;
          }),
        );
      }),
      reduce(n => n + 1, 0),
      map(requests => {
        const all = trees.flat().map(f => results.get(f)!);
        const saved = records.map((_, i) => withIds(trees[i][0], trees[i], results));
        return { ok: all.every(r => r.status === 'saved'), records: all, saved, requests };
      }),
    );
  });
}

function isTreeAnswer(body: unknown): body is { hasErrors: boolean; results: Record<string, unknown>[] } {
  return !!body && typeof body === 'object' && 'hasErrors' in body && Array.isArray((body as { results?: unknown }).results);
}

/** A copy of an input tree with Id set on every saved record. */
function withIds(root: Flat, flats: Flat[], results: Map<Flat, TreeRecordResult>): TreeRecord {
  const copy = (rec: TreeRecord, path: (string | number)[]): TreeRecord => {
    const flat = flats.find(f => f.path.join('\u0000') === path.join('\u0000'));
    const out: TreeRecord = {};
    for (const [k, v] of Object.entries(rec)) {
      const children = Array.isArray(v) ? v : v && typeof v === 'object' && Array.isArray((v as { records?: unknown }).records)
        ? (v as { records: TreeRecord[] }).records : undefined;
      out[k] = children ? children.map((c, i) => copy(c as TreeRecord, [...path, k, i])) : v;
    }
    const id = flat ? results.get(flat)?.id : undefined;
    if (id) out.Id = id;
    return out;
  };
  return copy(root.record, root.path);
}

/** Promise twin of {@link saveTree$}. */
export function saveTree(target: SObjectTarget, records: TreeRecord[], opts: SaveTreeOptions = {}): Promise<SaveTreeResult> {
  return lastValueFrom(saveTree$(target, records, opts));
}
