/** Which fields an object's mirror holds and how their values are normalised, worked out from describe. */
import { ValidationError } from '../client/errors.js';
import type { DescribeField, DescribeSObjectResult } from '../sources/index.js';
import type { SyncField, SyncRecord, WatermarkField } from './types.js';

/**
 * Field types a replication leaves out: compound fields (their components are mirrored as fields of their own, and
 * the Bulk API cannot select them) and base64 bodies (a REST query answers a URL, the Bulk API refuses them).
 */
const LEFT_OUT = new Set(['address', 'location', 'base64']);
const WATERMARKS: readonly WatermarkField[] = ['SystemModstamp', 'LastModifiedDate', 'CreatedDate'];
const NUMBER_TYPES = new Set(['double', 'currency', 'percent', 'int', 'long']);

/** What a round selects and how it reads rows. */
export interface FieldPlan {
  object: string;
  fields: SyncField[];
  /** The ordering field. */
  watermark: WatermarkField;
  /** Whether the object has IsDeleted, so a queryAll round sees its deletes. */
  hasIsDeleted: boolean;
  /** Whether getDeleted may be asked about it (describe's `replicateable`). */
  replicateable: boolean;
}

/** The fields to mirror: the ones asked for (checked against describe), or every one a query can read. */
export function planFields(describe: DescribeSObjectResult, wanted: readonly string[] | undefined): FieldPlan {
  const byName = new Map(describe.fields.map(f => [f.name.toLowerCase(), f]));
  const watermark = WATERMARKS.find(w => byName.has(w.toLowerCase()));
  if (!watermark) {
    throw new ValidationError({ sobject: describe.name, reason: `${describe.name} has none of ${WATERMARKS.join(', ')}, so its changes cannot be followed` });
  }
  let chosen: DescribeField[];
  if (wanted) {
    chosen = [];
    for (const name of wanted) {
      const field = byName.get(name.toLowerCase());
      if (!field) throw new ValidationError({ sobject: describe.name, field: name, reason: `${describe.name} has no field ${name}` });
      if (LEFT_OUT.has(field.type)) {
        throw new ValidationError({ sobject: describe.name, field: name, reason: `${describe.name}.${field.name} is a ${field.type} field, which replication leaves out` });
      }
      chosen.push(field);
    }
  } else {
    chosen = describe.fields.filter(f => !LEFT_OUT.has(f.type));
  }
  // Id and the ordering field always travel, first: the mirror's key and the checkpoint's clock
  chosen = [byName.get('id')!, byName.get(watermark.toLowerCase())!, ...chosen];
  const seen = new Set<string>();
  const fields: SyncField[] = [];
  for (const f of chosen) {
    if (seen.has(f.name.toLowerCase())) continue;
    seen.add(f.name.toLowerCase());
    fields.push(syncField(f));
  }
  return {
    object: describe.name, fields, watermark, hasIsDeleted: byName.has('isdeleted'),
    replicateable: describe.replicateable !== false,
  };
}

function syncField(f: DescribeField): SyncField {
  const out: SyncField = { name: f.name, type: f.type };
  if (NUMBER_TYPES.has(f.type)) {
    if (f.precision) out.precision = f.precision;
    if (f.scale || f.precision) out.scale = f.scale;
  } else if (f.length) {
    out.length = f.length;
  }
  return out;
}

/** A row as a query or a bulk result gave it, with every value in wire form: numbers, booleans, ISO datetimes, null. */
export function normalizeRow(plan: FieldPlan, raw: Record<string, unknown>, csv: boolean): SyncRecord {
  const out: Record<string, unknown> = {};
  for (const f of plan.fields) out[f.name] = normalizeValue(f, raw[f.name], csv);
  if (typeof out.Id !== 'string') throw new TypeError(`A ${plan.object} row came without an Id`);
  return out as SyncRecord;
}

/**
 * A Bulk API result row normalised in place, when its columns are the plan's fields in the plan's order (a full
 * load's rows are: its query selects them so): no second object per row. Undefined when the columns differ; the
 * caller then copies with {@link normalizeRow}. The row must be the caller's own (a parser's fresh object).
 */
export function normalizeCsvRowInPlace(plan: FieldPlan, raw: Record<string, unknown>): SyncRecord {
  const fields = plan.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    raw[f.name] = normalizeValue(f, raw[f.name], true);
  }
  if (typeof raw.Id !== 'string') throw new TypeError(`A ${plan.object} row came without an Id`);
  return raw as SyncRecord;
}

/** Whether a row's own keys are exactly the plan's field names, in order. */
export function hasPlanColumns(plan: FieldPlan, raw: Record<string, unknown>): boolean {
  const keys = Object.keys(raw);
  if (keys.length !== plan.fields.length) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== plan.fields[i].name) return false;
  return true;
}

export function normalizeValue(f: SyncField, value: unknown, csv: boolean): unknown {
  if (value === undefined || value === null) return null;
  if (csv && value === '') return null;
  if (typeof value !== 'string') return value;
  switch (f.type) {
    case 'boolean': return value === 'true';
    case 'double': case 'currency': case 'percent': case 'int': case 'long': {
      const n = Number(value);
      return Number.isFinite(n) ? n : value;
    }
    case 'datetime': return isoDatetime(value);
    default: return value;
  }
}

/** `2024-05-01T10:00:00.000+0000` (REST) and `2024-05-01T10:00:00.000Z` (bulk CSV) alike → `2024-05-01T10:00:00.000Z`. */
export function isoDatetime(value: string): string {
  // already ISO 8601 in UTC with milliseconds (every bulk CSV datetime): as it is
  if (value.length === 24 && value.charCodeAt(23) === 90 && value.charCodeAt(10) === 84 && value.charCodeAt(19) === 46) return value;
  // REST's UTC form with milliseconds, `…000+0000`: the same instant with Z
  if (value.length === 28 && value.endsWith('+0000') && value.charCodeAt(10) === 84 && value.charCodeAt(19) === 46) return `${value.slice(0, 23)}Z`;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/** The stamp of a row in epoch ms. */
export function stampOf(plan: FieldPlan, row: SyncRecord): number {
  const value = row[plan.watermark];
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new TypeError(`${plan.object} ${row.Id} came without a valid ${plan.watermark}`);
  return ms;
}

/** Field names added and removed between two plans. */
export function fieldChanges(before: FieldPlan | undefined, after: FieldPlan): { added: string[]; removed: string[] } {
  const old = new Set((before?.fields ?? []).map(f => f.name));
  const now = new Set(after.fields.map(f => f.name));
  return { added: [...now].filter(n => !old.has(n)), removed: [...old].filter(n => !now.has(n)) };
}
