/**
 * A small RFC 4180 CSV codec with no dependencies: the browser build's parser and writer (Node uses csv-parse and
 * csv-stringify, see csvEngine.ts). It reads what those libraries read with the options rxforce gives them:
 *
 * - fields separated by a one-character delimiter; a field is quoted when it starts with `"`, and inside quotes a
 *   doubled quote is one quote and delimiters, CR and LF are data;
 * - a record ends at CRLF, LF or a lone CR outside quotes; a final line break adds no record, an empty line is a
 *   record of one empty field; rows may differ in width;
 * - a byte order mark at the start is dropped;
 * - a quote inside an unquoted field, anything but a delimiter or line break after a closing quote, and text ending
 *   inside quotes are errors naming the line.
 */

/** A malformed CSV text: `line` is the 1-based line where the bad field starts. */
export class CsvSyntaxError extends SyntaxError {
  constructor(message: string, readonly line: number) {
    super(`${message} (CSV line ${line})`);
    this.name = 'CsvSyntaxError';
  }
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** Whole CSV text → rows of cells (header included). */
export function parseCsvText(text: string, delimiter = ','): string[][] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
    throw new TypeError(`CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`);
  }
  const rows: string[][] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (i >= n) return rows;
  const d = delimiter.charCodeAt(0);
  let line = 1;
  let row: string[] = [];
  for (;;) {
    // one field starts at i
    if (text.charCodeAt(i) === QUOTE) {
      const startLine = line;
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) throw new CsvSyntaxError('the text ends inside a quoted field', startLine);
        value += text.slice(from, q);
        if (text.charCodeAt(q + 1) === QUOTE) { value += '"'; from = q + 2; continue; }
        i = q + 1;
        break;
      }
      line += countLineBreaks(value);
      row.push(value);
      if (i >= n) { rows.push(row); return rows; }
      const c = text.charCodeAt(i);
      if (c === d) { i++; if (i >= n) { row.push(''); rows.push(row); return rows; } continue; }
      if (c !== CR && c !== LF) {
        throw new CsvSyntaxError(`a closing quote is followed by ${JSON.stringify(text[i])} instead of a delimiter or line break`, line);
      }
    } else {
      // unquoted: runs to the next delimiter or line break
      let j = i;
      for (; j < n; j++) {
        const c = text.charCodeAt(j);
        if (c === d || c === LF || c === CR) break;
        if (c === QUOTE) throw new CsvSyntaxError('a quote inside an unquoted field (quote the whole field and double the quote)', line);
      }
      row.push(text.slice(i, j));
      i = j;
      if (i >= n) { rows.push(row); return rows; }
      if (text.charCodeAt(i) === d) { i++; if (i >= n) { row.push(''); rows.push(row); return rows; } continue; }
    }
    // a line break ends the record
    rows.push(row);
    row = [];
    line++;
    i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    if (i >= n) return rows;
  }
}

function countLineBreaks(s: string): number {
  let count = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === LF) count++;
    else if (c === CR && s.charCodeAt(k + 1) !== LF) count++;
  }
  return count;
}

/**
 * Rows of cells → CSV text, every record followed by `eol`. A cell is quoted (inner quotes doubled) when it holds the
 * delimiter, a quote, CR or LF, or starts with U+FEFF (which a reader would take for a byte order mark and drop);
 * nothing else is quoted.
 */
export function stringifyCsvRows(rows: readonly (readonly string[])[], delimiter = ',', eol = '\n'): string {
  const needsQuote = new RegExp(`[${escapeClass(delimiter)}"\\r\\n]|^\\ufeff`);
  let out = '';
  for (const row of rows) {
    for (let k = 0; k < row.length; k++) {
      if (k > 0) out += delimiter;
      const cell = row[k];
      out += needsQuote.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
    }
    out += eol;
  }
  return out;
}

const escapeClass = (s: string): string => s.replace(/[\\\]^-]/g, '\\$&');
