/**
 * A load file's rows with the line each starts on, for messages a user can open the file at. Before any row is
 * read the file is checked whole: invalid UTF-8 and duplicate CSV column headers are refused, naming the line, since
 * either would otherwise load something other than what the file says (U+FFFD for the bytes, the last of the
 * duplicates for the column).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { FileFormatError, type RecordFileFormat } from '../node/files.js';
import { flattenRecord } from '../util/csv.js';
import { CliError } from './errors.js';

export type Row = Record<string, unknown>;

/**
 * A row and where it is: `line` is the 1-based line of the file it starts on; `element` is its index in a JSON array
 * (from 0, as `[1]` names the second).
 */
export interface FileRow { row: Row; index: number; line?: number; element?: number }

/** How a row is named in messages: by its line, and in a JSON array by its element too (`line 3 (element [1])`). */
export const rowName = (r: { index: number; line?: number; element?: number }): string => {
  const element = r.element !== undefined ? `element [${r.element}]` : undefined;
  if (r.line === undefined) return element ?? `row ${r.index + 1}`;
  return element ? `line ${r.line} (${element})` : `line ${r.line}`;
};

/** Refuses a file that is not UTF-8, naming the line of the first bad byte (exit 2). */
export async function checkUtf8(file: string): Promise<void> {
  let line = 1;
  let need = 0;
  let cp = 0;
  let min = 0;
  let lead = 0;
  const fail = (b: number): never => {
    throw new CliError(`${file}:${line}: not UTF-8 (byte 0x${b.toString(16).padStart(2, '0')} on line ${line}); save the file as UTF-8`);
  };
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (need > 0) {
        // the character the bad byte belongs to is named by its first byte
        if ((b & 0xc0) !== 0x80) fail(lead);
        cp = (cp << 6) | (b & 0x3f);
        if (--need === 0 && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) fail(lead);
        continue;
      }
      lead = b;
      if (b < 0x80) {
        if (b === 0x0a) line++;
      } else if (b >= 0xc2 && b <= 0xdf) {
        need = 1; cp = b & 0x1f; min = 0x80;
      } else if (b >= 0xe0 && b <= 0xef) {
        need = 2; cp = b & 0x0f; min = 0x800;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3; cp = b & 0x07; min = 0x10000;
      } else {
        fail(b);
      }
    }
  }
  if (need > 0) throw new CliError(`${file}:${line}: not UTF-8 (the file ends inside a character); save the file as UTF-8`);
}

/** Refuses a header naming a column twice (API names are case-insensitive), naming both places. */
export function checkHeader(file: string, header: readonly string[], line = 1): void {
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    const key = name.trim().toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      throw new CliError(`${file}:${line}: duplicate column "${name}" (columns ${first + 1} and ${i + 1}): each field may appear once`);
    }
    seen.set(key, i);
  });
}

/** The CSV header (checked) without reading further. */
export async function csvHeader(file: string): Promise<string[]> {
  for await (const r of csvRecords(file)) {
    checkHeader(file, r.cells, r.line);
    return r.cells;
  }
  return [];
}

/** CSV records as arrays of cells, each with the line it starts on. */
async function* csvRecords(file: string): AsyncGenerator<{ cells: string[]; line: number }> {
  const parser = createReadStream(file, { encoding: 'utf8' }).pipe(parse({ bom: true, info: true, relax_column_count: false }));
  let nextLine = 1;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { cells: record, line: nextLine };
      nextLine = info.lines + 1;
    }
  } catch (e) {
    const err = e as Error & { code?: string; lines?: number };
    if (err.code?.startsWith('CSV_')) throw new FileFormatError(file, `broken CSV: ${err.message}`, err.lines);
    throw err;
  } finally {
    parser.destroy();
  }
}

/** Every row of the file (CSV cells keyed by the checked header; JSON relationships flattened to dotted columns). */
export async function* fileRows(file: string, format: RecordFileFormat): AsyncGenerator<FileRow> {
  let index = 0;
  if (format === 'csv') {
    let header: string[] | undefined;
    for await (const r of csvRecords(file)) {
      if (!header) {
        checkHeader(file, r.cells, r.line);
        header = r.cells;
        continue;
      }
      const row: Row = {};
      header.forEach((h, i) => { row[h] = r.cells[i]; });
      yield { row, index: index++, line: r.line };
    }
    return;
  }
  if (format === 'ndjson') {
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    let n = 0;
    try {
      for await (const text of lines) {
        n++;
        if (text.trim() === '') continue;
        let value: unknown;
        try { value = JSON.parse(text); } catch (e) { throw new FileFormatError(file, `invalid JSON (${(e as Error).message})`, n); }
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new FileFormatError(file, 'each line must be a JSON object', n);
        yield { row: flattenRecord(value as Row), index: index++, line: n };
      }
    } finally {
      lines.close();
    }
    return;
  }
  for (const e of await jsonArray(file)) yield { row: flattenRecord(e.value), index: index++, line: e.line, element: e.element };
}

/** The 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * A JSON array of objects (read whole: an array has no record boundaries to stream on), each with the line it starts
 * on. A syntax error names its line when the parser gives its position.
 */
async function jsonArray(file: string): Promise<{ value: Row; line: number; element: number }[]> {
  const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /\bposition (\d+)/.exec(message);
    throw new FileFormatError(file, `invalid JSON (${message})`, at ? lineAt(text, Number(at[1])) : undefined);
  }
  if (!Array.isArray(value)) throw new FileFormatError(file, 'expected a JSON array of records', lineAt(text, text.search(/\S/)));
  const lines = elementLines(text);
  return value.map((v: unknown, element) => {
    const line = lines[element]!;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw new FileFormatError(file, `element [${element}] is not a JSON object`, line);
    }
    return { value: v as Row, line, element };
  });
}

/** The line each element of a valid JSON array starts on: one pass over the text, outside strings. */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expecting = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
    if (expecting && c !== ']') {
      lines.push(line);
      expecting = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expecting = true;
    } else if (c === ']' || c === '}') {
      depth--;
      expecting = false;
    } else if (c === ',' && depth === 1) expecting = true;
  }
  return lines;
}
