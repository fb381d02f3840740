/**
 * What lookups mean to a write: a parent named by external id in a save (`"Account": { "External_Id__c": "A-1" }`),
 * a lookup that must point at a live record of the right object, and a delete that cascades to children or is
 * refused while a restricting lookup still points at the record. Salesforce's wording of each refusal is kept here.
 */
import { isRestrictedDelete } from '../schema/registry.js';
import type { FieldSchema, ObjectSchema, RecordError, SchemaRegistry, StoredRecord } from '../types.js';
import type { Table, Tables } from './tables.js';
import { err } from './validation.js';

/** A lookup from a child table to this table's records that a delete follows (cascade) or stops at (restrict). */
interface ChildLink {
  child: Table;
  /** The lookup field's canonical name; the child table indexes it. */
  field: string;
  cascade: boolean;
}

/** Lookup fields of `s` that cascade or restrict a parent's delete (indexed, so finding the children stays O(children)). */
export function deleteLinksTo(schema: SchemaRegistry, s: ObjectSchema): string[] {
  const out: string[] = [];
  for (const parent of schema.all()) {
    for (const c of parent.childRelationships) {
      if (c.childSObject === s.name && (c.cascadeDelete || isRestrictedDelete(c.childSObject, c.field))) out.push(c.field);
    }
  }
  return out;
}

export class Relationships {
  /** Parent key prefix → the lookups a delete of its records must follow or respect (built on first delete). */
  private childLinks?: Map<string, ChildLink[]>;

  constructor(private readonly schema: SchemaRegistry, private readonly tables: Tables) {}

  /**
   * A parent named by external id, as REST saves allow: `"Account": { "External_Id__c": "A-1" }` (with
   * `attributes.type` for polymorphic lookups) becomes `AccountId` with the matching record's Id.
   */
  resolve(t: Table, fields: Record<string, unknown>, errors: RecordError[]): Record<string, unknown> {
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
      const found = this.tables.findBy(target.name, lf.name, wanted);
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

  /** A lookup must point at a live record of one of the referenced objects. */
  checkReference(f: FieldSchema, id: string): RecordError | undefined {
    const t = this.tables.ofId(id);
    if (!t || !f.referenceTo.some(r => r.toLowerCase() === t.schema.name.toLowerCase())) {
      return err('FIELD_INTEGRITY_EXCEPTION', `${f.label}: id value of incorrect type: ${id}`, [f.name]);
    }
    const rec = t.rows.get(id);
    if (!rec) return err('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [f.name]);
    if (rec.IsDeleted) return err('ENTITY_IS_DELETED', 'entity is deleted', [f.name]);
    return undefined;
  }

  /**
   * What deleting `rec` takes with it: every row reached through cascading lookups (children of children too), or a
   * DELETE_FAILED error when a restricting lookup (a Case's AccountId or ContactId) still points at one of them.
   */
  deletePlan(t: Table, rec: StoredRecord, hard: boolean): [Table, StoredRecord][] | RecordError {
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

  private linksOf(t: Table): ChildLink[] {
    if (!this.childLinks) {
      this.childLinks = new Map();
      for (const parent of this.tables.all()) {
        const links: ChildLink[] = [];
        for (const c of parent.schema.childRelationships) {
          const restrict = isRestrictedDelete(c.childSObject, c.field);
          const child = this.tables.of(c.childSObject);
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
}
