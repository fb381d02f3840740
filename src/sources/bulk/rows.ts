import { ValidationError } from '../../util/errors.js';
import type { SObjectModel } from '../../model/types.js';
import { flattenRecord, toCsvCell } from '../../util/csv.js';
import type { IngestOperation } from './types.js';

/** The object a bulk operation targets: a model (records are validated and serialized by it) or an API name. */
export type BulkTarget = SObjectModel<any> | string;

export const objectName = (target: BulkTarget): string => (typeof target === 'string' ? target : target.apiName);

/**
 * One input record → its flat wire fields (relationship columns dotted). Through the model when there is one, so
 * bad input fails with a ValidationError naming the record index and field before anything is sent.
 */
export function wireFields(target: BulkTarget, record: unknown, op: IngestOperation, index: number): Record<string, unknown> {
  const sobject = objectName(target);
  if (op === 'delete' || op === 'hardDelete') {
    const id = typeof record === 'string' ? record : (record as { Id?: unknown } | null)?.Id;
    if (typeof id !== 'string' || id.length === 0) throw new ValidationError({ sobject, recordIndex: index, field: 'Id', reason: 'a delete needs the record Id' });
    return { Id: id };
  }
  if (record === null || typeof record !== 'object') {
    throw new ValidationError({ sobject, recordIndex: index, reason: `expected a record object, got ${record === null ? 'null' : typeof record}` });
  }
  const wire = typeof target === 'string'
    ? record as Record<string, unknown>
    : target.toWire(record as Record<string, unknown>, op, { index });
  const flat = flattenRecord(wire);
  checkSize(flat, sobject, index);
  return flat;
}

/** Bulk API 2.0 ingest limits: ≤ 32,000 characters a field, ≤ 400,000 characters and ≤ 5,000 fields a record. */
const MAX_FIELD_CHARS = 32_000;
const MAX_RECORD_CHARS = 400_000;
const MAX_RECORD_FIELDS = 5_000;

/** Refuses a record Salesforce would refuse for its size, before anything is sent. */
function checkSize(flat: Record<string, unknown>, sobject: string, index: number): void {
  const keys = Object.keys(flat);
  if (keys.length > MAX_RECORD_FIELDS) {
    throw new ValidationError({ sobject, recordIndex: index, reason: `${keys.length} fields; Bulk API 2.0 takes at most ${MAX_RECORD_FIELDS} a record` });
  }
  let chars = 0;
  for (const key of keys) {
    const value = flat[key];
    if (typeof value !== 'string') continue;
    if (value.length > MAX_FIELD_CHARS) {
      throw new ValidationError({ sobject, recordIndex: index, field: key, reason: `${value.length} characters; Bulk API 2.0 takes at most ${MAX_FIELD_CHARS.toLocaleString('en-US')} a field` });
    }
    chars += value.length;
  }
  if (chars > MAX_RECORD_CHARS) {
    throw new ValidationError({ sobject, recordIndex: index, reason: `${chars} characters; Bulk API 2.0 takes at most ${MAX_RECORD_CHARS.toLocaleString('en-US')} a record` });
  }
}

/**
 * Keeps the CSV header and turns wire records into rows. The header is fixed before the first row is written (it
 * heads every part); a later record carrying a column outside it fails with a ValidationError instead of losing data.
 */
export class RowEncoder {
  readonly columns: string[];
  private readonly index = new Map<string, number>();

  constructor(columns: Iterable<string>, private readonly sobject: string) {
    this.columns = [...new Set(columns)];
    this.columns.forEach((c, i) => this.index.set(c, i));
  }

  /** The union of the records' columns, in first-seen order. */
  static unionOf(wires: Iterable<Record<string, unknown>>): string[] {
    const seen = new Set<string>();
    for (const w of wires) for (const k of Object.keys(w)) seen.add(k);
    return [...seen];
  }

  encode(wire: Record<string, unknown>, recordIndex: number): string[] {
    const cells = new Array<string>(this.columns.length).fill('');
    for (const key of Object.keys(wire)) {
      const i = this.index.get(key);
      if (i === undefined) {
        if (wire[key] === undefined) continue;
        throw new ValidationError({
          sobject: this.sobject, recordIndex, field: key,
          reason: `column ${key} is not in the CSV header (${this.columns.join(', ')}); pass it in options.columns`,
        });
      }
      cells[i] = toCsvCell(wire[key]);
    }
    return cells;
  }
}

/** The reconciliation key of a row: its cells exactly as uploaded (and as Salesforce echoes them back). */
export const rowKey = (cells: readonly string[]): string => cells.join('\u0000');
