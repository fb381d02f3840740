/**
 * Node-only CSV file sources for bulk ingest: a CSV file as an async iterable of records (read and parsed as a
 * stream, so a file of millions of rows is never in memory), to pass straight to `bulkInsert$` and friends.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { DELIMITERS, type ColumnDelimiter } from '../util/csv.js';

export interface CsvFileOptions {
  columnDelimiter?: ColumnDelimiter;
  /** File encoding. Default utf8 (a BOM is skipped). */
  encoding?: BufferEncoding;
}

/**
 * Records of a CSV file with a header row, as strings keyed by header (relationship headers like
 * `Account.External_Id__c` pass through as columns). Pulled lazily: the upload reads the next rows only when it
 * needs them.
 *
 * @example
 * import { csvFileRecords } from 'rxforce/node';
 * await bulkInsert('Account', csvFileRecords('accounts.csv'), { client, results: 'stream' });
 */
export function csvFileRecords(path: string, opts: CsvFileOptions = {}): AsyncIterable<Record<string, string>> {
  return {
    [Symbol.asyncIterator]() {
      const parser = createReadStream(path, { encoding: opts.encoding ?? 'utf8' }).pipe(parse({
        columns: true, bom: true, delimiter: DELIMITERS[opts.columnDelimiter ?? 'COMMA'], relax_column_count: false,
      }));
      return parser[Symbol.asyncIterator]() as AsyncIterator<Record<string, string>>;
    },
  };
}
