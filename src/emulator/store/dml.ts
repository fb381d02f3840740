/**
 * The writes as Salesforce makes them: insert, update, upsert and delete with their checks, audit fields, derived
 * fields and cascades, plus the org's own writes (a ContentDocument for a new ContentVersion, fields it maintains).
 * Each composes validation, relationships, the rows and the transaction; none reads who is acting from shared state:
 * the user every write is stamped with is its first argument (the Store passes the request's user, see acting.ts).
 */
import { formatDatetime } from '../dates.js';
import { derive, onCreated, type DeriveHost } from '../derived.js';
import { makeId, normalizeId, serialOf } from '../ids.js';
import type { DmlResult, SchemaRegistry, StoredRecord } from '../types.js';
import type { Blobs } from './blobs.js';
import type { Changes } from './changes.js';
import type { Relationships } from './relationships.js';
import type { Table, Tables } from './tables.js';
import { checkUnique, err, failed, missingOnInsert, nulledOnUpdate, prepare } from './validation.js';

/** The pod part of the ids this org makes. */
const ID_POD = '5g0';

/** New record ids, numbered on from the highest one the journal holds. */
export class RecordIds {
  private serial = 1;

  next(keyPrefix: string): string {
    return makeId(keyPrefix, this.serial++, ID_POD);
  }

  /** Notes an id already in use (journal replay), so new ids never repeat it. */
  saw(id: string): void {
    if (id.slice(3, 6) === ID_POD) this.serial = Math.max(this.serial, serialOf(id) + 1);
  }
}

export interface DmlParts {
  schema: SchemaRegistry;
  tables: Tables;
  relationships: Relationships;
  changes: Changes;
  blobs: Blobs;
  ids: RecordIds;
  now: () => number;
}

export class Dml {
  private stamp: [number, string] = [NaN, ''];
  /** The store as derived fields see it, per acting user (a ContentDocument made for a version is that user's). */
  private readonly hosts = new Map<string, DeriveHost>();

  constructor(private readonly parts: DmlParts) {}

  insert(user: string, sobject: string, fields: Record<string, unknown>): DmlResult {
    const { tables, relationships } = this.parts;
    const t = tables.of(sobject);
    if (!t) return failed(null, err('INVALID_TYPE', `sObject type '${sobject}' is not supported.`));
    if (!t.schema.createable) return failed(null, err('INVALID_TYPE', `entity type ${t.schema.name} does not support insert`));
    const prepared = prepare(t, relationships, fields, 'insert');
    if (Array.isArray(prepared)) return failed(null, ...prepared);
    const { values, blob } = prepared;
    const missing = missingOnInsert(t, values, blob);
    if (missing) return failed(null, missing);
    const dup = checkUnique(t, values);
    if (dup) return failed(null, dup);
    const rec = this.newRow(t, user);
    for (const k of Object.keys(values)) if (values[k] !== null || !(k in rec)) rec[k] = values[k];
    const host = this.host(user);
    const derivedErr = derive(host, t.schema, rec, blob);
    if (derivedErr) return failed(null, derivedErr);
    this.put(t, rec);
    if (blob) this.parts.blobs.set(rec.Id, blob);
    onCreated(host, t.schema, rec);
    return { success: true, id: rec.Id };
  }

  update(user: string, sobject: string | undefined, id: string, fields: Record<string, unknown>): DmlResult {
    const { schema, tables, relationships } = this.parts;
    const norm = normalizeId(id);
    if (!norm) return failed(null, err('MALFORMED_ID', `malformed id ${id}`, ['Id']));
    const t = tables.ofId(norm);
    const expected = sobject === undefined ? undefined : schema.get(sobject);
    if (!t || (expected && expected !== t.schema)) {
      const label = expected?.label ?? 'Record';
      return failed(norm, err('MALFORMED_ID', `${label} ID: id value of incorrect type: ${id}`, ['Id']));
    }
    const rec = t.rows.get(norm);
    if (!rec) return failed(norm, err('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id'));
    if (rec.IsDeleted) return failed(norm, err('ENTITY_IS_DELETED', 'entity is deleted'));
    if (!t.schema.updateable) return failed(norm, err('INVALID_TYPE', `entity type ${t.schema.name} does not support update`));
    const prepared = prepare(t, relationships, fields, 'update', norm);
    if (Array.isArray(prepared)) return failed(norm, ...prepared);
    const { values, blob } = prepared;
    const nulled = nulledOnUpdate(t, values);
    if (nulled) return failed(norm, nulled);
    const dup = checkUnique(t, values, norm);
    if (dup) return failed(norm, dup);
    const now = this.timestamp();
    // only values that differ reach `next` (the loop below): a field sent with its current value is no change
    const next: Record<string, unknown> = { LastModifiedDate: now, SystemModstamp: now };
    const draft = { ...rec, ...values, ...next, LastModifiedById: user || null } as StoredRecord;
    const derivedErr = derive(this.host(user), t.schema, draft, blob);
    if (derivedErr) return failed(norm, derivedErr);
    for (const k of Object.keys(draft)) if (draft[k] !== rec[k]) next[k] = draft[k];
    this.change(t, rec, next);
    if (blob) this.parts.blobs.set(norm, blob);
    return { success: true, id: norm };
  }

  upsert(user: string, sobject: string, externalIdField: string, value: string, fields: Record<string, unknown>): DmlResult {
    const t = this.parts.tables.of(sobject);
    if (!t) return failed(null, err('INVALID_TYPE', `sObject type '${sobject}' is not supported.`));
    const f = t.schema.fieldMap.get(externalIdField.toLowerCase());
    if (!f || !(f.externalId || f.type === 'id' || f.idLookup)) {
      return failed(null, err('INVALID_FIELD', `Provided external ID field does not exist or is not accessible: ${externalIdField}`));
    }
    const matches = this.parts.tables.findBy(t.schema.name, f.name, value);
    if (matches.length > 1) {
      return failed(null, err('DUPLICATE_EXTERNAL_ID', `${f.name}: more than one record found for external id field: ` +
        `[${matches.map(m => m.Id).join(', ')}]`, [f.name]));
    }
    const body = { ...fields };
    for (const k of Object.keys(body)) if (k.toLowerCase() === f.name.toLowerCase()) delete body[k];
    if (matches.length === 1) {
      const r = this.update(user, t.schema.name, matches[0].Id, body);
      return r.success ? { ...r, created: false } : r;
    }
    if (f.type === 'id') return failed(null, err('NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${value}`));
    const r = this.insert(user, t.schema.name, { ...body, [f.name]: value });
    return r.success ? { ...r, created: true } : r;
  }

  delete(user: string, id: string, opts: { hard?: boolean } = {}): DmlResult {
    const norm = normalizeId(id);
    if (!norm) return failed(null, err('MALFORMED_ID', `malformed id ${id}`));
    const t = this.parts.tables.ofId(norm);
    const rec = t?.rows.get(norm);
    if (!t || !rec) return failed(norm, err('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id'));
    if (!t.schema.deletable) return failed(norm, err('INVALID_TYPE', `entity type ${t.schema.name} does not support delete`));
    if (!opts.hard && rec.IsDeleted) return failed(norm, err('ENTITY_IS_DELETED', 'entity is deleted'));
    const plan = this.parts.relationships.deletePlan(t, rec, !!opts.hard);
    if (!Array.isArray(plan)) return failed(norm, plan);
    if (opts.hard) {
      for (const [pt, prec] of plan) this.hardDelete(pt, prec);
      return { success: true, id: norm };
    }
    const now = this.timestamp();
    const next = { IsDeleted: true, SystemModstamp: now, LastModifiedDate: now, LastModifiedById: user || null };
    for (const [pt, prec] of plan) this.change(pt, prec, next);
    return { success: true, id: norm };
  }

  /** Creates a row the org makes itself (a ContentDocument for a new ContentVersion), without API validation. */
  internalInsert(user: string, sobject: string, values: Record<string, unknown>): StoredRecord {
    const t = this.parts.tables.of(sobject)!;
    const rec = Object.assign(this.newRow(t, user), values);
    this.put(t, rec);
    return rec;
  }

  /**
   * Sets fields the org maintains itself (read-only to the API). An automated change moves SystemModstamp but not
   * LastModifiedDate, as Salesforce's own background updates do.
   */
  internalSet(id: string, values: Record<string, unknown>): void {
    const t = this.parts.tables.ofId(id);
    const rec = t?.rows.get(id);
    if (!t || !rec) return;
    this.change(t, rec, { ...values, SystemModstamp: this.timestamp() });
  }

  /** Inserts a row as is (seed data such as the org's users), bypassing validation. */
  seedRecord(rec: StoredRecord): void {
    const t = this.parts.tables.ofId(rec.Id);
    if (!t || t.rows.has(rec.Id)) return;
    this.put(t, rec);
  }

  /** A new row of `t` with its defaults and audit fields, stamped with `user`. */
  private newRow(t: Table, user: string): StoredRecord {
    const now = this.timestamp();
    const rec: StoredRecord = { Id: this.parts.ids.next(t.schema.keyPrefix), IsDeleted: false };
    for (const [k, v] of t.defaults) rec[k] = v;
    if (t.schema.fieldMap.has('ownerid')) rec.OwnerId = user || null;
    Object.assign(rec, { CreatedDate: now, CreatedById: user || null, LastModifiedDate: now,
      LastModifiedById: user || null, SystemModstamp: now });
    return rec;
  }

  /** Adds a row: undone with the transaction, journalled when it commits. */
  private put(t: Table, rec: StoredRecord): void {
    const { tables, changes } = this.parts;
    tables.put(t, rec);
    changes.onUndo(() => tables.remove(t, rec));
    changes.log({ o: 'i', r: rec });
  }

  /** Changes fields of a stored row: undone with the transaction, journalled when it commits. */
  private change(t: Table, rec: StoredRecord, next: Record<string, unknown>): void {
    const { tables, changes } = this.parts;
    if (changes.open) {
      const before: Record<string, unknown> = {};
      for (const k of Object.keys(next)) before[k] = k in rec ? rec[k] : undefined;
      changes.onUndo(() => tables.assign(t, rec, before));
    }
    tables.assign(t, rec, next);
    changes.log({ o: 'u', id: rec.Id, f: next });
  }

  private hardDelete(t: Table, rec: StoredRecord): void {
    const { tables, changes, blobs } = this.parts;
    tables.remove(t, rec);
    changes.onUndo(() => tables.put(t, rec));
    blobs.drop(rec.Id);
    changes.log({ o: 'h', id: rec.Id });
  }

  /** The store as derived fields see it, with the org's own writes stamped as `user`. */
  private host(user: string): DeriveHost {
    let host = this.hosts.get(user);
    if (!host) {
      host = {
        internalInsert: (sobject, values) => this.internalInsert(user, sobject, values),
        internalSet: (id, values) => this.internalSet(id, values),
        created: sobject => this.parts.tables.of(sobject)?.rows.size ?? 0,
        get: id => this.parts.tables.get(id),
      };
      this.hosts.set(user, host);
    }
    return host;
  }

  /** The current datetime in wire form (cached per millisecond: bulk inserts share it). */
  private timestamp(): string {
    const ms = this.parts.now();
    if (this.stamp[0] !== ms) this.stamp = [ms, formatDatetime(ms)];
    return this.stamp[1];
  }
}
