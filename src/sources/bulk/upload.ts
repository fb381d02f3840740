import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { ResolvedRetryConfig } from '../../client/retry.js';
import { stringifyRows, utf8Length, type CsvDialect } from '../../util/csv.js';
import { putPart$, type PartResent } from './partResend.js';
import { bulkTransfer, type ByteStream } from './transfer.js';

export type { ByteStream } from './transfer.js';

/** ≤ 150 MB per upload after base64 on Salesforce's side, so ≤ 100 MB of raw CSV per PUT. */
export const MAX_PART_BYTES = 100 * 1024 * 1024;

/** Rows stringified per csv-stringify call: big enough to amortise the call, small enough to stay cheap to redo. */
const BATCH_ROWS = 500;

/**
 * Characters of CSV text held as strings before they are folded into a Blob. A part bigger than this travels as a
 * Blob of UTF-8 bytes built piece by piece, so a 100 MB part costs 100 MB once instead of as UTF-16 text, its join
 * and the transport's copy; small parts stay strings.
 */
const TEXT_PIECE_CHARS = 1024 * 1024;

/** A part's body: text, a Blob, or (Node) a stream whose byte length is known. */
export type PartBody = string | Blob | { stream: ByteStream; bytes: number };

export interface UploadProgress { bytes: number; records: number }

/** What an upload emits: cumulative progress after each stored part, and each re-send of a part that was not stored. */
export type UploadEvent = ({ type: 'upload' } & UploadProgress) | ({ type: 'partResent' } & PartResent);

/**
 * Streams rows into CSV parts of at most `partSizeBytes` (each with the header) and PUTs them one at a time: the
 * next rows are read only once the previous part is uploaded, so memory holds one part whatever the input size.
 * Emits cumulative progress after each PUT. With `resend`, a part whose answer proves it was not stored is sent
 * again with a fresh body (see `putPart$`), and a part whose answer was lost fails with `PartInterruptedError`.
 */
export function uploadParts$(opts: {
  pull: (max: number) => Observable<string[][]>;
  header: readonly string[];
  dialect: CsvDialect;
  partSizeBytes: number;
  put: (csv: PartBody) => Observable<unknown>;
  resend?: { config: ResolvedRetryConfig | false; scheduler?: SchedulerLike };
}): Observable<UploadEvent> {
  return new Observable<UploadEvent>(subscriber => {
    const headerText = stringifyRows([opts.header], opts.dialect);
    const headerBytes = utf8Length(headerText);
    let chunks: string[] = [];
    let chunkChars = 0;
    const streamed = bulkTransfer.partStream;
    const encoder = new TextEncoder();
    let pieces: Blob[] = [];
    let bytePieces: Uint8Array[] = [];
    let partBytes = 0;
    let partRecords = 0;
    const total = { bytes: 0, records: 0 };
    let inner: Subscription | undefined;
    let closed = false;
    let exhausted = false;
    let parts = 0;
    // a part keeps what it is made of until it is stored: each attempt sends a fresh body (a stream is read once)
    const full: { body: () => PartBody; bytes: number; records: number }[] = [];

    const push = (text: string) => {
      chunks.push(text);
      chunkChars += text.length;
      if (streamed && chunkChars >= TEXT_PIECE_CHARS) {
        bytePieces.push(encoder.encode(chunks.join('')));
        chunks = []; chunkChars = 0;
      } else if (chunkChars >= TEXT_PIECE_CHARS) {
        pieces.push(new Blob(chunks));
        chunks = []; chunkChars = 0;
      }
    };
    const seal = () => {
      if (partRecords === 0) return;
      const bytes = headerBytes + partBytes;
      let body: () => PartBody;
      if (streamed && bytePieces.length > 0) {
        const bytePart = [encoder.encode(headerText), ...bytePieces, encoder.encode(chunks.join(''))];
        body = () => ({ stream: streamed(bytePart), bytes });
      } else {
        const csv = pieces.length === 0 ? headerText + chunks.join('') : new Blob([headerText, ...pieces, ...chunks], { type: 'text/csv' });
        body = () => csv;
      }
      full.push({ body, bytes, records: partRecords });
      chunks = []; chunkChars = 0; pieces = []; bytePieces = []; partBytes = 0; partRecords = 0;
    };
    const add = (rows: string[][]) => {
      const text = stringifyRows(rows, opts.dialect);
      const bytes = utf8Length(text);
      if (headerBytes + partBytes + bytes <= opts.partSizeBytes) {
        push(text); partBytes += bytes; partRecords += rows.length;
        return;
      }
      if (rows.length > 1) { for (const row of rows) add([row]); return; }
      seal();                                   // this row starts a new part (alone if it is bigger than a part)
      push(text); partBytes += bytes; partRecords += 1;
    };

    // Trampolined so synchronous sources (arrays, a synchronous transport) do not grow the stack per batch.
    const loop = () => {
      for (;;) {
        if (closed) return;
        let sync = true;
        let again = false;
        let step: Observable<unknown>;
        if (full.length > 0) {
          const part = full.shift()!;
          const number = ++parts;
          const send = () => opts.put(part.body());
          const put$ = opts.resend
            ? putPart$({ part: number, send, ...opts.resend, onResend: e => subscriber.next({ type: 'partResent', ...e }) })
            : send();
          step = new Observable<void>(s => put$.subscribe({
            error: e => s.error(e),
            complete: () => {
              total.bytes += part.bytes; total.records += part.records;
              subscriber.next({ type: 'upload', ...total });
              s.complete();
            },
          }));
        } else if (!exhausted) {
          step = new Observable<void>(s => opts.pull(BATCH_ROWS).subscribe({
            next: rows => {
              // building a part can throw (a value the CSV writer refuses): that is this step's error, not an
              // unhandled one that would leave the upload hanging
              try {
                if (rows.length === 0) { exhausted = true; seal(); } else add(rows);
              } catch (e) {
                s.error(e);
              }
            },
            error: e => s.error(e),
            complete: () => s.complete(),
          }));
        } else {
          subscriber.complete();
          return;
        }
        inner = step.subscribe({
          error: e => subscriber.error(e),
          complete: () => { if (sync) again = true; else loop(); },
        });
        sync = false;
        if (!again) return;
      }
    };
    loop();
    return () => { closed = true; inner?.unsubscribe(); };
  });
}
