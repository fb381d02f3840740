import { ValidationError } from '../../util/errors.js';
import type { SObjectModel } from '../../model/types.js';
import { csvLineWriter, flattenRecord, toCsvCell, type CsvDialect } from '../../util/csv.js';
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
  // a record without parent references or `attributes` is its own wire form: read as it is, not copied
  const flat = isFlat(wire) ? wire : flattenRecord(wire);
  checkSize(flat, sobject, index);
  return flat;
}

/** No `attributes` block and no nested object (a parent reference) to flatten: Dates and arrays are values. */
function isFlat(record: Record<string, unknown>): boolean {
  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    if (key === 'attributes') return false;
    const value = record[key];
    if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value)) return false;
  }
  return true;
}

/** Bulk API 2.0 ingest limits: ≤ 32,000 characters a field, ≤ 400,000 characters and ≤ 5,000 fields a record. */
const MAX_FIELD_CHARS = 32_000;
const MAX_RECORD_CHARS = 400_000;
const MAX_RECORD_FIELDS = 5_000;

/** Refuses a record Salesforce would refuse for its size, before anything is sent. */
function checkSize(flat: Record<string, unknown>, sobject: string, index: number): void {
  let fields = 0;
  let chars = 0;
  for (const key in flat) {
    if (!Object.prototype.hasOwnProperty.call(flat, key)) continue;
    fields++;
    const value = flat[key];
    if (typeof value !== 'string') continue;
    if (value.length > MAX_FIELD_CHARS) {
      throw new ValidationError({ sobject, recordIndex: index, field: key, reason: `${value.length} characters; Bulk API 2.0 takes at most ${MAX_FIELD_CHARS.toLocaleString('en-US')} a field` });
    }
    chars += value.length;
  }
  if (fields > MAX_RECORD_FIELDS) {
    throw new ValidationError({ sobject, recordIndex: index, reason: `${fields} fields; Bulk API 2.0 takes at most ${MAX_RECORD_FIELDS} a record` });
  }
  if (chars > MAX_RECORD_CHARS) {
    throw new ValidationError({ sobject, recordIndex: index, reason: `${chars} characters; Bulk API 2.0 takes at most ${MAX_RECORD_CHARS.toLocaleString('en-US')} a record` });
  }
}

/**
 * Keeps the CSV header and turns wire records into CSV lines. The header is fixed before the first row is written (it
 * heads every part); a later record carrying a column outside it fails with a ValidationError instead of losing data.
 * The cells of a record are written into one array reused for every record, straight to the record's line: nothing
 * per record outlives the line but the line itself (and, for reconciliation, its key).
 */
export class RowEncoder {
  readonly columns: string[];
  /** The header line, with its line ending. */
  readonly headerLine: string;
  private readonly index = new Map<string, number>();
  private readonly cells: string[];
  private readonly write: (cells: readonly string[]) => string;

  constructor(columns: Iterable<string>, private readonly sobject: string, dialect: CsvDialect = {}) {
    this.columns = [...new Set(columns)];
    this.columns.forEach((c, i) => this.index.set(c, i));
    this.cells = new Array<string>(this.columns.length).fill('');
    this.write = csvLineWriter(dialect);
    this.headerLine = this.write(this.columns);
  }

  /** The union of the records' columns, in first-seen order. */
  static unionOf(wires: Iterable<Record<string, unknown>>): string[] {
    const seen = new Set<string>();
    for (const w of wires) for (const k of Object.keys(w)) seen.add(k);
    return [...seen];
  }

  /** One record's CSV line (with its line ending); `key()` is then that record's reconciliation key. */
  line(wire: Record<string, unknown>, recordIndex: number): string {
    const cells = this.cells;
    cells.fill('');
    for (const key in wire) {
      if (!Object.prototype.hasOwnProperty.call(wire, key)) continue;
      const value = wire[key];
      const i = this.index.get(key);
      if (i === undefined) {
        if (value === undefined) continue;
        throw new ValidationError({
          sobject: this.sobject, recordIndex, field: key,
          reason: `column ${key} is not in the CSV header (${this.columns.join(', ')}); pass it in options.columns`,
        });
      }
      try {
        cells[i] = toCsvCell(value);
      } catch (e) {
        throw new ValidationError({ sobject: this.sobject, recordIndex, field: key, reason: (e as Error).message });
      }
    }
    return this.write(cells);
  }

  /** The reconciliation key of the record `line` wrote last. */
  key(): string { return rowKey(this.cells); }
}

/** The reconciliation key of a row: its cells exactly as uploaded (and as Salesforce echoes them back). */
export const rowKey = (cells: readonly string[]): string => cells.join('\u0000');
