/**
 * Record → wire JSON for a write, with validation before anything is sent.
 *
 * Conventions (one place, so every write path behaves the same):
 * - Read-only fields (and fields not createable on insert / not updateable on update) are silently not sent: a record
 *   read then saved carries Id, CreatedDate, formulas…, and refusing them would make every read-modify-save fail.
 * - Id is sent only on update, where it is required. On insert a non-null Id is refused: Salesforce assigns Ids, and
 *   dropping it would create a second record where the caller meant the one it named.
 * - Fields the model does not name: those that came from the server unchanged (relationship objects, aggregates,
 *   `attributes`) are not sent; others are refused with a ValidationError, unless the model was defined with
 *   `{ passthrough: true }`, in which case they are sent as they are.
 * - A parent relationship (`Account: { External_Id__c: 'A-1' }`) is sent when its lookup field may be written.
 * - A blob field still holding the REST path it was read with is not sent (nothing to upload).
 */
import { ValidationError } from '../util/errors.js';
import type { AnyField, FieldDef } from './fields.js';
import { META_KEYS, sameWire, snapshotOf, wireForCompare } from './tracking.js';
import type { SObjectModel, ToWireOptions, WriteOp } from './types.js';
import { isBlobPath, toWireValue } from './wire.js';

/** What serialization needs to know about a model beyond its public surface. */
export interface ModelInternals {
  model: SObjectModel<any>;
  builder(name: string): AnyField | undefined;
}

const describeValue = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : v instanceof Date ? 'a Date' : typeof v;

export function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function sendable(f: FieldDef, op: WriteOp): boolean {
  return op === 'insert' ? f.createable : op === 'update' ? f.updateable : f.createable || f.updateable;
}

function failure(ctx: ModelInternals, opts: ToWireOptions, field: string | undefined, reason: string): ValidationError {
  return new ValidationError({
    sobject: ctx.model.apiName, reason,
    ...(opts.index !== undefined ? { recordIndex: opts.index } : {}),
    ...(field !== undefined ? { field } : {}),
  });
}

/** Checks one non-undefined value against its field (null only when nullable). */
function check(ctx: ModelInternals, opts: ToWireOptions, f: FieldDef, value: unknown): void {
  if (value === null) {
    if (!f.nullable) throw failure(ctx, opts, f.name, 'null is not allowed (the field is not declared nullable)');
    return;
  }
  const builder = ctx.builder(f.name)!;
  if (builder.accepts?.(value)) return;
  const result = builder.schema.safeParse(value);
  if (!result.success) throw failure(ctx, opts, f.name, result.error.issues[0]?.message ?? 'invalid value');
}

/**
 * Validates `record` for `op` and returns the wire body (throws ValidationError on the first problem).
 * @param out where the fields are written (a collection entry that already holds its `attributes`); a new object
 *   by default
 */
export function serialize(ctx: ModelInternals, record: unknown, op: WriteOp, opts: ToWireOptions = {},
  out: Record<string, unknown> = {}): Record<string, unknown> {
  // no closures and no Set per call: this runs once per record of every list and bulk write
  const { model } = ctx;
  if (!isPlainRecord(record)) throw failure(ctx, opts, undefined, `a record must be a plain object, got ${describeValue(record)}`);

  const fromServer = snapshotOf(record);
  const snapshot = opts.onlyChanges ? fromServer : undefined;
  let sawId = false;
  /** Fields given but not sent because they still hold the REST path of a blob (insert: neither default nor missing). */
  let blobPaths: string[] | undefined;
  let changes = 0;

  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    const value = record[key];
    if (value === undefined || META_KEYS.has(key)) continue;
    const f = model.field(key);
    if (f) {
      if (f.kind === 'id') {
        sawId = true;
        if (op === 'insert' && value !== null) {
          throw failure(ctx, opts, 'Id', 'Id is set on insert; Salesforce assigns Ids (use update or upsert on Id to ' +
            'write the record it names, or drop Id to create a copy)');
        }
        if (op !== 'update') continue;
        check(ctx, opts, f, value);
        if (value === null) throw failure(ctx, opts, 'Id', 'Id is required for update');
        out.Id = value;
        continue;
      }
      if (!sendable(f, op)) continue;
      if (f.kind === 'blob' && isBlobPath(value)) {
        (blobPaths ??= []).push(f.name);
        continue;
      }
      check(ctx, opts, f, value);
      const wire = toWireValue(f, value);
      if (snapshot !== undefined && f.name in snapshot && sameWire(snapshot[f.name], wire)) continue;
      out[f.name] = wire;
      changes++;
      continue;
    }
    const wire = wireForCompare(undefined, value);
    if (fromServer && key in fromServer && sameWire(fromServer[key], wire)) continue; // read, never touched
    const lookup = model.relationship(key);
    if (lookup) {
      if (!sendable(lookup, op)) continue;
      const keys = isPlainRecord(value) ? Object.keys(value).filter(k => !META_KEYS.has(k)) : [];
      const ext = keys.length === 1 ? (value as Record<string, unknown>)[keys[0]!] : undefined;
      if (typeof ext !== 'string' && typeof ext !== 'number') {
        throw failure(ctx, opts, key, `a parent relationship must be written as { <external id field>: value }, got ${JSON.stringify(value)}`);
      }
      out[key] = { [keys[0]!]: ext };
      changes++;
      continue;
    }
    if (!model.passthrough) {
      throw failure(ctx, opts, key, `not a field of the ${model.apiName} model (define it with { passthrough: true } to send fields the model does not name)`);
    }
    out[key] = value instanceof Date ? toWireValue({ kind: 'datetime' } as FieldDef, value) : value;
    changes++;
  }

  if (op === 'update' && !sawId && model.field('Id')) throw failure(ctx, opts, 'Id', 'Id is required for update');
  if (op === 'insert') {
    for (const name of model.fieldNames) {
      const f = model.fields[name]!;
      // a createable field given a value was either written to `out` under its name, or thrown for, or is a blob path
      if (!f.createable || Object.prototype.hasOwnProperty.call(out, name) || blobPaths?.includes(name)) continue;
      if (f.hasDefault) {
        const value = typeof f.default === 'function' ? (f.default as () => unknown)() : f.default;
        check(ctx, opts, f, value);
        out[name] = toWireValue(f, value);
        changes++;
      } else if (!f.optional) {
        throw failure(ctx, opts, name, 'required field is missing');
      }
    }
  }
  return opts.onlyChanges && changes === 0 ? {} : out;
}
