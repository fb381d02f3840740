/**
 * The CSV parser and writer behind util/csv.ts, chosen by entry point: in Node this module (csv-parse and
 * csv-stringify, whose Node builds read Buffers natively); in browser bundles csvEngine.browser.ts (the small
 * RFC 4180 codec), swapped in by webpack.config.js and by package.json's `browser` field for other bundlers.
 * Both read and write the same text (spec/util/csvCodec.spec.ts compares them).
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/** Cells csv-stringify would leave bare: a lone CR or LF, and a leading U+FEFF a reader would drop as a BOM. */
const ALSO_QUOTED = [/[\r\n]/, /^\ufeff/];

export const csvEngine = {
  /** Whole CSV text → rows of cells; a BOM is dropped and rows may differ in width. */
  parse(text: string, delimiter: string): string[][] {
    return parse(text, { delimiter, bom: true, relax_column_count: true }) as string[][];
  },
  /**
   * CSV bytes (UTF-8, whole records) → rows of cells, read as bytes: no text is decoded but each cell's. A BOM is not
   * dropped (the caller drops the one at the start of a body).
   */
  parseBytes(bytes: Uint8Array, delimiter: string): string[][] {
    return parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { delimiter, bom: false, relax_column_count: true }) as string[][];
  },
  /** Rows of cells → CSV text, each record followed by `eol`. */
  stringify(rows: readonly (readonly string[])[], delimiter: string, eol: string): string {
    return stringify(rows as string[][], {
      delimiter,
      record_delimiter: eol === '\r\n' ? 'windows' : 'unix',
      // csv-stringify only quotes the configured record delimiter
      quoted_match: ALSO_QUOTED,
    });
  },
};
