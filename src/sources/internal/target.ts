import type { SObjectModel } from '../../model/index.js';
import { isValidId, normalizeId } from '../../util/ids.js';
import { invalid } from './invalid.js';

/** A model, or just an object's API name when no typed model is at hand. */
export type SObjectTarget = SObjectModel<any> | string;

/** Blob fields of the standard objects, for callers that pass only an API name. */
const STANDARD_BLOB_FIELDS: Readonly<Record<string, string>> = {
  contentversion: 'VersionData',
  attachment: 'Body',
  document: 'Body',
};

export function apiNameOf(target: SObjectTarget): string {
  return typeof target === 'string' ? target : target.apiName;
}

export function isModel(target: SObjectTarget): target is SObjectModel<any> {
  return typeof target !== 'string';
}

/** `sobjects/Account`, or `tooling/sobjects/ApexClass` for Tooling API models. */
export function sobjectPath(target: SObjectTarget, tooling?: boolean): string {
  const viaTooling = tooling ?? (isModel(target) && target.tooling);
  return `${viaTooling ? 'tooling/' : ''}sobjects/${encodeURIComponent(apiNameOf(target))}`;
}

/** The blob field of a model, or of a standard object named by API name. */
export function blobFieldOf(target: SObjectTarget): string | undefined {
  if (isModel(target) && target.blobField) return target.blobField;
  return STANDARD_BLOB_FIELDS[apiNameOf(target).toLowerCase()];
}

/** Checks a record id before any request; returns it in 18-character form. */
export function checkedId(target: SObjectTarget, id: unknown, recordIndex?: number): string {
  if (typeof id === 'string' && id.length === 18 && !isValidId(id)) {
    try {
      return normalizeId(id); // an 18-character id whose case another system lost
    } catch {
      // falls through to the error below
    }
  }
  if (!isValidId(id)) {
    const shown = typeof id === 'string' ? `'${id.slice(0, 40)}'` : String(id);
    throw invalid(`${apiNameOf(target)} id ${shown} is not a 15- or 18-character Salesforce id`, {
      sobject: apiNameOf(target),
      field: 'Id',
      recordIndex,
    });
  }
  return normalizeId(id);
}
