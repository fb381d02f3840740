/** The org's schema: standard objects, the default org's custom fields, and custom objects from a JSON file. */
import { readFileSync } from 'node:fs';
import type { ChildRelationship, FieldSchema, FieldType, ObjectSchema, SchemaRegistry } from '../types.js';
import { bool, datetime, field, labelOf, readonly, ref, str } from './fields.js';
import { DEFAULT_ORG_CUSTOM_FIELDS, STANDARD_OBJECTS, type ObjectDef } from './standard.js';

/** Names of the child relationships Salesforce gives standard lookups (parent side), keyed `Child.Field`. */
const CHILD_NAMES: Record<string, string> = {
  'Contact.AccountId': 'Contacts', 'Opportunity.AccountId': 'Opportunities', 'Case.AccountId': 'Cases',
  'Case.ContactId': 'Cases', 'Account.ParentId': 'ChildAccounts', 'Case.ParentId': 'Cases',
  'Contact.ReportsToId': 'ReportsTo', 'Task.WhatId': 'Tasks', 'Task.WhoId': 'Tasks',
  'Attachment.ParentId': 'Attachments', 'ContentVersion.ContentDocumentId': 'ContentVersions',
  'Opportunity.ContactId': 'Opportunities', 'User.ManagerId': 'ManagedUsers',
};
/**
 * Lookups whose children go to the Recycle Bin with their parent: deleting an Account deletes its Contacts,
 * Opportunities, Activities and Attachments; deleting a Contact deletes its Activities (Salesforce Help, "What happens
 * when you delete accounts"). A custom master-detail field (`cascadeDelete: true` in the schema file) cascades too.
 */
const CASCADE = new Set(['Contact.AccountId', 'Opportunity.AccountId', 'Task.WhatId', 'Task.WhoId',
  'Attachment.ParentId', 'ContentVersion.ContentDocumentId']);

/**
 * Lookups that block their parent's delete while a live child points at it: an Account or a Contact with Cases cannot
 * be deleted (DELETE_FAILED "…is associated with the following cases.: 00001005").
 */
const RESTRICTED = new Set(['Case.AccountId', 'Case.ContactId']);

/** Whether a lookup (`Case`, `AccountId`) blocks the delete of the record it points at (describe's `restrictedDelete`). */
export function isRestrictedDelete(childSObject: string, field: string): boolean {
  return RESTRICTED.has(`${childSObject}.${field}`);
}

/** A custom field as written in the schema JSON file. */
export interface CustomFieldJson extends Partial<Omit<FieldSchema, 'type' | 'picklistValues'>> {
  name: string;
  type: FieldType;
  required?: boolean;
  picklistValues?: (string | FieldSchema['picklistValues'][number])[];
  /** Name of the parent's child relationship (`Invoices__r`), for lookups. */
  childRelationshipName?: string;
}

/**
 * Custom objects and fields: `{"objects":[{"name":"Invoice__c","label":"Invoice","labelPlural":"Invoices",
 * "keyPrefix":"a01","fields":[{"name":"Amount__c","type":"currency","precision":18,"scale":2}]}],
 * "fields":{"Account":[{"name":"Tier__c","type":"picklist","picklistValues":["Gold","Silver"]}]}}`.
 */
export interface SchemaJson {
  objects?: { name: string; label?: string; labelPlural?: string; keyPrefix?: string; fields?: CustomFieldJson[] }[];
  fields?: Record<string, CustomFieldJson[]>;
}

function systemFields(def: ObjectDef): FieldSchema[] {
  const sys = (f: FieldSchema) => ({ ...readonly(f), nillable: false, defaultedOnCreate: true });
  const out = [sys(field('Id', 'id', { length: 18, idLookup: true, label: `${def.label} ID` }))];
  if (def.owned) {
    out.push({ ...ref('OwnerId', ['User'], 'Owner', { label: 'Owner ID' }), nillable: false, defaultedOnCreate: true });
  }
  out.push(sys(bool('IsDeleted', { label: 'Deleted' })),
    sys(datetime('CreatedDate')), sys(ref('CreatedById', ['User'], 'CreatedBy', { label: 'Created By ID' })),
    sys(datetime('LastModifiedDate')),
    sys(ref('LastModifiedById', ['User'], 'LastModifiedBy', { label: 'Last Modified By ID' })),
    sys(datetime('SystemModstamp', { label: 'System Modstamp' })));
  return out;
}

function toField(json: CustomFieldJson): { f: FieldSchema; child?: string } {
  const { name, type, required, picklistValues, childRelationshipName, ...rest } = json;
  const length = rest.length ?? (type === 'string' || type === 'picklist' ? 255 : type === 'textarea' ? 32768 :
    type === 'reference' ? 18 : 0);
  const f = field(name, type, {
    ...rest, required, length,
    picklistValues: (picklistValues ?? []).map(v => typeof v === 'string'
      ? { value: v, label: v, active: true, defaultValue: false } : v),
    relationshipName: rest.relationshipName ?? (type === 'reference' ? name.replace(/__c$/, '__r') : null),
  });
  return { f, child: childRelationshipName };
}

export class Registry implements SchemaRegistry {
  private readonly byName = new Map<string, ObjectSchema>();
  private readonly byPrefix = new Map<string, ObjectSchema>();
  private readonly childNames = new Map<string, string>(Object.entries(CHILD_NAMES));

  constructor(custom?: SchemaJson) {
    const defs: ObjectDef[] = STANDARD_OBJECTS.map(d => ({ ...d, fields: [...d.fields,
      ...(DEFAULT_ORG_CUSTOM_FIELDS[d.name] ?? [])] }));
    let nextPrefix = 0;
    for (const o of custom?.objects ?? []) {
      const fields = (o.fields ?? []).map(j => {
        const { f, child } = toField(j);
        if (child) this.childNames.set(`${o.name}.${f.name}`, child);
        return f;
      });
      // a platform event (`X__e`) has neither a Name nor an owner
      const platformEvent = o.name.endsWith('__e');
      if (!platformEvent && !fields.some(f => f.name === 'Name')) fields.unshift(str('Name', 80, { required: true, idLookup: true }));
      defs.push({ name: o.name, label: o.label ?? labelOf(o.name), labelPlural: o.labelPlural ?? `${o.label ?? labelOf(o.name)}s`,
        keyPrefix: o.keyPrefix ?? `a0${(nextPrefix++).toString(36).toUpperCase()}`, owned: !platformEvent, fields, custom: true });
    }
    for (const [objName, jsons] of Object.entries(custom?.fields ?? {})) {
      const def = defs.find(d => d.name.toLowerCase() === objName.toLowerCase());
      if (!def) throw new Error(`Schema file: unknown object ${objName}`);
      for (const j of jsons) {
        const { f, child } = toField(j);
        if (child) this.childNames.set(`${def.name}.${f.name}`, child);
        def.fields = [...def.fields.filter(x => x.name !== f.name), f];
      }
    }
    for (const def of defs) this.add(def);
    this.linkChildren();
  }

  static fromFile(path: string): Registry {
    return new Registry(JSON.parse(readFileSync(path, 'utf8')) as SchemaJson);
  }

  private add(def: ObjectDef): void {
    const fields = [...systemFields(def), ...def.fields];
    const schema: ObjectSchema = {
      name: def.name, label: def.label, labelPlural: def.labelPlural, keyPrefix: def.keyPrefix,
      custom: def.custom ?? false, tooling: def.tooling, createable: def.createable ?? true,
      updateable: def.updateable ?? true, deletable: def.deletable ?? true, queryable: true, fields,
      fieldMap: new Map(fields.map(f => [f.name.toLowerCase(), f])), childRelationships: [], blobField: def.blobField,
    };
    this.byName.set(def.name.toLowerCase(), schema);
    this.byPrefix.set(def.keyPrefix, schema);
  }

  private linkChildren(): void {
    for (const child of this.byName.values()) {
      for (const f of child.fields) {
        if (f.type !== 'reference') continue;
        for (const parentName of f.referenceTo) {
          const parent = this.get(parentName);
          if (!parent) continue;
          const key = `${child.name}.${f.name}`;
          const rel: ChildRelationship = { childSObject: child.name, field: f.name,
            relationshipName: this.childNames.get(key) ?? null, cascadeDelete: CASCADE.has(key) || f.cascadeDelete };
          parent.childRelationships.push(rel);
        }
      }
    }
  }

  get(name: string): ObjectSchema | undefined {
    return this.byName.get(name.toLowerCase());
  }

  byKeyPrefix(prefix: string): ObjectSchema | undefined {
    return this.byPrefix.get(prefix);
  }

  all(): ObjectSchema[] {
    return [...this.byName.values()];
  }
}
