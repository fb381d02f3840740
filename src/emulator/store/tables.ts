/**
 * The org's rows: one Map per object (insertion order = scan order), with indexes on unique and external id fields
 * and on the lookups a delete follows, so selective lookups stay O(1) at a million rows. Rows are plain objects
 * holding only wire values.
 *
 * Only row bookkeeping lives here: counts, the Recycle Bin's ids and the indexes stay right whatever changes a row.
 * Nothing here undoes, journals or validates; store/changes.ts, store/dml.ts and store/validation.ts do, so a journal
 * replay or a purge can move rows without pretending to be a request.
 */
import { keyPrefixOf, normalizeId } from '../ids.js';
import type { FieldSchema, ObjectSchema, SchemaRegistry, StoredRecord } from '../types.js';

export interface Table {
  schema: ObjectSchema;
  rows: Map<string, StoredRecord>;
  live: number;
  /** Ids of rows in the Recycle Bin (IsDeleted = true), so getDeleted and the bin's purge never scan live rows. */
  bin: Set<string>;
  /** SystemModstamp of the newest row purged from the bin for good (getDeleted's earliestDateAvailable). */
  purgedThrough?: string;
  /** Lower-cased field name → lower-cased value → ids (unique and external id fields, delete-following lookups). */
  indexes: Map<string, Map<string, string[]>>;
  required: FieldSchema[];
  defaults: [string, unknown][];
}

export class Tables {
  private readonly byPrefix = new Map<string, Table>();

  /** `indexedLookups(s)`: lookup fields of `s` that need an index besides its unique and external id fields. */
  constructor(private readonly schema: SchemaRegistry, private readonly indexedLookups: (s: ObjectSchema) => string[]) {
    for (const s of schema.all()) this.table(s);
  }

  private table(s: ObjectSchema): Table {
    let t = this.byPrefix.get(s.keyPrefix);
    if (!t) {
      const indexes = new Map<string, Map<string, string[]>>();
      for (const f of s.fields) if ((f.unique || f.externalId) && f.type !== 'id') indexes.set(f.name.toLowerCase(), new Map());
      for (const link of this.indexedLookups(s)) indexes.set(link.toLowerCase(), new Map());
      t = {
        schema: s, rows: new Map(), live: 0, bin: new Set(), indexes,
        required: s.fields.filter(f => !f.nillable && f.createable && !f.defaultedOnCreate),
        defaults: s.fields.flatMap(f => f.type === 'boolean' ? [[f.name, false] as [string, unknown]]
          : f.defaultedOnCreate && f.picklistValues.length ? [[f.name, (f.picklistValues.find(p => p.defaultValue)
            ?? f.picklistValues[0]).value] as [string, unknown]] : []),
      };
      this.byPrefix.set(s.keyPrefix, t);
    }
    return t;
  }

  /** Every table, in the order the schema lists its objects. */
  all(): Iterable<Table> {
    return this.byPrefix.values();
  }

  of(sobject: string): Table | undefined {
    const s = this.schema.get(sobject);
    return s && this.table(s);
  }

  ofId(id: string): Table | undefined {
    return this.byPrefix.get(keyPrefixOf(id));
  }

  get(id: string, includeDeleted = false): StoredRecord | undefined {
    // rows are keyed by canonical 18-character ids, so an exact hit needs no normalising (the common case)
    let rec = typeof id === 'string' && id.length === 18 ? this.byPrefix.get(id.slice(0, 3))?.rows.get(id) : undefined;
    if (!rec) {
      const norm = normalizeId(id);
      rec = norm ? this.ofId(norm)?.rows.get(norm) : undefined;
    }
    return rec && (!rec.IsDeleted || includeDeleted) ? rec : undefined;
  }

  findBy(sobject: string, field: string, value: unknown): StoredRecord[] {
    const t = this.of(sobject);
    if (!t || value === null || value === undefined) return [];
    const f = t.schema.fieldMap.get(field.toLowerCase());
    if (!f) return [];
    if (f.type === 'id') {
      const rec = this.get(String(value));
      return rec && t.rows.has(rec.Id) ? [rec] : [];
    }
    const index = t.indexes.get(f.name.toLowerCase());
    if (index) return (index.get(String(value).toLowerCase()) ?? []).map(id => t.rows.get(id)!).filter(r => !r.IsDeleted);
    const wanted = String(value).toLowerCase();
    const out: StoredRecord[] = [];
    for (const rec of t.rows.values()) {
      const v = rec[f.name];
      if (!rec.IsDeleted && v !== null && v !== undefined && String(v).toLowerCase() === wanted) out.push(rec);
    }
    return out;
  }

  /** Adds a row. */
  put(t: Table, rec: StoredRecord): void {
    t.rows.set(rec.Id, rec);
    if (!rec.IsDeleted) t.live++;
    else t.bin.add(rec.Id);
    this.index(t, rec, true);
  }

  /** Takes a row out for good. */
  remove(t: Table, rec: StoredRecord): void {
    if (!t.rows.delete(rec.Id)) return;
    if (!rec.IsDeleted) t.live--;
    else t.bin.delete(rec.Id);
    this.index(t, rec, false);
  }

  /** Changes fields of a stored row (undefined removes one), moving it in or out of the Recycle Bin. */
  assign(t: Table, rec: StoredRecord, next: Record<string, unknown>): void {
    this.index(t, rec, false);
    const wasDeleted = rec.IsDeleted;
    for (const k of Object.keys(next)) {
      if (next[k] === undefined) delete rec[k];
      else rec[k] = next[k];
    }
    if (wasDeleted !== rec.IsDeleted) {
      t.live += rec.IsDeleted ? -1 : 1;
      if (rec.IsDeleted) t.bin.add(rec.Id);
      else t.bin.delete(rec.Id);
    }
    this.index(t, rec, true);
  }

  private index(t: Table, rec: StoredRecord, add: boolean): void {
    for (const [name, index] of t.indexes) {
      const f = t.schema.fieldMap.get(name)!;
      const v = rec[f.name];
      if (v === null || v === undefined) continue;
      const key = String(v).toLowerCase();
      const ids = index.get(key);
      if (add) {
        if (ids) ids.push(rec.Id);
        else index.set(key, [rec.Id]);
      } else if (ids) {
        const i = ids.indexOf(rec.Id);
        if (i >= 0) ids.splice(i, 1);
        if (!ids.length) index.delete(key);
      }
    }
  }
}
