/**
 * Avro schemas of the events the emulator publishes, shaped as Salesforce's: a change event is a record named
 * `AccountChangeEvent` (`Invoice__ChangeEvent` for `Invoice__c`) in namespace `com.sforce.eventbus`, whose field 0 is
 * the ChangeEventHeader and whose other fields are the object's fields, each optional (`["null", T]`), with address
 * and person-name components grouped into compound records (`BillingAddress`, `Name`) as the Pub/Sub API sends them.
 * A schema's id is its fingerprint, so the same shape always has the same id.
 */
import { createHash } from 'node:crypto';
import avro from 'avsc';
import { parseDatetime } from '../dates.js';
import type { FieldSchema, ObjectSchema } from '../types.js';

const NAMESPACE = 'com.sforce.eventbus';

/** Change types as the header's enum spells them (SNAPSHOT is reserved and never sent). */
export const CHANGE_TYPES = ['CREATE', 'UPDATE', 'DELETE', 'UNDELETE', 'GAP_CREATE', 'GAP_UPDATE', 'GAP_DELETE',
  'GAP_UNDELETE', 'GAP_OVERFLOW', 'SNAPSHOT'] as const;
export type ChangeType = typeof CHANGE_TYPES[number];

const HEADER = {
  type: 'record', name: 'ChangeEventHeader', namespace: NAMESPACE,
  fields: [
    { name: 'entityName', type: 'string' },
    { name: 'recordIds', type: { type: 'array', items: 'string' } },
    { name: 'changeType', type: { type: 'enum', name: 'ChangeType', namespace: NAMESPACE, symbols: [...CHANGE_TYPES] } },
    { name: 'changeOrigin', type: 'string' },
    { name: 'transactionKey', type: 'string' },
    { name: 'sequenceNumber', type: 'int' },
    { name: 'commitTimestamp', type: 'long' },
    { name: 'commitNumber', type: 'long' },
    { name: 'commitUser', type: 'string' },
    { name: 'nulledFields', type: { type: 'array', items: 'string' } },
    { name: 'diffFields', type: { type: 'array', items: 'string' } },
    { name: 'changedFields', type: { type: 'array', items: 'string' } },
  ],
};

/** Fields a change event leaves out: the id travels in recordIds; the rest the org keeps for itself. */
const LEFT_OUT = new Set(['Id', 'IsDeleted', 'SystemModstamp']);

/** One top-level field of an event: a plain field, or a compound whose children are fields of the object. */
export interface EventField {
  name: string;
  /** For a compound: the object's field behind each child, in the child record's order. */
  children?: { name: string; field: FieldSchema }[];
  field?: FieldSchema;
}

export interface EventSchema {
  /** `AccountChangeEvent`, `Low_Ink__e`. */
  readonly eventName: string;
  readonly id: string;
  readonly json: string;
  readonly type: avro.Type;
  /** Top-level fields after the header (change events) or all of them (platform events), in schema order. */
  readonly fields: EventField[];
  /** Object field name → [top-level position, child position or -1], for building bitmaps. */
  readonly positions: Map<string, [number, number]>;
}

function avroTypeOf(f: FieldSchema): unknown {
  switch (f.type) {
    case 'boolean': return 'boolean';
    case 'int': return 'int';
    case 'long': return 'long';
    case 'double': case 'currency': case 'percent': return 'double';
    // Pub/Sub sends dates and datetimes as epoch values, not the strings CometD sends
    case 'date': return { type: 'int', logicalType: 'date' };
    case 'datetime': return { type: 'long', logicalType: 'timestamp-millis' };
    case 'time': return { type: 'int', logicalType: 'time-millis' };
    default: return 'string';
  }
}

const optional = (name: string, type: unknown, doc?: string) => ({ name, type: ['null', type], default: null,
  ...(doc ? { doc } : {}) });
const docOf = (f: FieldSchema) => `Data:${f.type}`;

const ADDRESS_PARTS = ['Street', 'City', 'State', 'PostalCode', 'Country', 'Latitude', 'Longitude'];
const NAME_PARTS = ['Salutation', 'FirstName', 'LastName'];

/** Groups an object's fields into top-level event fields (compounds for addresses and person names). */
function eventFields(s: ObjectSchema): EventField[] {
  const byName = new Map(s.fields.map(f => [f.name, f]));
  const grouped = new Map<string, EventField>();
  const out: EventField[] = [];
  const personName = byName.get('Name');
  const hasPersonName = !!personName && !personName.createable && byName.has('LastName') && byName.has('FirstName');
  for (const f of s.fields) {
    if (LEFT_OUT.has(f.name) || f.calculated || f.type === 'base64' || f.type === 'location' || f.type === 'address') continue;
    if (hasPersonName && (NAME_PARTS.includes(f.name) || f.name === 'Name')) {
      if (!grouped.has('Name')) {
        const children = NAME_PARTS.filter(n => byName.has(n)).map(n => ({ name: n, field: byName.get(n)! }));
        const e = { name: 'Name', children };
        grouped.set('Name', e);
        out.push(e);
      }
      continue;
    }
    const part = ADDRESS_PARTS.find(p => f.name.endsWith(p));
    const prefix = part ? f.name.slice(0, -part.length) : '';
    if (part && byName.has(`${prefix}Street`) && byName.has(`${prefix}City`)) {
      const compound = `${prefix}Address`;
      if (!grouped.has(compound)) {
        const children = ADDRESS_PARTS.filter(p => byName.has(prefix + p)).map(p => ({ name: p, field: byName.get(prefix + p)! }));
        const e = { name: compound, children };
        grouped.set(compound, e);
        out.push(e);
      }
      continue;
    }
    out.push({ name: f.name, field: f });
  }
  return out;
}

function fingerprint(json: string): string {
  return createHash('md5').update(json).digest('base64url');
}

function finish(eventName: string, avroSchema: object, fields: EventField[], offset: number): EventSchema {
  const json = JSON.stringify(avroSchema);
  const positions = new Map<string, [number, number]>();
  fields.forEach((e, i) => {
    if (e.field) positions.set(e.field.name, [i + offset, -1]);
    e.children?.forEach((c, j) => positions.set(c.field.name, [i + offset, j]));
  });
  return { eventName, id: fingerprint(json), json, type: avro.Type.forSchema(avroSchema as avro.Schema), fields, positions };
}

/** `AccountChangeEvent` or `Invoice__ChangeEvent`. */
export function changeEventName(sobject: string): string {
  return sobject.endsWith('__c') ? `${sobject.slice(0, -3)}__ChangeEvent` : `${sobject}ChangeEvent`;
}

export function changeEventSchema(s: ObjectSchema): EventSchema {
  const fields = eventFields(s);
  const named = new Set<string>();
  const avroFields: unknown[] = [{ name: 'ChangeEventHeader', type: HEADER, doc: 'Data:EventHeader' }];
  for (const e of fields) {
    if (e.field) {
      avroFields.push(optional(e.name, avroTypeOf(e.field), docOf(e.field)));
      continue;
    }
    // a named record is defined once; later compounds of the same kind refer to it by name, as Avro requires
    const recordName = e.name === 'Name' ? 'Switchable_PersonName' : 'Address';
    const full = `${NAMESPACE}.${recordName}`;
    const type = named.has(full) ? full : { type: 'record', name: recordName, namespace: NAMESPACE,
      fields: e.children!.map(c => optional(c.name, avroTypeOf(c.field), docOf(c.field))) };
    named.add(full);
    avroFields.push(optional(e.name, type, `Data:Compound`));
  }
  const eventName = changeEventName(s.name);
  return finish(eventName, { type: 'record', name: eventName, namespace: NAMESPACE, fields: avroFields }, fields, 1);
}

/**
 * A platform event `X__e`: `CreatedDate` and `CreatedById` (set by the bus) and the event's custom fields. Its schema
 * has no header; subscribers see the fields as published.
 */
export function platformEventSchema(s: ObjectSchema): EventSchema {
  const fields = s.fields.filter(f => f.name === 'CreatedDate' || f.name === 'CreatedById' || f.custom)
    .map(f => ({ name: f.name, field: f }));
  const avroFields = fields.map(e => optional(e.name, avroTypeOf(e.field), docOf(e.field)));
  return finish(s.name, { type: 'record', name: s.name, namespace: NAMESPACE, fields: avroFields }, fields, 0);
}

const DAY_MS = 86_400_000;

/** A stored wire value as the Avro field carries it. */
export function toAvro(f: FieldSchema, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (f.type) {
    case 'datetime': return typeof value === 'string' ? parseDatetime(value) ?? null : value;
    case 'date': return typeof value === 'string' ? Math.round(Date.parse(`${value}T00:00:00Z`) / DAY_MS) : value;
    case 'time': {
      const m = typeof value === 'string' ? /^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,3}))?/.exec(value) : null;
      return m ? ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number((m[4] ?? '0').padEnd(3, '0')) : null;
    }
    case 'boolean': return Boolean(value);
    case 'int': return Math.trunc(Number(value));
    case 'long': case 'double': case 'currency': case 'percent': return Number(value);
    default: return String(value);
  }
}

/** An Avro field value back to the stored wire form (the inverse of toAvro), for published platform events. */
export function fromAvro(f: FieldSchema, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (f.type) {
    case 'datetime': return new Date(Number(value)).toISOString().replace('Z', '+0000');
    case 'date': return new Date(Number(value) * DAY_MS).toISOString().slice(0, 10);
    default: return value;
  }
}
