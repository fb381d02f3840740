/** Compact builders for field schemas, with Salesforce's defaults for each type. */
import type { FieldSchema, FieldType } from '../types.js';

export type FieldOpts = Partial<Omit<FieldSchema, 'name' | 'type'>> & { required?: boolean };

/** Builds a field; `required` means not nillable, createable and not defaulted (REQUIRED_FIELD_MISSING on create). */
export function field(name: string, type: FieldType, opts: FieldOpts = {}): FieldSchema {
  const { required, ...rest } = opts;
  const custom = name.endsWith('__c');
  const base: FieldSchema = {
    name,
    label: rest.label ?? labelOf(name),
    type,
    length: 0,
    precision: 0,
    scale: 0,
    nillable: !required && type !== 'boolean',
    createable: true,
    updateable: true,
    defaultedOnCreate: type === 'boolean',
    unique: false,
    externalId: false,
    idLookup: false,
    calculated: false,
    autoNumber: false,
    picklistValues: [],
    restrictedPicklist: false,
    referenceTo: [],
    relationshipName: null,
    cascadeDelete: false,
    custom,
  };
  return { ...base, ...rest, nillable: rest.nillable ?? base.nillable };
}

export const str = (name: string, length: number, opts: FieldOpts = {}) => field(name, 'string', { length, ...opts });
export const text = (name: string, length: number, opts: FieldOpts = {}) =>
  field(name, 'textarea', { length, ...opts });
export const phone = (name: string, opts: FieldOpts = {}) => field(name, 'phone', { length: 40, ...opts });
export const email = (name: string, opts: FieldOpts = {}) => field(name, 'email', { length: 80, ...opts });
export const url = (name: string, opts: FieldOpts = {}) => field(name, 'url', { length: 255, ...opts });
export const bool = (name: string, opts: FieldOpts = {}) => field(name, 'boolean', opts);
export const date = (name: string, opts: FieldOpts = {}) => field(name, 'date', opts);
export const datetime = (name: string, opts: FieldOpts = {}) => field(name, 'datetime', opts);
export const int = (name: string, digits: number, opts: FieldOpts = {}) =>
  field(name, 'int', { precision: digits, ...opts });
export const num = (name: string, type: 'double' | 'currency' | 'percent', precision: number, scale: number,
  opts: FieldOpts = {}) => field(name, type, { precision, scale, ...opts });
export const readonly = (f: FieldSchema): FieldSchema => ({ ...f, createable: false, updateable: false });

export function picklist(name: string, values: string[], opts: FieldOpts & { multi?: boolean } = {}): FieldSchema {
  const { multi, ...rest } = opts;
  return field(name, multi ? 'multipicklist' : 'picklist', {
    length: multi ? 4099 : 255,
    picklistValues: values.map((v, i) => ({ value: v, label: v, active: true, defaultValue: i === 0 && !!rest.defaultedOnCreate })),
    ...rest,
  });
}

/** A lookup; `relationshipName` is what SOQL traverses (`Account.Name`). */
export function ref(name: string, to: string[], relationshipName: string, opts: FieldOpts = {}): FieldSchema {
  return field(name, 'reference', { length: 18, referenceTo: to, relationshipName, ...opts });
}

/** "BillingCity" → "Billing City", "AccountId" → "Account ID", "External_Id__c" → "External Id". */
export function labelOf(name: string): string {
  if (name.endsWith('__c')) return name.slice(0, -3).replace(/_/g, ' ');
  if (name === 'Id') return 'Record ID';
  const spaced = name.replace(/([a-z])([A-Z])/g, '$1 $2');
  return spaced.endsWith(' Id') ? spaced.slice(0, -3) + ' ID' : spaced;
}
