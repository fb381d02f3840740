import { ValidationError } from '../util/errors.js';
import { sf, type AnyField, type FieldDef } from './fields.js';
import { serialize } from './serialize.js';
import { track, wireForCompare } from './tracking.js';
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
      const record: Record<string, unknown> = {};
      const snapshot: Record<string, unknown> = {};
      // for-in, not Object.entries: this runs for every record a query or a retrieve returns
      for (const key in raw) {
        if (!Object.prototype.hasOwnProperty.call(raw, key)) continue;
        const value = (raw as Record<string, unknown>)[key];
        const f = builder(key)?.def;
        if (!f) {
          record[key] = value;
          if (key !== 'attributes') snapshot[key] = wireForCompare(undefined, value);
          continue;
        }
        const v = fromWireValue(apiName, f, value, opts.csv);
        // An optional, non-nullable field has no null in its type: a null from the server means "not set".
        if (v === null && !f.nullable && f.optional) continue;
        record[f.name] = v;
        snapshot[f.name] = wireForCompare(f, v);
      }
      track(record, model, snapshot);
      return record as ShapeRecord<S>;
    },

    toWire(record, op: WriteOp, opts?: ToWireOptions) {
      const wire = serialize({ model, builder }, record, op, opts);
      const bytes = blob && wire[blob.def.name];
      if (!opts?.keepBlob && typeof Blob !== 'undefined' && bytes instanceof Blob) {
        // toWire is synchronous and a Blob is read asynchronously: a JSON body would carry `{}` instead of the bytes
        throw new ValidationError({ sobject: apiName, field: blob!.def.name, ...(opts?.index !== undefined ? { recordIndex: opts.index } : {}),
          reason: 'a Blob cannot go in a JSON body; pass its bytes (new Uint8Array(await blob.arrayBuffer())), or save the ' +
            'record with saveInsert$, saveUpdate$ or saveUpsert$, which read the Blob themselves' });
      }
      if (typeof record === 'object' && record !== null) track(record, model);
      return wire;
    },

    validate(record, op, index) {
      serialize({ model, builder }, record, op, index !== undefined ? { index } : {});
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
  return Object.freeze(model);
}
