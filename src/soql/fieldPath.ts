import { ValidationError } from '../util/errors.js';
import type { FieldDef, SObjectModel } from '../model/index.js';

/** A field or relationship path: `Name`, `Account.Owner.Email`. */
export const FIELD_PATH_RE = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

/**
 * Checks a field path's syntax, and against the model when there is one: a plain name must be a field, the first
 * segment of a dotted path a parent relationship (`Account` of `AccountId`, `Foo__r` of `Foo__c`).
 * @returns the model's field for a plain name, if known
 */
export function checkFieldPath(path: string, model: SObjectModel<any> | undefined, sobject: string): FieldDef | undefined {
  if (typeof path !== 'string' || !FIELD_PATH_RE.test(path)) {
    throw new ValidationError({ sobject, field: String(path), reason: `not a SOQL field name: ${JSON.stringify(path)}` });
  }
  if (!model) return undefined;
  const dot = path.indexOf('.');
  if (dot < 0) {
    const f = model.field(path);
    if (!f && !model.passthrough) throw new ValidationError({ sobject, field: path, reason: `no field ${path} in the ${model.apiName} model` });
    return f;
  }
  const rel = path.slice(0, dot);
  if (!model.relationship(rel) && !model.passthrough) {
    throw new ValidationError({ sobject, field: path, reason: `no parent relationship ${rel} in the ${model.apiName} model` });
  }
  return undefined;
}
