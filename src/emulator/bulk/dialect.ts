/** CSV dialects a Bulk API 2.0 job may declare (`columnDelimiter`, `lineEnding`), honoured on upload and results. */
import { SfHttpError } from '../types.js';

export type ColumnDelimiter = 'COMMA' | 'TAB' | 'PIPE' | 'SEMICOLON' | 'CARET' | 'BACKQUOTE';
export type LineEnding = 'LF' | 'CRLF';

const DELIMITERS: Record<ColumnDelimiter, string> = {
  COMMA: ',', TAB: '\t', PIPE: '|', SEMICOLON: ';', CARET: '^', BACKQUOTE: '`',
};

export interface Dialect {
  columnDelimiter: ColumnDelimiter;
  lineEnding: LineEnding;
  delimiter: string;
  eol: string;
}

/** Validates the job's dialect fields (defaults COMMA and LF, as Salesforce). */
export function dialectOf(columnDelimiter: unknown, lineEnding: unknown): Dialect {
  const cd = (columnDelimiter ?? 'COMMA') as ColumnDelimiter;
  const le = (lineEnding ?? 'LF') as LineEnding;
  if (typeof cd !== 'string' || !(cd in DELIMITERS)) {
    throw new SfHttpError(400, 'INVALIDJOB', `Invalid column delimiter: ${String(columnDelimiter)}`);
  }
  if (le !== 'LF' && le !== 'CRLF') {
    throw new SfHttpError(400, 'INVALIDJOB', `Invalid line ending: ${String(lineEnding)}`);
  }
  return { columnDelimiter: cd, lineEnding: le, delimiter: DELIMITERS[cd], eol: le === 'CRLF' ? '\r\n' : '\n' };
}

/** Quotes a value when it holds the delimiter, a quote or a line break, doubling inner quotes. */
export function csvCell(value: string, d: Dialect, alwaysQuote = false): string {
  if (alwaysQuote || value.includes(d.delimiter) || value.includes('"') || value.includes('\n') || value.includes('\r')) {
    return `"${value.replace(/"/g, '""')}"`;
  }
  return value;
}

/** One CSV line, terminated by the job's line ending. */
export function csvLine(values: readonly string[], d: Dialect, alwaysQuote = false): string {
  return values.map(v => csvCell(v, d, alwaysQuote)).join(d.delimiter) + d.eol;
}
