/**
 * Duplicate keys within one DML chunk of an ingest job. Salesforce refuses every row of a chunk whose record key
 * (the external id of an upsert, the Id of an update) another row of the same chunk repeats, and processes neither
 * (Salesforce Help 000384876: duplicates "within the same batch" fail with `Duplicate id specified: <id>`, while the
 * same Id in separate batches updates the record once per row).
 */
import { normalizeId } from '../ids.js';
import { repeatedKeys } from '../rest/collections.js';
import type { RowOutcome } from './applyRow.js';
import type { Column, IngestOperation } from './columns.js';

/**
 * Rows applied together, as Bulk API splits a batch into chunks of 200 records (the trigger chunk) and checks keys
 * per chunk. Bulk API 2.0 does not document its chunk size; 200 is the documented Bulk API (1.0) size.
 */
export const DML_CHUNK_ROWS = 200;

/** How a row's key is read for an operation, or undefined when the operation has no key to repeat. */
export function keyReader(operation: IngestOperation, columns: readonly Column[], externalIdFieldName: string | undefined):
  ((values: readonly string[]) => string | undefined) | undefined {
  const keyName = operation === 'update' ? 'id' : operation === 'upsert' ? (externalIdFieldName ?? 'Id').toLowerCase() : undefined;
  if (!keyName) return undefined;
  const index = columns.findIndex(c => c.kind === 'field' && c.field.name.toLowerCase() === keyName);
  if (index < 0) return undefined;
  const column = columns[index] as Extract<Column, { kind: 'field' }>;
  const isId = column.field.type === 'id';
  return values => {
    const raw = values[index]?.trim();
    if (!raw) return undefined;
    // external ids match case-insensitively, as the upsert itself matches them
    return isId ? normalizeId(raw) ?? raw : raw.toLowerCase();
  };
}

/** Indexes (in the chunk) of rows whose key another row of the chunk repeats. */
export function repeatedRows(chunk: readonly (readonly string[])[], keyOf: (values: readonly string[]) => string | undefined): Set<number> {
  return repeatedKeys(chunk.map(keyOf));
}

/**
 * The failure of a repeated row. The upsert message is the platform's (`DUPLICATE_VALUE`, "Duplicate external id
 * specified: <value>", as DML reports it); the update message is Salesforce Help's "Duplicate id specified: <id>",
 * whose status code the help article does not give: DUPLICATE_VALUE here (unconfirmed).
 */
export function duplicateOutcome(operation: IngestOperation, columns: readonly Column[], externalIdFieldName: string | undefined,
  values: readonly string[]): RowOutcome {
  const keyName = (operation === 'update' ? 'Id' : externalIdFieldName ?? 'Id').toLowerCase();
  const index = columns.findIndex(c => c.kind === 'field' && c.field.name.toLowerCase() === keyName);
  const value = values[index]?.trim() ?? '';
  if (operation === 'update') return { ok: false, id: value, error: `DUPLICATE_VALUE:Duplicate id specified: ${value}` };
  return { ok: false, id: '', error: `DUPLICATE_VALUE:Duplicate external id specified: ${value}` };
}
