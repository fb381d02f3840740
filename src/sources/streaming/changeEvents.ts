/**
 * `changeEvents$`: Change Data Capture over the Pub/Sub API. Each event comes with its ChangeEventHeader, the
 * `changedFields`, `nulledFields` and `diffFields` bitmaps decoded to field names, and the values it carries under
 * the object's API field names (compound fields flattened: `BillingAddress.City` → `BillingCity`,
 * `Name.FirstName` → `FirstName`). Dates and datetimes come back in the REST wire form (`2026-01-31`,
 * `2026-01-31T09:00:00.000+0000`), so they compare equal to what a query returns.
 */
import type avro from 'avsc';
import type { Observable } from 'rxjs';
import type { EventType } from './connection.js';
import { events$, type PubSubEvent, type SubscribeOptions } from './subscribe.js';

export type ChangeType = 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE' | 'GAP_CREATE' | 'GAP_UPDATE' | 'GAP_DELETE'
  | 'GAP_UNDELETE' | 'GAP_OVERFLOW';

export interface ChangeEventHeader {
  /** `Account`, `Invoice__c`. */
  entityName: string;
  /** The records this change applies to; one event may cover several records changed alike in one transaction. */
  recordIds: string[];
  changeType: ChangeType;
  /** `com/salesforce/api/rest/62.0;client=…` for API changes, else empty. */
  changeOrigin: string;
  transactionKey: string;
  sequenceNumber: number;
  /** Epoch ms. */
  commitTimestamp: number;
  commitNumber: number;
  commitUser: string;
  /** Fields an UPDATE changed (LastModifiedDate included); empty for other change types. */
  changedFields: string[];
  /** Fields set to null. */
  nulledFields: string[];
  /** Fields sent as a diff (large text fields). */
  diffFields: string[];
}

export interface ChangeEvent {
  topic: string;
  /** Store it to resume after this event (`replay: { replayId }`). */
  replayId: string;
  schemaId: string;
  header: ChangeEventHeader;
  /**
   * The values the event carries: every field for CREATE and UNDELETE (null where empty), the changed fields for
   * UPDATE, nothing for DELETE and gap events (refetch the records of a gap event).
   */
  fields: Record<string, unknown>;
}

export type ChangeEventsOptions = SubscribeOptions<ChangeEvent>;

/** True for gap and overflow events: the change happened, its details did not come; reconcile from the org. */
export function isGapEvent(e: ChangeEvent): boolean {
  return e.header.changeType.startsWith('GAP_');
}

/**
 * Change events of a channel: `/data/AccountChangeEvent`, `/data/Invoice__ChangeEvent`, or `/data/ChangeEvents`.
 *
 * ```ts
 * import { changeEvents$ } from 'rxforce/node';
 * changeEvents$('/data/AccountChangeEvent', { client, replay: 'latest', batchSize: 50 })
 *   .subscribe(e => console.log(e.header.changeType, e.header.recordIds, e.fields));
 * ```
 * @param channel the CDC channel (case-sensitive)
 * @param options client, endpoint and TLS, where to start (`replay`), `batchSize` (num_requested), `process`
 * @returns a cold Observable of decoded change events; unsubscribe closes the stream
 */
export function changeEvents$(channel: string, options: ChangeEventsOptions = {}): Observable<ChangeEvent> {
  return events$(channel, options, decodeChangeEvent);
}

interface AvroField { name: string; type: avro.Type }

/** The record type inside `["null", record]` (or `["null", "string", record]`), if the field is a compound. */
function recordOf(t: avro.Type): { fields: AvroField[] } | undefined {
  const type = t as avro.Type & { types?: avro.Type[]; fields?: AvroField[]; typeName: string };
  if (type.typeName === 'record') return type as unknown as { fields: AvroField[] };
  const inner = type.types?.find(x => (x as { typeName: string }).typeName === 'record');
  return inner as unknown as { fields: AvroField[] } | undefined;
}


/** A compound's child under the object's API name: BillingAddress.City → BillingCity; Name.FirstName → FirstName. */
export function flatName(parent: string, child: string): string {
  return parent.endsWith('Address') ? `${parent.slice(0, -'Address'.length)}${child}` : child;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function wireValue(logical: string | undefined, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (logical) {
    case 'timestamp-millis': return new Date(Number(value)).toISOString().replace('Z', '+0000');
    case 'date': return new Date(Number(value) * 86_400_000).toISOString().slice(0, 10);
    case 'time-millis': {
      const ms = Number(value);
      return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}Z`;
    }
    default: return value;
  }
}

/** Positions of the set bits of a `0x…` hex bitmap (bit 0 = least significant). */
function bits(hex: string): number[] {
  const v = BigInt(hex);
  const out: number[] = [];
  for (let i = 0; v >> BigInt(i) > 0n; i++) if ((v >> BigInt(i)) & 1n) out.push(i);
  return out;
}

/**
 * A header bitmap list to field names. Element `0x…` indexes the event's top-level fields; `P-0x…` indexes the
 * fields of the compound at position P. A compound named at the top level without its own element stands for all of
 * its children.
 */
export function decodeBitmap(fields: AvroField[], list: string[]): string[] {
  const names: string[] = [];
  const nestedFor = new Set(list.filter(x => x.includes('-')).map(x => Number(x.split('-')[0])));
  for (const item of list) {
    const dash = item.indexOf('-');
    if (dash < 0) {
      if (!/^0x[0-9a-f]+$/i.test(item)) continue;
      for (const i of bits(item)) {
        const f = fields[i];
        if (!f) continue;
        const rec = recordOf(f.type);
        if (!rec) names.push(f.name);
        else if (!nestedFor.has(i)) names.push(...rec.fields.map(c => flatName(f.name, c.name)));
      }
      continue;
    }
    const parent = fields[Number(item.slice(0, dash))];
    const rec = parent && recordOf(parent.type);
    if (!rec || !/^0x[0-9a-f]+$/i.test(item.slice(dash + 1))) continue;
    for (const i of bits(item.slice(dash + 1))) {
      const c = rec.fields[i];
      if (c) names.push(flatName(parent.name, c.name));
    }
  }
  return names;
}

function decodeChangeEvent(base: PubSubEvent, { type, logical }: EventType): ChangeEvent {
  const fields = (type as unknown as { fields: AvroField[] }).fields;
  const payload = base.payload;
  const raw = payload.ChangeEventHeader as Record<string, unknown> | undefined;
  if (!raw) throw new TypeError(`The event on ${base.topic} carries no ChangeEventHeader; use subscribe$ for platform events`);
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  const header: ChangeEventHeader = {
    entityName: String(raw.entityName), recordIds: list(raw.recordIds), changeType: String(raw.changeType) as ChangeType,
    changeOrigin: String(raw.changeOrigin ?? ''), transactionKey: String(raw.transactionKey ?? ''),
    sequenceNumber: Number(raw.sequenceNumber ?? 0), commitTimestamp: Number(raw.commitTimestamp ?? 0),
    commitNumber: Number(raw.commitNumber ?? 0), commitUser: String(raw.commitUser ?? ''),
    changedFields: decodeBitmap(fields, list(raw.changedFields)),
    nulledFields: decodeBitmap(fields, list(raw.nulledFields)),
    diffFields: decodeBitmap(fields, list(raw.diffFields)),
  };
  const values: Record<string, unknown> = {};
  const type0 = header.changeType;
  if (type0 === 'CREATE' || type0 === 'UNDELETE' || type0 === 'UPDATE') {
    const wanted = type0 === 'UPDATE' ? new Set(header.changedFields) : undefined;
    for (const f of fields) {
      if (f.name === 'ChangeEventHeader') continue;
      const rec = recordOf(f.type);
      const v = payload[f.name];
      if (rec) {
        for (const c of rec.fields) {
          const name = flatName(f.name, c.name);
          if (!wanted || wanted.has(name)) {
            values[name] = wireValue(logical.get(`${f.name}.${c.name}`), (v as Record<string, unknown> | null)?.[c.name]);
          }
        }
      } else if (!wanted || wanted.has(f.name)) {
        values[f.name] = wireValue(logical.get(f.name), v);
      }
    }
  }
  return { topic: base.topic, replayId: base.replayId, schemaId: base.schemaId, header, fields: values };
}
