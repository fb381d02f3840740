/** One CSV row → one DML call on the store, so bulk rows fail with the same errors REST reports. */
import type { DmlResult, OrgStore, RecordError } from '../types.js';
import type { Column, IngestOperation } from './columns.js';
import { csvToWire, SKIP, ValueError } from './values.js';

export type RowOutcome =
  | { ok: true; id: string; created: boolean }
  | { ok: false; id: string; error: string };

export interface RowContext {
  store: OrgStore;
  object: string;
  operation: IngestOperation;
  externalIdFieldName?: string;
  columns: readonly Column[];
}

const failure = (id: string, code: string, message: string): RowOutcome => ({ ok: false, id, error: `${code}:${message}` });

function fromDml(r: DmlResult, fallbackId: string, created: boolean): RowOutcome {
  if (r.success) return { ok: true, id: r.id, created: r.created ?? created };
  const e: RecordError | undefined = r.errors[0];
  return failure(r.id ?? fallbackId, e?.statusCode ?? 'UNKNOWN_EXCEPTION', e?.message ?? 'unknown error');
}

/** Builds the field map of a row; relationship columns are resolved through the external id index. */
function rowFields(ctx: RowContext, values: readonly string[]): { fields: Record<string, unknown> } | { outcome: RowOutcome } {
  const fields: Record<string, unknown> = {};
  for (let i = 0; i < ctx.columns.length; i++) {
    const col = ctx.columns[i];
    if (col.kind === 'ignored') continue;
    try {
      if (col.kind === 'field') {
        const v = csvToWire(values[i], col.field, i + 1);
        if (v !== SKIP) fields[col.field.name] = v;
        continue;
      }
      const key = csvToWire(values[i], col.lookup, i + 1);
      if (key === SKIP) continue;
      if (key === null) {
        fields[col.reference.name] = null;
        continue;
      }
      const found = ctx.store.findBy(col.target.name, col.lookup.name, key);
      if (found.length === 0) {
        return { outcome: failure('', 'INVALID_FIELD',
          `Foreign key external ID: ${values[i]} not found for field ${col.lookup.name} in entity ${col.target.name}`) };
      }
      if (found.length > 1) {
        return { outcome: failure('', 'INVALID_FIELD',
          `More than 1 record found for external id field ${col.lookup.name} in entity ${col.target.name}: ${values[i]}`) };
      }
      fields[col.reference.name] = found[0].Id;
    } catch (e) {
      if (e instanceof ValueError) return { outcome: failure('', 'INVALID_FIELD', e.message) };
      throw e;
    }
  }
  return { fields };
}

function takeId(fields: Record<string, unknown>): string {
  const key = Object.keys(fields).find(k => k.toLowerCase() === 'id');
  if (!key) return '';
  const id = fields[key];
  delete fields[key];
  return typeof id === 'string' ? id : '';
}

/** Applies one data row (already checked for its column count). */
export function applyRow(ctx: RowContext, values: readonly string[]): RowOutcome {
  const built = rowFields(ctx, values);
  if ('outcome' in built) return built.outcome;
  const { fields } = built;
  switch (ctx.operation) {
    case 'insert':
      return fromDml(ctx.store.insert(ctx.object, fields), '', true);
    case 'update': {
      const id = takeId(fields);
      if (!id) return failure('', 'MISSING_ARGUMENT', 'Id not specified in an update call');
      return fromDml(ctx.store.update(ctx.object, id, fields), id, false);
    }
    case 'upsert': {
      const ext = ctx.externalIdFieldName ?? 'Id';
      const key = Object.keys(fields).find(k => k.toLowerCase() === ext.toLowerCase());
      const value = key === undefined ? undefined : fields[key];
      if (value === undefined || value === null || value === '') {
        return failure('', 'MISSING_ARGUMENT', `${ext} not specified`);
      }
      return fromDml(ctx.store.upsert(ctx.object, ext, String(value), fields), '', false);
    }
    case 'delete':
    case 'hardDelete': {
      const id = takeId(fields);
      if (!id) return failure('', 'MISSING_ARGUMENT', 'Id not specified in a delete call');
      const prefix = ctx.store.schema.byKeyPrefix(id.slice(0, 3));
      if (prefix && prefix.name.toLowerCase() !== ctx.object.toLowerCase()) {
        return failure(id, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`);
      }
      return fromDml(ctx.store.delete(id, { hard: ctx.operation === 'hardDelete' }), id, false);
    }
  }
}
