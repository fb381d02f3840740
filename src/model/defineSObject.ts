import { ValidationError } from '../util/errors.js';
import { sf, type AnyField, type FieldDef } from './fields.js';
import { stripAttributes } from './attributes.js';
import { registerHooks } from './internal.js';
import { serialize, type ModelInternals } from './serialize.js';
import { track, trackRead, wireForCompare } from './tracking.js';
import type { FieldShape, ModelOptions, SObjectModel, ShapeInsert, ShapeRecord, ToWireOptions, WriteOp } from './types.js';
import { fromWireValue } from './wire.js';

const IMPLICIT_ID = sf.id().named('Id');

/**
 * Declares the model of a Salesforce object: its fields, how they travel on the wire and how they are validated.
 * @example
 * import { defineSObject, sf, type RecordOf } from 'rxforce';
 * const Account = defineSObject('Account', {
 *   Id: sf.id(),
 *   Name: sf.string({ length: 255 }),
 *   Industry: sf.picklist(['Technology', 'Energy']).optional(),
 *   CreatedDate: sf.datetime({ readonly: true }),
 * });
 * type Account = RecordOf<typeof Account>;
 * @param apiName the object's API name (`Account`, `Invoice__c`)
 * @param fields field API name → `sf.*` kind
 * @param options `tooling` for Tooling API objects; `passthrough` to send fields the model does not name
 */
export function defineSObject<S extends FieldShape>(apiName: string, fields: S, options: ModelOptions = {}): SObjectModel<S> {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(apiName)) throw new TypeError(`Not an sObject API name: ${JSON.stringify(apiName)}`);
  const builders = new Map<string, AnyField>();
  const byLower = new Map<string, AnyField>();
  const byRelationship = new Map<string, FieldDef>();
  for (const [name, field] of Object.entries(fields)) {
    const named = field.named(name);
    if (byLower.has(name.toLowerCase())) throw new TypeError(`${apiName}: field ${name} is declared twice`);
    builders.set(name, named);
    byLower.set(name.toLowerCase(), named);
    const rel = named.def.relationshipName;
    if (named.def.kind === 'reference' && rel) byRelationship.set(rel.toLowerCase(), named.def);
  }
  if (!byLower.has('id')) byLower.set('id', IMPLICIT_ID);

  const defs: Record<string, FieldDef> = Object.freeze(Object.fromEntries([...builders].map(([n, f]) => [n, f.def])));
  const blob = [...builders.values()].find(f => f.def.kind === 'blob');
  const builder = (name: string) => builders.get(name) ?? byLower.get(name.toLowerCase());

  const hasOwn = Object.prototype.hasOwnProperty;

  /** Wire record → typed record and its snapshot, remembered for change tracking. */
  function fromWire(raw: Record<string, unknown>, csv: boolean | undefined): ShapeRecord<S> {
    const record: Record<string, unknown> = {};
    const snapshot: Record<string, unknown> = {};
    // for-in, not Object.entries: this runs for every record a query or a retrieve returns
    for (const key in raw) {
      if (!hasOwn.call(raw, key)) continue;
      const value = raw[key];
      const f = builder(key)?.def;
      if (!f) {
        record[key] = value;
        if (key !== 'attributes') snapshot[key] = wireForCompare(undefined, value);
        continue;
      }
      const v = fromWireValue(apiName, f, value, csv);
      // An optional, non-nullable field has no null in its type: a null from the server means "not set".
      if (v === null && !f.nullable && f.optional) continue;
      record[f.name] = v;
      snapshot[f.name] = wireForCompare(f, v);
    }
    track(record, model, snapshot);
    return record as ShapeRecord<S>;
  }

  /**
   * `fromWire` of a row the model may keep (see ModelHooks.revive): no `attributes`, and no snapshot until one is
   * needed, so reading a record allocates the record and nothing else of its own.
   */
  function revive(raw: Record<string, unknown>, csv = false): Record<string, unknown> {
    const record: Record<string, unknown> = {};
    for (const key in raw) {
      if (key === 'attributes' || !hasOwn.call(raw, key)) continue;
      const value = raw[key];
      // a parent record or subquery result: the record holds a copy of it that the caller may change, so the
      // snapshot is taken now, as fromWire does (rare: a retrieve's rows hold only values)
      if (value !== null && typeof value === 'object') return fromWire(stripAttributes(raw), csv);
      const f = builder(key)?.def;
      if (!f) {
        record[key] = value;
        continue;
      }
      const v = fromWireValue(apiName, f, value, csv);
      if (v === null && !f.nullable && f.optional) continue;
      record[f.name] = v;
    }
    // the envelope is not needed for the snapshot; dropping it lets its url string go
    if (raw.attributes !== undefined) raw.attributes = undefined;
    trackRead(record, model, raw, csv);
    return record;
  }

  /** toWire without remembering the record (the list saves mark what they sent instead). */
  function toWireInto(record: unknown, op: WriteOp, opts: ToWireOptions | undefined, out?: Record<string, unknown>): Record<string, unknown> {
    const wire = serialize(internals, record, op, opts, out);
    const bytes = blob && wire[blob.def.name];
    if (!opts?.keepBlob && typeof Blob !== 'undefined' && bytes instanceof Blob) {
      // toWire is synchronous and a Blob is read asynchronously: a JSON body would carry `{}` instead of the bytes
      throw new ValidationError({ sobject: apiName, field: blob!.def.name, ...(opts?.index !== undefined ? { recordIndex: opts.index } : {}),
        reason: 'a Blob cannot go in a JSON body; pass its bytes (new Uint8Array(await blob.arrayBuffer())), or save the ' +
          'record with saveInsert$, saveUpdate$ or saveUpsert$, which read the Blob themselves' });
    }
    return wire;
  }

  const model: SObjectModel<S> = {
    apiName,
    tooling: options.tooling ?? false,
    passthrough: options.passthrough ?? false,
    shape: fields,
    fields: defs,
    fieldNames: [...builders.keys()],
    ...(blob ? { blobField: blob.def.name } : {}),
    field: name => builder(name)?.def,
    relationship: name => byRelationship.get(name.toLowerCase()),

    fromWire(raw, opts = {}) {
      return fromWire(raw, opts.csv);
    },

    toWire(record, op: WriteOp, opts?: ToWireOptions) {
      const wire = toWireInto(record, op, opts);
      if (typeof record === 'object' && record !== null) track(record, model);
      return wire;
    },

    validate(record, op, index) {
      serialize(internals, record, op, index !== undefined ? { index } : {});
    },

    create(input: ShapeInsert<S>) {
      const record: Record<string, unknown> = { ...(input as Record<string, unknown>) };
      for (const [name, f] of builders) {
        if (record[name] === undefined && f.def.hasDefault) {
          record[name] = typeof f.def.default === 'function' ? (f.def.default as () => unknown)() : f.def.default;
        }
      }
      track(record, model);
      return record as ShapeRecord<S>;
    },
  };
  const internals: ModelInternals = { model, builder };
  registerHooks(model, { revive, serialize: (record, op, opts, out) => toWireInto(record, op, opts, out) });
  return Object.freeze(model);
}
