import type { SObjectModel } from '../../model/index.js';
import { hooksOf } from '../../model/internal.js';
import { keyPrefixOf } from '../../util/ids.js';
import { binaryOf } from '../internal/blob.js';
import { invalid } from '../internal/invalid.js';
import { checkedId } from '../internal/target.js';
import type { Prepared } from './types.js';
import type { ListSaveResult } from './types.js';

/** One model, or several when records of different types share a stream (each record then names its type). */
export type Models = SObjectModel<any> | readonly SObjectModel<any>[];

type Row = Record<string, unknown>;

function typeTag(record: Row): string | undefined {
  const attrs = record.attributes as { type?: unknown } | undefined;
  return typeof attrs?.type === 'string' ? attrs.type : undefined;
}

/** The model of one record: the only one, or the one its `attributes.type` names. */
export function modelOf(models: Models, record: Row, index: number): SObjectModel<any> {
  const tag = typeTag(record);
  // one model and an untagged record, the common case: no list to build
  if (tag === undefined && !Array.isArray(models)) return models as SObjectModel<any>;
  const list = Array.isArray(models) ? (models as readonly SObjectModel<any>[]) : [models as SObjectModel<any>];
  if (tag === undefined) {
    if (list.length === 1) return list[0];
    throw invalid(`records of several types share this stream, so each needs attributes.type (one of ${list.map((m) => m.apiName).join(', ')})`, {
      recordIndex: index,
      field: 'attributes.type',
    });
  }
  const model = list.find((m) => m.apiName.toLowerCase() === tag.toLowerCase());
  if (!model) {
    throw invalid(`attributes.type '${tag}' is not one of ${list.map((m) => m.apiName).join(', ')}`, {
      recordIndex: index,
      field: 'attributes.type',
      sobject: tag,
    });
  }
  return model;
}

/** The model's spelling of the external id field; fails before any request when it is not one. */
export function externalIdFieldOf(model: SObjectModel<any>, externalIdField: string): string {
  const name = Object.keys(model.fields).find((f) => f.toLowerCase() === externalIdField.toLowerCase());
  if (name === undefined) throw invalid(`${model.apiName} has no field ${externalIdField}`, { sobject: model.apiName, field: externalIdField });
  if (name !== 'Id' && !model.fields[name].externalId) {
    throw invalid(`${model.apiName}.${name} is not an external id field`, { sobject: model.apiName, field: name });
  }
  return name;
}

/**
 * The `attributes` of a collection entry, one frozen object per sObject type (it is only ever serialized), instead of
 * one per record.
 */
const attributesByType = new Map<string, Readonly<{ type: string }>>();
function attributesOf(type: string): Readonly<{ type: string }> {
  let attributes = attributesByType.get(type);
  if (!attributes) attributesByType.set(type, (attributes = Object.freeze({ type })));
  return attributes;
}

export interface SaveInput {
  op: 'insert' | 'update' | 'upsert';
  models: Models;
  onlyChanges?: boolean;
  /** Upsert: the field's name as the model spells it. */
  externalIdField?: string;
}

/**
 * Validates one record through its model (`toWire` throws a ValidationError naming index, field and reason) and
 * shapes its collection entry: `{ attributes: { type }, …fields }`, plus `id` for updates.
 */
export function prepareSave(input: SaveInput, raw: unknown, index: number): Prepared {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid(`expected a record object, got ${raw === null ? 'null' : typeof raw}`, { recordIndex: index });
  }
  const record = raw as Row;
  const model = modelOf(input.models, record, index);
  const type = model.apiName;
  const tagged = 'attributes' in record;
  const plain: Row = tagged ? Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'attributes')) : record;

  const onlyChanges = input.op === 'update' && !!input.onlyChanges;
  const hooks = hooksOf(model);
  if (input.op === 'insert' && hooks) {
    // a create's entry is `{ attributes, …fields }`: the model writes the fields straight into it, and the record's
    // model is remembered when the save succeeds (markSent), not here
    const entry: Row = { attributes: attributesOf(type) };
    hooks.serialize(plain, 'insert', { index }, entry);
    if (binaryOf(model, plain)) return { index, type, model, record, payload: { id: undefined }, alone: true };
    return { index, type, model, record, payload: entry };
  }
  const wire = model.toWire(plain, input.op, { index, onlyChanges });
  let id: string | undefined;
  if (input.op === 'update') id = checkedId(model, plain.Id, index);
  if (input.op === 'upsert') {
    const field = input.externalIdField!;
    const value = plain[field];
    if (value === undefined || value === null || String(value).trim() === '') {
      throw invalid(`${type}.${field} must have a value to upsert on`, { sobject: type, field, recordIndex: index });
    }
    if (field === 'Id') id = checkedId(model, value, index);
    else wire[field] = wire[field] ?? value;
  }
  delete wire.Id;

  if (binaryOf(model, plain)) return { index, type, model, record, payload: { id }, alone: true };
  if (onlyChanges && Object.keys(wire).length === 0) {
    const settled: ListSaveResult = { id: id!, success: true, errors: [] };
    return { index, type, model, record, payload: { id }, settled };
  }
  // built key by key (no spreads): this runs once per record of every list write
  const entry: Row = { attributes: attributesOf(type) };
  if (id !== undefined) entry[input.op === 'upsert' ? 'Id' : 'id'] = id;
  for (const k in wire) entry[k] = wire[k];
  return { index, type, model, record, payload: entry };
}

/** A delete input: an id, or a record with an `Id`. The chunk key is the id's key prefix (mixed types allowed). */
export function prepareDelete(model: SObjectModel<any> | undefined, raw: unknown, index: number): Prepared {
  const value = typeof raw === 'object' && raw !== null ? (raw as Row).Id : raw;
  const id = checkedId(model ?? 'record', value, index);
  return { index, type: keyPrefixOf(id), payload: id };
}

/** A retrieve input: one id. */
export function prepareFetchId(model: SObjectModel<any>, raw: unknown, index: number): Prepared {
  const id = checkedId(model, raw, index);
  return { index, type: model.apiName, payload: id };
}
