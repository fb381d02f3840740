/**
 * The header row of an ingest upload, resolved against the schema once per upload: plain fields, relationship
 * columns (`Account.External_Id__c`, polymorphic `User:Owner.Email`) and the columns an operation ignores.
 */
import type { FieldSchema, ObjectSchema, SchemaRegistry } from '../types.js';

export type IngestOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';

export type Column =
  | { kind: 'field'; header: string; field: FieldSchema }
  | { kind: 'relationship'; header: string; reference: FieldSchema; target: ObjectSchema; lookup: FieldSchema }
  | { kind: 'ignored'; header: string };

/** A problem with the whole upload: the job fails with this as its `errorMessage`. */
export class JobFailure extends Error {}

function relationshipColumn(header: string, object: ObjectSchema, registry: SchemaRegistry): Column {
  const dot = header.indexOf('.');
  let rel = header.slice(0, dot);
  const lookupName = header.slice(dot + 1);
  let targetName: string | undefined;
  const colon = rel.indexOf(':');
  if (colon >= 0) {
    targetName = rel.slice(0, colon);
    rel = rel.slice(colon + 1);
  }
  const reference = object.fields.find(f => f.type === 'reference' && f.relationshipName?.toLowerCase() === rel.toLowerCase());
  if (!reference) throw new JobFailure(`InvalidBatch : Field name not found : ${header}`);
  const targetLower = (targetName ?? reference.referenceTo[0] ?? '').toLowerCase();
  const allowed = reference.referenceTo.find(t => t.toLowerCase() === targetLower);
  const target = allowed ? registry.get(allowed) : undefined;
  if (!target) throw new JobFailure(`InvalidBatch : Field name not found : ${header}`);
  const lookup = target.fieldMap.get(lookupName.toLowerCase());
  if (!lookup) throw new JobFailure(`InvalidBatch : Field name not found : ${header}`);
  if (!lookup.externalId && !lookup.idLookup && lookup.type !== 'id') {
    // Wording from the Bulk API's relationship-column check (unconfirmed for 2.0).
    throw new JobFailure(
      `InvalidBatch : Field name provided, ${lookup.name} is not an External ID or indexed field for ${target.name}`);
  }
  return { kind: 'relationship', header, reference, target, lookup };
}

/**
 * Resolves a header row. Names match case-insensitively, as the platform matches API names.
 * @throws JobFailure for an unknown or duplicated column, which fails the whole job before any row is processed.
 */
export function resolveColumns(header: readonly string[], object: ObjectSchema, registry: SchemaRegistry,
  operation: IngestOperation): Column[] {
  const seen = new Set<string>();
  return header.map((h): Column => {
    const name = h;
    const lower = name.toLowerCase();
    if (seen.has(lower)) throw new JobFailure(`InvalidBatch : Duplicate field name: ${name}`);
    seen.add(lower);
    if (operation === 'delete' || operation === 'hardDelete') {
      // Deletes read the Id column only.
      return lower === 'id' ? { kind: 'field', header: name, field: object.fieldMap.get('id')! } : { kind: 'ignored', header: name };
    }
    if (name.includes('.')) return relationshipColumn(name, object, registry);
    const field = object.fieldMap.get(lower);
    if (!field) throw new JobFailure(`InvalidBatch : Field name not found : ${name}`);
    return { kind: 'field', header: name, field };
  });
}
