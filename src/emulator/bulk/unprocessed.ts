/** `unprocessedrecords/`: the uploaded rows processing never reached (aborted or failed jobs), as uploaded. */
import type { IngestJob } from './jobs.js';
import { openCsv } from './csvRead.js';
import { csvLine } from './dialect.js';

/** Lines handed out at once (enough to amortise a socket write, small enough to stay cheap). */
const BATCH = 1000;

/** Rows from the job's stop position onward, under the first upload's header, as CSV text in batches of rows. */
export async function* unprocessedCsv(job: IngestJob): AsyncGenerator<string> {
  const d = job.dialect;
  const header = job.resultHeader ?? [];
  let out: string[] = [header.length ? csvLine(header, d) : ''];
  const lowerHeader = header.map(h => h.toLowerCase());
  for (let u = job.position.upload; u < job.uploads.length; u++) {
    // Lenient: rows after a parse error are still reported where they can be read.
    const parser = openCsv(job.uploads[u], d, true);
    let row = -1;
    let map: number[] | undefined;
    try {
      for await (const values of parser as AsyncIterable<string[]>) {
        if (row === -1) {
          const lower = values.map(v => v.toLowerCase());
          map = lowerHeader.map(h => lower.indexOf(h));
          row = 0;
          continue;
        }
        if (u === job.position.upload && row < job.position.row) {
          row++;
          continue;
        }
        row++;
        out.push(csvLine(map ? map.map(i => (i >= 0 ? values[i] ?? '' : '')) : values, d));
        if (out.length >= BATCH) {
          const text = out.join('');
          out = [];
          yield text;
        }
      }
    } catch {
      // an unreadable tail cannot be echoed
    } finally {
      parser.destroy();
    }
  }
  if (out.length) yield out.join('');
}
