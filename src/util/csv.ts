/**
 * CSV for Bulk API 2.0: values → cells, rows → text, and text arriving in chunks → rows.
 *
 * Browser-safe: the parser and writer come from ./csvEngine.js, which is csv-parse/csv-stringify in Node and the
 * small RFC 4180 codec (./csvCodec.ts) in browser bundles; the bundler picks the file, nothing is decided at run time.
 */
import { csvEngine } from './csvEngine.js';

/** Salesforce's names for the column delimiters a job may use. */
export type ColumnDelimiter = 'COMMA' | 'TAB' | 'PIPE' | 'SEMICOLON' | 'CARET' | 'BACKQUOTE';
export type LineEnding = 'LF' | 'CRLF';

export const DELIMITERS: Readonly<Record<ColumnDelimiter, string>> = {
  COMMA: ',', TAB: '\t', PIPE: '|', SEMICOLON: ';', CARET: '^', BACKQUOTE: '`',
};

/** What Bulk API 2.0 reads as "set this field to null"; an empty cell means "leave it alone" on update. */
export const CSV_NULL = '#N/A';

export interface CsvDialect {
  columnDelimiter?: ColumnDelimiter;
  lineEnding?: LineEnding;
}

/**
 * One value as a bulk CSV cell: null → `#N/A`, undefined → empty (ignored), Date → ISO 8601 UTC with milliseconds,
 * arrays (multipicklists) → `;`-joined, booleans → `true`/`false`.
 */
export function toCsvCell(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return CSV_NULL;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'symbol' || typeof value === 'function') throw new TypeError(`a ${typeof value} is not a value a CSV cell can hold`);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(v => String(v)).join(';');
  return JSON.stringify(value);
}

/**
 * Flattens parent references to relationship columns: `{ Account: { External_Id__c: 'x' } }` →
 * `{ 'Account.External_Id__c': 'x' }`. `attributes` blocks (REST metadata) are dropped; Dates and arrays stay values.
 */
export function flattenRecord(record: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [key, value] of Object.entries(record)) {
    if (key === 'attributes') continue;
    if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value)) {
      flattenRecord(value as Record<string, unknown>, `${prefix}${key}.`, out);
    } else {
      out[`${prefix}${key}`] = value;
    }
  }
  return out;
}

/**
 * One record of cells → its CSV line with the line ending, written as csv-stringify writes it with the options
 * `stringifyRows` gives it (a cell is quoted, inner quotes doubled, when it holds the delimiter, a quote, CR or LF, or
 * starts with U+FEFF). For the upload path, which writes millions of records one at a time: no options to read per
 * call, no array of output pieces, one string per record.
 */
export function csvLineWriter(dialect: CsvDialect = {}): (cells: readonly string[]) => string {
  const delimiter = DELIMITERS[dialect.columnDelimiter ?? 'COMMA'];
  const eol = dialect.lineEnding === 'CRLF' ? '\r\n' : '\n';
  const special = new RegExp(`[${delimiter.replace(/[\\\]^-]/g, '\\$&')}"\\r\\n]|^\\ufeff`);
  return cells => {
    let line = '';
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i];
      if (i > 0) line += delimiter;
      line += special.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
    }
    return line + eol;
  };
}

/** Rows of cells (strings) → CSV text, quoting cells that hold the delimiter, a quote, CR or LF. */
export function stringifyRows(rows: readonly (readonly string[])[], dialect: CsvDialect = {}): string {
  if (rows.length === 0) return '';
  return csvEngine.stringify(rows, DELIMITERS[dialect.columnDelimiter ?? 'COMMA'], dialect.lineEnding === 'CRLF' ? '\r\n' : '\n');
}

/** Whole CSV text → rows of cells (header included). */
export function parseCsv(text: string, dialect: CsvDialect = {}): string[][] {
  if (text.length === 0) return [];
  return csvEngine.parse(text, DELIMITERS[dialect.columnDelimiter ?? 'COMMA']);
}

/** UTF-8 byte length without encoding the string (parts are sized in bytes, as Salesforce counts them). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) { n += 2; i++; }   // surrogate pair: 4 bytes for 2 code units
    else n += 2;
  }
  return n;
}

/**
 * Incremental CSV parser: feed text as it arrives, get the rows completed so far. A record ends at a newline outside
 * quotes; since a doubled quote toggles the state twice, counting quotes is enough to know where that is.
 */
export class CsvChunkParser {
  private pending = '';
  private scanned = 0;
  private inQuotes = false;

  constructor(private readonly dialect: CsvDialect = {}) {}

  /** Appends text; returns every row completed by it. */
  push(chunk: string): string[][] {
    this.pending += chunk;
    let cut = -1;
    const text = this.pending;
    let i = this.scanned;
    while (i < text.length) {
      if (this.inQuotes) {
        const q = text.indexOf('"', i);
        if (q < 0) { i = text.length; break; }
        this.inQuotes = false;
        i = q + 1;
      } else {
        const q = text.indexOf('"', i);
        const nl = text.indexOf('\n', i);
        if (nl >= 0 && (q < 0 || nl < q)) { cut = nl; i = nl + 1; continue; }
        if (q < 0) { i = text.length; break; }
        this.inQuotes = true;
        i = q + 1;
      }
    }
    if (cut < 0) { this.scanned = i; return []; }
    const complete = text.slice(0, cut + 1);
    this.pending = text.slice(cut + 1);
    this.scanned = i - (cut + 1);
    return parseCsv(complete, this.dialect);
  }

  /** Ends the input; returns the last row if it had no trailing newline. */
  end(): string[][] {
    const rest = this.pending;
    this.pending = '';
    this.scanned = 0;
    if (rest.length === 0) return [];
    if (this.inQuotes) throw new SyntaxError('CSV ended inside a quoted value');
    return parseCsv(rest, this.dialect);
  }
}

const QUOTE = 0x22;
const LF = 0x0a;
const NO_BYTES = new Uint8Array(0);

/**
 * Incremental CSV parser over UTF-8 bytes, as a body arrives from the network: the rows completed so far are parsed
 * from the bytes themselves, so a chunk is never decoded to text, joined to the previous one or encoded again. A
 * record ends at a line feed outside quotes; a quote or line feed byte is never part of a multi-byte character, so
 * the bytes can be cut there. Only the unfinished last record is copied, to wait for the next chunk.
 */
export class CsvByteChunkParser {
  private pending: Uint8Array = NO_BYTES;
  private inQuotes = false;
  private started = false;
  private readonly delimiter: string;

  constructor(dialect: CsvDialect = {}) {
    this.delimiter = DELIMITERS[dialect.columnDelimiter ?? 'COMMA'];
  }

  /** Appends bytes; returns every row completed by them. */
  push(bytes: Uint8Array): string[][] {
    let chunk = bytes;
    if (!this.started) {
      if (this.pending.length + chunk.length < 3) { this.pending = join(this.pending, chunk); return []; }
      this.started = true;
      if (this.pending.length > 0) { chunk = join(this.pending, chunk); this.pending = NO_BYTES; }
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);   // the BOM
    }
    // where the first and the last record completed by this chunk end, the quote state carried from the last chunk:
    // one pass over the bytes (a doubled quote toggles the state twice), no call per quote or line
    let first = -1;
    let last = -1;
    let inQuotes = this.inQuotes;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const b = chunk[i];
      if (b === QUOTE) inQuotes = !inQuotes;
      else if (b === LF && !inQuotes) {
        if (first < 0) first = i;
        last = i;
      }
    }
    this.inQuotes = inQuotes;
    if (last < 0) { this.pending = join(this.pending, chunk); return []; }
    let rows: string[][] = [];
    let from = 0;
    if (this.pending.length > 0) {
      rows = this.parse(join(this.pending, chunk.subarray(0, first + 1)));
      from = first + 1;
    }
    if (from <= last) {
      const more = this.parse(chunk.subarray(from, last + 1));
      rows = rows.length === 0 ? more : rows.concat(more);
    }
    // a copy, so the chunk it came from can go
    this.pending = last + 1 < n ? new Uint8Array(chunk.subarray(last + 1)) : NO_BYTES;
    return rows;
  }

  /** Ends the input; returns the last row if it had no trailing newline. */
  end(): string[][] {
    const rest = this.pending;
    this.pending = NO_BYTES;
    if (this.inQuotes) throw new SyntaxError('CSV ended inside a quoted value');
    if (rest.length === 0) return [];
    const start = !this.started && rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf ? 3 : 0;
    return start < rest.length ? this.parse(rest.subarray(start)) : [];
  }

  private parse(bytes: Uint8Array): string[][] {
    return csvEngine.parseBytes(bytes, this.delimiter);
  }
}

/** Two byte runs as one new array. */
function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return new Uint8Array(b);
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
