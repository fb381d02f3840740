/**
 * Describe → model: the run-time twin of `generateModelSource`. Both read a describe result through
 * `fieldSpecOf`, so a generated model and a model built at run time are the same.
 */
import { sf, type AnyField } from './fields.js';
import { defineSObject } from './defineSObject.js';
import type { FieldShape, SObjectModel } from './types.js';

/** The parts of a describe field this layer reads (structurally a `DescribeField` of `/sobjects/{T}/describe`). */
export interface DescribeFieldLike {
  name: string;
  label?: string;
  type: string;
  length?: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate?: boolean;
  calculated?: boolean;
  autoNumber?: boolean;
  unique?: boolean;
  externalId?: boolean;
  picklistValues?: { value: string; active: boolean }[];
  restrictedPicklist?: boolean;
  referenceTo?: string[];
  relationshipName?: string | null;
}

/** The parts of a describe result this layer reads (structurally a `DescribeSObjectResult`). */
export interface DescribeSObjectLike {
  name: string;
  label?: string;
  fields: DescribeFieldLike[];
}

/** A field as an `sf.*` call: the kind, its JSON-able arguments, and the modifiers. */
export interface FieldSpec {
  kind: keyof typeof sf;
  args: unknown[];
  optional: boolean;
  nullable: boolean;
}

const TEXT_KINDS: Record<string, keyof typeof sf> = {
  string: 'string', combobox: 'string', encryptedstring: 'string', textarea: 'textarea', email: 'email', url: 'url',
  phone: 'phone',
};
const PLAIN_KINDS: Record<string, keyof typeof sf> = {
  boolean: 'boolean', int: 'int', long: 'int', double: 'double', currency: 'currency', percent: 'percent',
  date: 'date', datetime: 'datetime', time: 'time', base64: 'blob',
};

/**
 * How a describe field maps to a kind. Compound and untyped fields (address, location, anyType) give undefined:
 * they stay out of the model, so reads keep them as the server sent them.
 */
export function fieldSpecOf(f: DescribeFieldLike): FieldSpec | undefined {
  const type = f.type.toLowerCase();
  if (type === 'id') return { kind: 'id', args: [], optional: false, nullable: false };
  const ro = !f.createable && !f.updateable || f.calculated === true || f.autoNumber === true;
  const flags: Record<string, unknown> = {};
  if (ro) flags.readonly = true;
  else if (!f.createable || !f.updateable) Object.assign(flags, { createable: f.createable, updateable: f.updateable });
  if (f.externalId) flags.externalId = true;
  if (f.unique) flags.unique = true;

  let kind: keyof typeof sf;
  let args: unknown[];
  if (TEXT_KINDS[type]) {
    kind = TEXT_KINDS[type]!;
    args = [f.length ? { length: f.length, ...flags } : flags];
  } else if (type === 'picklist' || type === 'multipicklist') {
    kind = type;
    const values = (f.picklistValues ?? []).filter(p => p.active).map(p => p.value);
    args = [values, f.restrictedPicklist ? { restricted: true, ...flags } : flags];
  } else if (type === 'reference') {
    kind = 'reference';
    const to = f.referenceTo ?? [];
    args = [to.length === 1 ? to[0] : to, f.relationshipName ? { relationshipName: f.relationshipName, ...flags } : flags];
  } else if (PLAIN_KINDS[type]) {
    kind = PLAIN_KINDS[type]!;
    args = [flags];
  } else {
    return undefined;
  }
  if (args.length && isEmpty(args[args.length - 1])) args = args.slice(0, -1);
  // Present on every read: system fields the server always fills (CreatedDate) and fields required on create.
  const optional = f.nillable || (f.defaultedOnCreate === true && (f.createable || f.updateable));
  return { kind, args, optional, nullable: f.nillable && type !== 'boolean' };
}

const isEmpty = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

function buildField(spec: FieldSpec): AnyField {
  let field = (sf[spec.kind] as (...a: unknown[]) => AnyField)(...spec.args);
  if (spec.optional) field = field.optional();
  if (spec.nullable) field = field.nullable();
  return field;
}

/**
 * A model built at run time from `GET /sobjects/{T}/describe`.
 * @example
 * const Account = schemaFromDescribe(await describe('Account', { client }));
 */
export function schemaFromDescribe(describe: DescribeSObjectLike, options: { tooling?: boolean; passthrough?: boolean } = {}): SObjectModel<FieldShape> {
  const shape: FieldShape = {};
  for (const f of describe.fields) {
    const spec = fieldSpecOf(f);
    if (spec) shape[f.name] = buildField(spec);
  }
  return defineSObject(describe.name, shape, options);
}
