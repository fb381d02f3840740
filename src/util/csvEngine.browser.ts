/**
 * The browser build's CSV engine (see csvEngine.ts): the small RFC 4180 codec instead of the CSV libraries, whose
 * browser builds carry a Buffer polyfill and stream shims.
 */
import { parseCsvText, stringifyCsvRows } from './csvCodec.js';

export const csvEngine = {
  /** Whole CSV text → rows of cells; a BOM is dropped and rows may differ in width. */
  parse(text: string, delimiter: string): string[][] {
    return parseCsvText(text, delimiter);
  },
  /** CSV bytes (UTF-8, whole records) → rows of cells. */
  parseBytes(bytes: Uint8Array, delimiter: string): string[][] {
    return parseCsvText(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), delimiter);
  },
  /** Rows of cells → CSV text, each record followed by `eol`. */
  stringify(rows: readonly (readonly string[])[], delimiter: string, eol: string): string {
    return stringifyCsvRows(rows, delimiter, eol);
  },
};
