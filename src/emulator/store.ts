/**
 * The org's data: one Map per object (insertion order = scan order), indexes on unique and external id fields so
 * selective lookups stay O(1) at a million rows, Salesforce's validation and error codes, an undo log for
 * allOrNone transactions and an optional write-ahead journal. Rows are plain objects holding only wire values.
 */
import { formatDatetime } from './dates.js';
import { keyPrefixOf, makeId, normalizeId, serialOf } from './ids.js';
import type { Journal, JournalEntry } from './persist/journal.js';
import { derive, onCreated } from './derived.js';
import { isRestrictedDelete } from './schema/registry.js';
import type { DmlResult, FieldSchema, ObjectSchema, OrgStore, RecordError, SchemaRegistry, StoredRecord } from './types.js';
import { coerce } from './validate.js';
import { ActingStore } from './acting.js';

const ID_POD = '5g0';
const SYSTEM_FIELDS = new Set(['Id', 'IsDeleted', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById',
  'SystemModstamp']);

interface Table {
  schema: ObjectSchema;
  rows: Map<string, StoredRecord>;
  live: number;
  /** Ids of rows in the Recycle Bin (IsDeleted = true), so getDeleted and the bin's purge never scan live rows. */
  bin: Set<string>;
  /** SystemModstamp of the newest row purged from the bin for good (getDeleted's earliestDateAvailable). */
  purgedThrough?: string;
  /** Lower-cased field name → lower-cased value → ids (unique and external id fields). */
  indexes: Map<string, Map<string, string[]>>;
  required: FieldSchema[];
  defaults: [string, unknown][];
}

/** A lookup from a child table to this table's records that a delete follows (cascade) or stops at (restrict). */
interface ChildLink {
  child: Table;
  /** The lookup field's canonical name; the child table indexes it. */
  field: string;
  cascade: boolean;
}

/**
 * Told of every committed change, in commit order, as the journal records it (a rolled-back transaction tells
 * nothing). Change Data Capture builds its events from here; a listener must not write to the store.
 */
export type CommitListener = (e: JournalEntry) => void;

export interface StoreOptions {
  journal?: Journal;
  now?: () => number;
  /** How long a deleted row stays in the Recycle Bin before it is purged for good (ms); default 15 days. */
  recycleBinRetentionMs?: number;
}

/** Salesforce keeps deleted records in the Recycle Bin for 15 days. */
export const RECYCLE_BIN_DAYS = 15;

const err = (statusCode: string, message: string, fields: string[] = []): RecordError => ({ statusCode, message, fields });
const failed = (id: string | null, ...errors: RecordError[]): DmlResult => ({ success: false, id, errors });

export class Store implements OrgStore {
  private readonly tables = new Map<string, Table>();
  private readonly blobs = new Map<string, Buffer>();
  /** Parent key prefix → the lookups a delete of its records must follow or respect (built on first delete). */
  private childLinks?: Map<string, ChildLink[]>;
  private serial = 1;
  private undo: (() => void)[] | null = null;
  private pending: JournalEntry[] | null = null;
  private readonly now: () => number;
  private stamp: [number, string] = [NaN, ''];
  private readonly journal?: Journal;
  private readonly commitListeners = new Set<CommitListener>();
  /** How long deleted rows stay in the Recycle Bin (ms). */
  readonly recycleBinRetentionMs: number;
  private purgedAt = NaN;
  /**
   * The user writes are stamped with. Set only for the length of a synchronous `runAs` (a request acts through its
   * own `actingAs` view), so no request's user can leak into another's writes across an await; outside any request
   * it is the org's default user (seed data, bulk jobs, churn fall back to it).
   */
  private actor = '';

  get actingUserId(): string {
    return this.actor;
  }

  get org(): OrgStore {
    return this;
  }

  /** The user writes made outside any request are stamped with (the org's first user). */
  setDefaultUser(userId: string): void {
    this.actor = userId;
  }

  runAs<T>(userId: string, fn: () => T): T {
    const previous = this.actor;
    this.actor = userId;
    try {
      return fn();
    } finally {
      this.actor = previous;
    }
  }

  actingAs(userId: string): OrgStore {
    return new ActingStore(this, userId);
  }

  constructor(readonly schema: SchemaRegistry, opts: StoreOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.journal = opts.journal;
    this.recycleBinRetentionMs = opts.recycleBinRetentionMs ?? RECYCLE_BIN_DAYS * 86_400_000;
    for (const s of schema.all()) this.table(s);
  }

  private table(s: ObjectSchema): Table {
    let t = this.tables.get(s.keyPrefix);
    if (!t) {
      const indexes = new Map<string, Map<string, string[]>>();
      for (const f of s.fields) if ((f.unique || f.externalId) && f.type !== 'id') indexes.set(f.name.toLowerCase(), new Map());
      // lookups a parent's delete follows: indexed so finding the children stays O(children)
      for (const link of this.deleteLinksTo(s)) indexes.set(link.toLowerCase(), new Map());
      t = {
        schema: s, rows: new Map(), live: 0, bin: new Set(), indexes,
        required: s.fields.filter(f => !f.nillable && f.createable && !f.defaultedOnCreate),
        defaults: s.fields.flatMap(f => f.type === 'boolean' ? [[f.name, false] as [string, unknown]]
          : f.defaultedOnCreate && f.picklistValues.length ? [[f.name, (f.picklistValues.find(p => p.defaultValue)
            ?? f.picklistValues[0]).value] as [string, unknown]] : []),
      };
      this.tables.set(s.keyPrefix, t);
    }
    return t;
  }

  /** Lookup fields of `s` that cascade or restrict a parent's delete. */
  private deleteLinksTo(s: ObjectSchema): string[] {
    const out: string[] = [];
    for (const parent of this.schema.all()) {
      for (const c of parent.childRelationships) {
        if (c.childSObject === s.name && (c.cascadeDelete || isRestrictedDelete(c.childSObject, c.field))) out.push(c.field);
      }
    }
    return out;
  }

  private linksOf(t: Table): ChildLink[] {
    if (!this.childLinks) {
      this.childLinks = new Map();
      for (const parent of this.tables.values()) {
        const links: ChildLink[] = [];
        for (const c of parent.schema.childRelationships) {
          const restrict = isRestrictedDelete(c.childSObject, c.field);
          const child = this.tableOf(c.childSObject);
          if (child && (c.cascadeDelete || restrict)) links.push({ child, field: c.field, cascade: c.cascadeDelete && !restrict });
        }
        this.childLinks.set(parent.schema.keyPrefix, links);
      }
    }
    return this.childLinks.get(t.schema.keyPrefix) ?? [];
  }

  /** Rows of `link.child` whose lookup points at `id` (deleted ones too when asked). */
  private childrenOf(link: ChildLink, id: string, includeDeleted: boolean): StoredRecord[] {
    const ids = link.child.indexes.get(link.field.toLowerCase())?.get(id.toLowerCase()) ?? [];
    return ids.map(x => link.child.rows.get(x)!).filter(r => r && (includeDeleted || !r.IsDeleted));
  }

  /**
   * What deleting `rec` takes with it: every row reached through cascading lookups (children of children too), or a
   * DELETE_FAILED error when a restricting lookup (a Case's AccountId or ContactId) still points at one of them.
   */
  private deletePlan(t: Table, rec: StoredRecord, hard: boolean): [Table, StoredRecord][] | RecordError {
    const plan: [Table, StoredRecord][] = [[t, rec]];
    const seen = new Set([rec.Id]);
    const blockers: [Table, StoredRecord][] = [];
    for (let i = 0; i < plan.length; i++) {
      const [pt, prec] = plan[i]!;
      for (const link of this.linksOf(pt)) {
        for (const child of this.childrenOf(link, prec.Id, hard && link.cascade)) {
          if (seen.has(child.Id)) continue;
          if (link.cascade) {
            seen.add(child.Id);
            plan.push([link.child, child]);
          } else {
            blockers.push([link.child, child]);
          }
        }
      }
    }
    const live = blockers.filter(([, b]) => !seen.has(b.Id));
    if (!live.length) return plan;
    // Salesforce's text, e.g. "Your attempt to delete Mr. Josh Davis could not be completed because it is associated
    // with the following cases.: 00001005\n"; the record named is the one asked for (unconfirmed for a cascaded child).
    const [bt] = live[0]!;
    const nameField = bt.schema.fields.find(f => f.idLookup && f.autoNumber) ?? bt.schema.fieldMap.get('name');
    const names = live.map(([, b]) => String((nameField && b[nameField.name]) ?? b.Id)).join(', ');
    const label = [rec.Salutation, rec.Name ?? rec.Id].filter(v => typeof v === 'string' && v !== '').join(' ');
    return err('DELETE_FAILED', `Your attempt to delete ${label} could not be completed because it is associated with ` +
      `the following ${bt.schema.labelPlural.toLowerCase()}.: ${names}\n`);
  }

  private tableOf(sobject: string): Table | undefined {
    const s = this.schema.get(sobject);
    return s && this.table(s);
  }

  private tableOfId(id: string): Table | undefined {
    return this.tables.get(keyPrefixOf(id));
  }

  get(id: string, opts?: { includeDeleted?: boolean }): StoredRecord | undefined {
    // rows are keyed by canonical 18-character ids, so an exact hit needs no normalising (the common case)
    let rec = typeof id === 'string' && id.length === 18 ? this.tables.get(id.slice(0, 3))?.rows.get(id) : undefined;
    if (!rec) {
      const norm = normalizeId(id);
      rec = norm ? this.tableOfId(norm)?.rows.get(norm) : undefined;
    }
    return rec && (!rec.IsDeleted || opts?.includeDeleted) ? rec : undefined;
  }

  *scan(sobject: string, opts: { includeDeleted?: boolean } = {}): Iterable<StoredRecord> {
    const t = this.tableOf(sobject);
    if (!t) return;
    if (opts.includeDeleted && t.bin.size) this.purgeRecycleBin();
    for (const rec of t.rows.values()) if (!rec.IsDeleted || opts.includeDeleted) yield rec;
  }

  findBy(sobject: string, field: string, value: unknown): StoredRecord[] {
    const t = this.tableOf(sobject);
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

  count(sobject: string, opts: { includeDeleted?: boolean } = {}): number {
    const t = this.tableOf(sobject);
    if (t && opts.includeDeleted && t.bin.size) this.purgeRecycleBin();
    return !t ? 0 : opts.includeDeleted ? t.rows.size : t.live;
  }

  /**
   * A parent named by external id, as REST saves allow: `"Account": { "External_Id__c": "A-1" }` (with
   * `attributes.type` for polymorphic lookups) becomes `AccountId` with the matching record's Id.
   */
  private resolveRelationships(t: Table, fields: Record<string, unknown>, errors: RecordError[]): Record<string, unknown> {
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(fields)) {
      const value = fields[key];
      if (value === null || typeof value !== 'object' || Array.isArray(value) || t.schema.fieldMap.has(key.toLowerCase())) continue;
      const ref = t.schema.fields.find(f => f.type === 'reference' && f.relationshipName?.toLowerCase() === key.toLowerCase());
      if (!ref) continue;
      out ??= { ...fields };
      delete out[key];
      const { attributes, ...lookup } = value as Record<string, unknown>;
      const typeName = (attributes as { type?: unknown } | undefined)?.type;
      const target = this.schema.get(typeof typeName === 'string' ? typeName : ref.referenceTo[0] ?? '');
      const keys = Object.keys(lookup);
      if (!target || keys.length !== 1) {
        errors.push(err('INVALID_FIELD', `A relationship ${key} needs exactly one external id field of its parent`, [key]));
        continue;
      }
      const lf = target.fieldMap.get(keys[0].toLowerCase());
      if (!lf || !(lf.externalId || lf.idLookup)) {
        errors.push(err('INVALID_FIELD', `Field name provided, ${keys[0]} is not an External ID or indexed field for ${target.name}`, [key]));
        continue;
      }
      const wanted = lookup[keys[0]];
      const found = this.findBy(target.name, lf.name, wanted);
      if (found.length !== 1) {
        errors.push(err('INVALID_FIELD', found.length === 0
          ? `Foreign key external ID: ${String(wanted)} not found for field ${lf.name} in entity ${target.name}`
          : `More than 1 record found for external id field ${lf.name} in entity ${target.name}: ${String(wanted)}`, [key]));
        continue;
      }
      out[ref.name] = found[0].Id;
    }
    return out ?? fields;
  }

  /** Validates input fields: canonical names, coerced values, reference checks. */
  private prepare(t: Table, fields: Record<string, unknown>, mode: 'insert' | 'update', selfId?: string):
    { values: Record<string, unknown>; blob?: Buffer } | RecordError[] {
    const values: Record<string, unknown> = {};
    const errors: RecordError[] = [];
    const readOnly: string[] = [];
    let blob: Buffer | undefined;
    fields = this.resolveRelationships(t, fields, errors);
    for (const key of Object.keys(fields)) {
      if (key === 'attributes') continue;
      const f = t.schema.fieldMap.get(key.toLowerCase());
      if (!f) {
        errors.push(err('INVALID_FIELD', `No such column '${key}' on sobject of type ${t.schema.name}`, [key]));
        continue;
      }
      if (f.name === 'Id') {
        if (mode === 'insert') errors.push(err('INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id']));
        else if (normalizeId(fields[key]) !== selfId) errors.push(err('MALFORMED_ID', `Id in body does not match the record: ${String(fields[key])}`, ['Id']));
        continue;
      }
      if (mode === 'insert' ? !f.createable : !f.updateable) {
        readOnly.push(f.name);
        continue;
      }
      const c = coerce(f, fields[key]);
      if (!c.ok) {
        errors.push(c.error);
        continue;
      }
      if (f.type === 'base64') {
        if (c.value !== null) blob = Buffer.from(c.value as string, 'base64');
        continue;
      }
      if (f.type === 'reference' && c.value !== null) {
        const refErr = this.checkReference(f, c.value as string);
        if (refErr) {
          errors.push(refErr);
          continue;
        }
      }
      values[f.name] = c.value;
    }
    if (readOnly.length) {
      errors.push(err('INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: ${readOnly.join(', ')}. Please check ` +
        'the security settings of this field and verify that it is read/write for your profile or permission set.', readOnly));
    }
    return errors.length ? errors : { values, blob };
  }

  /** A lookup must point at a live record of one of the referenced objects. */
  private checkReference(f: FieldSchema, id: string): RecordError | undefined {
    const t = this.tableOfId(id);
    if (!t || !f.referenceTo.some(r => r.toLowerCase() === t.schema.name.toLowerCase())) {
      return err('FIELD_INTEGRITY_EXCEPTION', `${f.label}: id value of incorrect type: ${id}`, [f.name]);
    }
    const rec = t.rows.get(id);
    if (!rec) return err('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [f.name]);
    if (rec.IsDeleted) return err('ENTITY_IS_DELETED', 'entity is deleted', [f.name]);
    return undefined;
  }

  private checkUnique(t: Table, values: Record<string, unknown>, selfId?: string): RecordError | undefined {
    for (const [name, index] of t.indexes) {
      const f = t.schema.fieldMap.get(name)!;
      if (!f.unique) continue;
      const v = values[f.name];
      if (v === null || v === undefined) continue;
      const other = (index.get(String(v).toLowerCase()) ?? []).find(id => id !== selfId && !t.rows.get(id)!.IsDeleted);
      if (other) return err('DUPLICATE_VALUE', `duplicate value found: ${f.name} duplicates value on record with id: ${other}`);
    }
    return undefined;
  }

  insert(sobject: string, fields: Record<string, unknown>): DmlResult {
    const t = this.tableOf(sobject);
    if (!t) return failed(null, err('INVALID_TYPE', `sObject type '${sobject}' is not supported.`));
    if (!t.schema.createable) return failed(null, err('INVALID_TYPE', `entity type ${t.schema.name} does not support insert`));
    const prepared = this.prepare(t, fields, 'insert');
    if (Array.isArray(prepared)) return failed(null, ...prepared);
    const { values, blob } = prepared;
    const missing = t.required.filter(f => values[f.name] === null || values[f.name] === undefined)
      .filter(f => !(f.type === 'base64' && blob));
    if (missing.length) {
      const names = missing.map(f => f.name);
      return failed(null, err('REQUIRED_FIELD_MISSING', `Required fields are missing: [${names.join(', ')}]`, names));
    }
    const dup = this.checkUnique(t, values);
    if (dup) return failed(null, dup);
    const now = this.timestamp();
    const user = this.actor;
    const rec: StoredRecord = { Id: makeId(t.schema.keyPrefix, this.serial++, ID_POD), IsDeleted: false };
    for (const [k, v] of t.defaults) rec[k] = v;
    if (t.schema.fieldMap.has('ownerid')) rec.OwnerId = user || null;
    Object.assign(rec, { CreatedDate: now, CreatedById: user || null, LastModifiedDate: now,
      LastModifiedById: user || null, SystemModstamp: now });
    for (const k of Object.keys(values)) if (values[k] !== null || !(k in rec)) rec[k] = values[k];
    const derivedErr = derive(this, t.schema, rec, blob);
    if (derivedErr) return failed(null, derivedErr);
    this.put(t, rec);
    this.log({ o: 'i', r: rec });
    if (blob) this.setBlob(rec.Id, blob);
    onCreated(this, t.schema, rec);
    return { success: true, id: rec.Id };
  }

  update(sobject: string | undefined, id: string, fields: Record<string, unknown>): DmlResult {
    const norm = normalizeId(id);
    if (!norm) return failed(null, err('MALFORMED_ID', `malformed id ${id}`, ['Id']));
    const t = this.tableOfId(norm);
    const expected = sobject === undefined ? undefined : this.schema.get(sobject);
    if (!t || (expected && expected !== t.schema)) {
      const label = expected?.label ?? 'Record';
      return failed(norm, err('MALFORMED_ID', `${label} ID: id value of incorrect type: ${id}`, ['Id']));
    }
    const rec = t.rows.get(norm);
    if (!rec) return failed(norm, err('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id'));
    if (rec.IsDeleted) return failed(norm, err('ENTITY_IS_DELETED', 'entity is deleted'));
    if (!t.schema.updateable) return failed(norm, err('INVALID_TYPE', `entity type ${t.schema.name} does not support update`));
    const prepared = this.prepare(t, fields, 'update', norm);
    if (Array.isArray(prepared)) return failed(norm, ...prepared);
    const { values, blob } = prepared;
    const requiredNulled = t.required.filter(f => f.name in values && values[f.name] === null).map(f => f.name);
    if (requiredNulled.length) {
      return failed(norm, err('REQUIRED_FIELD_MISSING', `Required fields are missing: [${requiredNulled.join(', ')}]`, requiredNulled));
    }
    const dup = this.checkUnique(t, values, norm);
    if (dup) return failed(norm, dup);
    const now = this.timestamp();
    // only values that differ reach `next` (the loop below): a field sent with its current value is no change
    const next: Record<string, unknown> = { LastModifiedDate: now, SystemModstamp: now };
    const draft = { ...rec, ...values, ...next, LastModifiedById: this.actor || null } as StoredRecord;
    const derivedErr = derive(this, t.schema, draft, blob);
    if (derivedErr) return failed(norm, derivedErr);
    for (const k of Object.keys(draft)) if (draft[k] !== rec[k]) next[k] = draft[k];
    this.apply(t, rec, next);
    this.log({ o: 'u', id: norm, f: next });
    if (blob) this.setBlob(norm, blob);
    return { success: true, id: norm };
  }

  upsert(sobject: string, externalIdField: string, value: string, fields: Record<string, unknown>): DmlResult {
    const t = this.tableOf(sobject);
    if (!t) return failed(null, err('INVALID_TYPE', `sObject type '${sobject}' is not supported.`));
    const f = t.schema.fieldMap.get(externalIdField.toLowerCase());
    if (!f || !(f.externalId || f.type === 'id' || f.idLookup)) {
      return failed(null, err('INVALID_FIELD', `Provided external ID field does not exist or is not accessible: ${externalIdField}`));
    }
    const matches = this.findBy(t.schema.name, f.name, value);
    if (matches.length > 1) {
      return failed(null, err('DUPLICATE_EXTERNAL_ID', `${f.name}: more than one record found for external id field: ` +
        `[${matches.map(m => m.Id).join(', ')}]`, [f.name]));
    }
    const body = { ...fields };
    for (const k of Object.keys(body)) if (k.toLowerCase() === f.name.toLowerCase()) delete body[k];
    if (matches.length === 1) {
      const r = this.update(t.schema.name, matches[0].Id, body);
      return r.success ? { ...r, created: false } : r;
    }
    if (f.type === 'id') return failed(null, err('NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${value}`));
    const r = this.insert(t.schema.name, { ...body, [f.name]: value });
    return r.success ? { ...r, created: true } : r;
  }

  delete(id: string, opts: { hard?: boolean } = {}): DmlResult {
    const norm = normalizeId(id);
    if (!norm) return failed(null, err('MALFORMED_ID', `malformed id ${id}`));
    const t = this.tableOfId(norm);
    const rec = t?.rows.get(norm);
    if (!t || !rec) return failed(norm, err('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id'));
    if (!t.schema.deletable) return failed(norm, err('INVALID_TYPE', `entity type ${t.schema.name} does not support delete`));
    if (!opts.hard && rec.IsDeleted) return failed(norm, err('ENTITY_IS_DELETED', 'entity is deleted'));
    const plan = this.deletePlan(t, rec, !!opts.hard);
    if (!Array.isArray(plan)) return failed(norm, plan);
    if (opts.hard) {
      for (const [pt, prec] of plan) this.hardDelete(pt, prec);
      return { success: true, id: norm };
    }
    const now = this.timestamp();
    const next = { IsDeleted: true, SystemModstamp: now, LastModifiedDate: now, LastModifiedById: this.actor || null };
    for (const [pt, prec] of plan) {
      this.apply(pt, prec, next);
      this.log({ o: 'u', id: prec.Id, f: next });
    }
    return { success: true, id: norm };
  }

  private hardDelete(t: Table, rec: StoredRecord): void {
    const blob = this.blobs.get(rec.Id);
    this.remove(t, rec);
    this.blobs.delete(rec.Id);
    this.onUndo(() => {
      this.put(t, rec);
      if (blob) this.blobs.set(rec.Id, blob);
    });
    this.log({ o: 'h', id: rec.Id });
  }

  transaction<T>(fn: () => T): T {
    const end = this.begin();
    let committed = false;
    try {
      const result = fn();
      committed = (result as unknown) !== false;
      return result;
    } finally {
      end(committed);
    }
  }

  /**
   * Opens a transaction that may span awaits (a Composite request's subrequests); call the returned function once
   * with true to keep the changes or false to undo them. Inside another transaction it is a savepoint: undoing it
   * undoes only what was done since, and keeping it leaves the outer transaction to decide. The caller must not
   * wait on I/O while it is open, or another request's writes would land inside it.
   */
  begin(): (commit: boolean) => void {
    if (this.undo && this.pending) {
      const undo = this.undo;
      const pending = this.pending;
      const mark = undo.length;
      const journalMark = pending.length;
      return keep => {
        if (keep) return;
        for (let i = undo.length - 1; i >= mark; i--) undo[i]();
        undo.length = mark;
        pending.length = journalMark;
      };
    }
    this.undo = [];
    this.pending = [];
    let open = true;
    return keep => {
      if (!open) return;
      open = false;
      const undo = this.undo ?? [];
      const pending = this.pending ?? [];
      this.undo = null;
      this.pending = null;
      if (keep) for (const e of pending) this.commit(e);
      else for (let i = undo.length - 1; i >= 0; i--) undo[i]();
    };
  }

  blob(id: string): Buffer | undefined {
    const norm = normalizeId(id);
    return norm ? this.blobs.get(norm) : undefined;
  }

  setBlob(id: string, data: Buffer): void {
    const norm = normalizeId(id) ?? id;
    const before = this.blobs.get(norm);
    this.blobs.set(norm, data);
    this.onUndo(() => (before ? this.blobs.set(norm, before) : this.blobs.delete(norm)));
    this.log({ o: 'b', id: norm, d: data.toString('base64') });
  }

  /** Writes pending journal lines to disk (the server calls it before answering). */
  flush(): void {
    this.journal?.flush();
  }

  /** Every row and blob, for journal compaction. */
  *snapshot(): Iterable<JournalEntry> {
    for (const t of this.tables.values()) for (const r of t.rows.values()) yield { o: 'i', r };
    for (const [id, d] of this.blobs) yield { o: 'b', id, d: d.toString('base64') };
  }

  /** Applies a journal entry (replay on start); idempotent so a journal replayed over its own snapshot is harmless. */
  replay(e: JournalEntry): void {
    switch (e.o) {
      case 'i': {
        const t = this.tableOfId(e.r.Id);
        if (!t) return;
        const old = t.rows.get(e.r.Id);
        if (old) this.remove(t, old);
        this.put(t, { ...e.r });
        if (e.r.Id.slice(3, 6) === ID_POD) this.serial = Math.max(this.serial, serialOf(e.r.Id) + 1);
        return;
      }
      case 'u': {
        const t = this.tableOfId(e.id);
        const rec = t?.rows.get(e.id);
        if (t && rec) this.applyRaw(t, rec, e.f);
        return;
      }
      case 'h': {
        const t = this.tableOfId(e.id);
        const rec = t?.rows.get(e.id);
        if (t && rec) this.remove(t, rec);
        this.blobs.delete(e.id);
        return;
      }
      case 'b':
        this.blobs.set(e.id, Buffer.from(e.d, 'base64'));
    }
  }

  /** Inserts a row as is (seed data such as the org's users), bypassing validation. */
  seedRecord(rec: StoredRecord): void {
    const t = this.tableOfId(rec.Id);
    if (!t || t.rows.has(rec.Id)) return;
    this.put(t, rec);
    this.log({ o: 'i', r: rec });
  }

  /** The current datetime in wire form (cached per millisecond: bulk inserts share it). */
  private timestamp(): string {
    const ms = this.now();
    if (this.stamp[0] !== ms) this.stamp = [ms, formatDatetime(ms)];
    return this.stamp[1];
  }

  /** Subscribes to committed changes; returns the unsubscribe. */
  onCommit(listener: CommitListener): () => void {
    this.commitListeners.add(listener);
    return () => void this.commitListeners.delete(listener);
  }

  private log(e: JournalEntry): void {
    if (this.pending) this.pending.push(e);
    else this.commit(e);
  }

  private commit(e: JournalEntry): void {
    this.journal?.append(e);
    for (const listener of this.commitListeners) listener(e);
  }

  private onUndo(fn: () => void): void {
    this.undo?.push(fn);
  }

  private put(t: Table, rec: StoredRecord): void {
    t.rows.set(rec.Id, rec);
    if (!rec.IsDeleted) t.live++;
    else t.bin.add(rec.Id);
    this.index(t, rec, true);
    if (this.undo) this.undo.push(() => this.remove(t, rec));
  }

  private remove(t: Table, rec: StoredRecord): void {
    if (!t.rows.delete(rec.Id)) return;
    if (!rec.IsDeleted) t.live--;
    else t.bin.delete(rec.Id);
    this.index(t, rec, false);
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

  /** Changes fields of a stored row, keeping indexes and counts right, with an undo step. */
  private apply(t: Table, rec: StoredRecord, next: Record<string, unknown>): void {
    if (!this.undo) {
      this.applyRaw(t, rec, next);
      return;
    }
    const before: Record<string, unknown> = {};
    for (const k of Object.keys(next)) before[k] = k in rec ? rec[k] : undefined;
    this.applyRaw(t, rec, next);
    this.undo.push(() => this.applyRaw(t, rec, before));
  }

  private applyRaw(t: Table, rec: StoredRecord, next: Record<string, unknown>): void {
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

  /** Creates a row the org makes itself (a ContentDocument for a new ContentVersion), without API validation. */
  internalInsert(sobject: string, values: Record<string, unknown>): StoredRecord {
    const t = this.tableOf(sobject)!;
    const now = this.timestamp();
    const user = this.actor || null;
    const rec: StoredRecord = { Id: makeId(t.schema.keyPrefix, this.serial++, ID_POD), IsDeleted: false };
    for (const [k, v] of t.defaults) rec[k] = v;
    if (t.schema.fieldMap.has('ownerid')) rec.OwnerId = user;
    Object.assign(rec, { CreatedDate: now, CreatedById: user, LastModifiedDate: now, LastModifiedById: user,
      SystemModstamp: now }, values);
    this.put(t, rec);
    this.log({ o: 'i', r: rec });
    return rec;
  }

  /**
   * Sets fields the org maintains itself (read-only to the API). An automated change moves SystemModstamp but not
   * LastModifiedDate, as Salesforce's own background updates do.
   */
  internalSet(id: string, values: Record<string, unknown>): void {
    const t = this.tableOfId(id);
    const rec = t?.rows.get(id);
    if (!t || !rec) return;
    const next = { ...values, SystemModstamp: this.timestamp() };
    this.apply(t, rec, next);
    this.log({ o: 'u', id, f: next });
  }

  /** Rows of one object in the Recycle Bin (deleted, not yet purged). */
  *recycleBin(sobject: string): Iterable<StoredRecord> {
    const t = this.tableOf(sobject);
    if (!t) return;
    this.purgeRecycleBin();
    for (const id of t.bin) yield t.rows.get(id)!;
  }

  /**
   * Purges for good every row deleted longer ago than the retention, as the Recycle Bin's background job does: they
   * leave queryAll, and getDeleted's earliestDateAvailable moves past them. It runs whenever the bin is read (queryAll,
   * getDeleted), at most once per millisecond of the org's clock, so no timer is needed and answers never lag.
   * Returns how many rows went.
   */
  purgeRecycleBin(): number {
    const now = this.now();
    if (now === this.purgedAt) return 0;
    this.purgedAt = now;
    const before = formatDatetime(now - this.recycleBinRetentionMs);
    let purged = 0;
    for (const t of this.tables.values()) {
      for (const id of [...t.bin]) {
        const rec = t.rows.get(id)!;
        const stamp = String(rec.SystemModstamp);
        if (stamp >= before) continue;
        if (!t.purgedThrough || stamp > t.purgedThrough) t.purgedThrough = stamp;
        this.remove(t, rec);
        this.blobs.delete(id);
        this.log({ o: 'h', id });
        purged++;
      }
    }
    return purged;
  }

  /** SystemModstamp of the newest row of `sobject` purged from the Recycle Bin, if any was. */
  purgedThrough(sobject: string): string | undefined {
    return this.tableOf(sobject)?.purgedThrough;
  }

  /** Rows ever created for an object (auto-number fields count on from it). */
  created(sobject: string): number {
    return this.tableOf(sobject)?.rows.size ?? 0;
  }

  /** True for fields the store maintains itself. */
  static isSystemField(name: string): boolean {
    return SYSTEM_FIELDS.has(name);
  }
}
