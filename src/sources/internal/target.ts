import type { SObjectModel } from '../../model/index.js';
import { idChecksum, isValidId, normalizeId, STANDARD_KEY_PREFIXES } from '../../util/ids.js';
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
  // the common case, a well-formed 18-character id, is checked once (this runs for every id of a list operation)
  if (typeof id === 'string' && id.length === 18 && isValidId(id) && !foreignPrefix(apiNameOf(target), id)) {
    const suffix = id.slice(15);
    return suffix === suffix.toUpperCase() ? id : id.slice(0, 15) + suffix.toUpperCase();
  }
  if (typeof id === 'string' && id.length === 18 && !isValidId(id)) {
    let restored: string | undefined;
    try {
      restored = normalizeId(id); // an 18-character id whose case another system lost
    } catch {
      // falls through to the error below
    }
    if (restored !== undefined) {
      if (!foreignPrefix(apiNameOf(target), restored)) return restored;
      id = restored; // its key prefix is checked like any other id's, below
    }
  }
  const reason = idProblem(apiNameOf(target), id);
  if (reason) throw invalid(reason, { sobject: apiNameOf(target), field: 'Id', recordIndex });
  return normalizeId(id as string);
}

/** Why `id` cannot be a record of `apiName`, in words a user can act on; undefined when it can. */
function idProblem(apiName: string, id: unknown): string | undefined {
  if (id === undefined || id === null || id === '') return `${apiName} Id is missing`;
  if (typeof id !== 'string') return `${apiName} id must be a string, got ${typeof id}`;
  const shown = `${apiName} id '${id.length > 40 ? `${id.slice(0, 40)}…` : id}'`;
  if (!/^[a-zA-Z0-9]+$/.test(id)) return `${shown} is malformed: an id has only letters and digits`;
  if (id.length !== 15 && id.length !== 18) return `${shown} is malformed: ${id.length} characters, an id has 15 or 18`;
  if (id.length === 18 && idChecksum(id.slice(0, 15)) !== id.slice(15).toUpperCase()) {
    return `${shown} is malformed: its checksum suffix ${id.slice(15)} does not match its first 15 characters ` +
      `(expected ${idChecksum(id.slice(0, 15))})`;
  }
  const owner = foreignPrefix(apiName, id);
  if (owner) return `${shown} belongs to ${owner} (key prefix ${id.slice(0, 3)}), not to ${apiName}`;
  return undefined;
}

/** Lower-cased names of the objects whose key prefix is the same in every org. */
const STANDARD_NAMES = new Set(Object.values(STANDARD_KEY_PREFIXES).map((n) => n.toLowerCase()));

/** The standard object that `id`'s key prefix names when it is not `apiName`, else undefined. */
function foreignPrefix(apiName: string, id: string): string | undefined {
  // only prefixes that are the same in every org; custom objects' prefixes vary, so they are not checked
  const owner = STANDARD_KEY_PREFIXES[id.slice(0, 3)];
  if (!owner || owner === apiName) return undefined;
  return checksPrefix(apiName) && owner.toLowerCase() !== apiName.toLowerCase() ? owner : undefined;
}

/** Per object name, whether its ids' key prefix can be checked (remembered: this runs for every id of a list). */
const prefixChecked = new Map<string, boolean>();
function checksPrefix(apiName: string): boolean {
  let known = prefixChecked.get(apiName);
  if (known === undefined) {
    const name = apiName.toLowerCase();
    known = STANDARD_NAMES.has(name) || name.endsWith('__c');
    if (prefixChecked.size < 1000) prefixChecked.set(apiName, known);
  }
  return known;
}
