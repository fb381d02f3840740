/** Streaming CSV readers for uploaded job data, in the job's dialect. */
import { createReadStream } from 'node:fs';
import { parse, type Parser } from 'csv-parse';
import type { Dialect } from './dialect.js';

/** A streaming parser over one uploaded file; rows come back as string arrays, header first. */
export function openCsv(file: string, d: Dialect, lenient = false): Parser {
  const parser = parse({
    delimiter: d.delimiter,
    record_delimiter: d.eol,
    relax_column_count: true,
    skip_empty_lines: true,
    bom: true,
    relax_quotes: lenient,
    skip_records_with_error: lenient,
  });
  const input = createReadStream(file);
  input.on('error', e => parser.destroy(e));
  parser.on('close', () => input.destroy());
  return input.pipe(parser);
}

/** The header row of an uploaded file (empty when the file has no rows). */
export async function readHeader(file: string, d: Dialect): Promise<string[]> {
  const parser = openCsv(file, d);
  try {
    for await (const row of parser) return row as string[];
    return [];
  } finally {
    parser.destroy();
  }
}
