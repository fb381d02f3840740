/**
 * What Salesforce refuses in a save, before anything is written, with its status codes and wording: unknown or
 * read-only fields, an Id where none belongs, values of the wrong type (coerced by ../validate.ts), required fields
 * missing or nulled, duplicate values of unique fields. Lookups are checked by store/relationships.ts, reached
 * through `LookupRules` so the two stay independent.
 */
import { normalizeId } from '../ids.js';
import type { DmlResult, FieldSchema, RecordError } from '../types.js';
import { coerce } from '../validate.js';
import type { Table } from './tables.js';

export const err = (statusCode: string, message: string, fields: string[] = []): RecordError => ({ statusCode, message, fields });
export const failed = (id: string | null, ...errors: RecordError[]): DmlResult => ({ success: false, id, errors });

/** What validation asks of the lookups (store/relationships.ts). */
export interface LookupRules {
  resolve(t: Table, fields: Record<string, unknown>, errors: RecordError[]): Record<string, unknown>;
  checkReference(f: FieldSchema, id: string): RecordError | undefined;
}

/** Input fields → canonical names and coerced values (and the new binary content, if any), or every error found. */
export function prepare(t: Table, lookups: LookupRules, fields: Record<string, unknown>, mode: 'insert' | 'update',
  selfId?: string): { values: Record<string, unknown>; blob?: Buffer } | RecordError[] {
  const values: Record<string, unknown> = {};
  const errors: RecordError[] = [];
  const readOnly: string[] = [];
  let blob: Buffer | undefined;
  fields = lookups.resolve(t, fields, errors);
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
      const refErr = lookups.checkReference(f, c.value as string);
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

/** An insert must give every required field (a base64 field by its content). */
export function missingOnInsert(t: Table, values: Record<string, unknown>, blob?: Buffer): RecordError | undefined {
  const names = t.required.filter(f => values[f.name] === null || values[f.name] === undefined)
    .filter(f => !(f.type === 'base64' && blob)).map(f => f.name);
  return names.length ? err('REQUIRED_FIELD_MISSING', `Required fields are missing: [${names.join(', ')}]`, names) : undefined;
}

/** An update may leave a required field out, but not set it to null. */
export function nulledOnUpdate(t: Table, values: Record<string, unknown>): RecordError | undefined {
  const names = t.required.filter(f => f.name in values && values[f.name] === null).map(f => f.name);
  return names.length ? err('REQUIRED_FIELD_MISSING', `Required fields are missing: [${names.join(', ')}]`, names) : undefined;
}

/** A unique field's value may belong to no other live row (compared as the index keeps it, without case). */
export function checkUnique(t: Table, values: Record<string, unknown>, selfId?: string): RecordError | undefined {
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
