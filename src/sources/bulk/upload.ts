import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { ResolvedRetryConfig } from '../../client/retry.js';
import { utf8Length } from '../../util/csv.js';
import { putPart$, type PartResent } from './partResend.js';
import { bulkTransfer, type ByteStream } from './transfer.js';

export type { ByteStream } from './transfer.js';

/** ≤ 150 MB per upload after base64 on Salesforce's side, so ≤ 100 MB of raw CSV per PUT. */
export const MAX_PART_BYTES = 100 * 1024 * 1024;

/** Records pulled (and written to the part) at a time: big enough to amortise a pull, small enough to stay cheap. */
const BATCH_ROWS = 500;

/**
 * Characters of CSV text a part may reach while still held as strings. A bigger part is written as UTF-8 bytes as its
 * records come (Node: into byte pieces; browsers: folded into a Blob), so text never piles up in the heap.
 */
const TEXT_PART_CHARS = 64 * 1024;

/**
 * Bytes of one piece a streamed part is written into. Once a part is stored its pieces take the next part's bytes, so
 * an upload of any size holds one part's pieces (plus the one the next part starts in) and no more.
 */
const PIECE_BYTES = 1024 * 1024;

/** Characters of text folded into a Blob at once (browsers). */
const BLOB_PIECE_CHARS = 1024 * 1024;

/** A part's body: text, a Blob, or (Node) a stream whose byte length is known. */
export type PartBody = string | Blob | { stream: ByteStream; bytes: number };

export interface UploadProgress { bytes: number; records: number }

/** What an upload emits: cumulative progress after each stored part, and each re-send of a part that was not stored. */
export type UploadEvent = ({ type: 'upload' } & UploadProgress) | ({ type: 'partResent' } & PartResent);

/** A sealed part: how to get a fresh body for each attempt, its size, and the pieces it may hand on once stored. */
interface Part { body: () => PartBody; bytes: number; records: number; pieces: Uint8Array[] }

/**
 * Streams CSV records into parts of at most `partSizeBytes` (each with the header) and PUTs them one at a time: the
 * next records are read only once the previous part is uploaded, so memory holds one part whatever the input size.
 * Emits cumulative progress after each PUT. With `resend`, a part whose answer proves it was not stored is sent
 * again with a fresh body (see `putPart$`), and a part whose answer was lost fails with `PartInterruptedError`.
 *
 * `pull(max)` hands out up to `max` records as CSV lines (each with its line ending); an empty batch ends the input.
 * `header` is the header line. In Node a part bigger than a little text is written straight into UTF-8 byte pieces as
 * its records come, and a stored part's pieces are written over by the next part: the org answered 201, so it has
 * read every byte of them.
 */
export function uploadParts$(opts: {
  pull: (max: number) => Observable<string[]>;
  header: string;
  partSizeBytes: number;
  put: (csv: PartBody) => Observable<unknown>;
  resend?: { config: ResolvedRetryConfig | false; scheduler?: SchedulerLike };
}): Observable<UploadEvent> {
  return new Observable<UploadEvent>(subscriber => {
    const headerText = opts.header;
    const headerBytes = utf8Length(headerText);
    const streamed = bulkTransfer.partStream;
    const encoder = new TextEncoder();
    const headerPiece = streamed ? encoder.encode(headerText) : undefined;
    // the part being written: text while it is small, then UTF-8 pieces (Node) or Blobs (browsers)
    let chunks: string[] = [];
    let chunkChars = 0;
    let blobs: Blob[] = [];
    let pieces: Uint8Array[] = [];
    let lengths: number[] = [];
    let pieceOpen = false;
    let partBytes = 0;
    let partRecords = 0;
    // pieces of stored parts, written over by the parts after them
    const spare: Uint8Array[] = [];
    const total = { bytes: 0, records: 0 };
    let inner: Subscription | undefined;
    let closed = false;
    let exhausted = false;
    let parts = 0;
    // a part keeps what it is made of until it is stored: each attempt sends a fresh body (a stream is read once)
    const full: Part[] = [];

    /** Appends text to the current piece, taking a fresh (or spare) piece whenever one can take no more. */
    const encodeInto = (text: string) => {
      let rest = text;
      for (;;) {
        if (!pieceOpen) { pieces.push(spare.pop() ?? new Uint8Array(PIECE_BYTES)); lengths.push(0); pieceOpen = true; }
        const last = pieces.length - 1;
        const { read, written } = encoder.encodeInto(rest, pieces[last].subarray(lengths[last]));
        lengths[last] += written;
        if (read === rest.length) { pieceOpen = lengths[last] < PIECE_BYTES; return; }
        // what is left of this piece cannot hold the next character: the rest goes to the next piece
        rest = rest.slice(read);
        pieceOpen = false;
      }
    };
    const push = (text: string) => {
      if (streamed && pieces.length > 0) { encodeInto(text); return; }
      chunks.push(text);
      chunkChars += text.length;
      if (chunkChars < TEXT_PART_CHARS) return;
      if (streamed) {
        for (const chunk of chunks) encodeInto(chunk);
        chunks = []; chunkChars = 0;
      } else if (chunkChars >= BLOB_PIECE_CHARS) {
        blobs.push(new Blob(chunks));
        chunks = []; chunkChars = 0;
      }
    };
    const seal = () => {
      if (partRecords === 0) return;
      const bytes = headerBytes + partBytes;
      let body: () => PartBody;
      const own = pieces;
      if (streamed && own.length > 0) {
        const sizes = lengths;
        const bytePart = [headerPiece!, ...own.map((piece, i) => (sizes[i] === PIECE_BYTES ? piece : piece.subarray(0, sizes[i])))];
        body = () => ({ stream: streamed(bytePart), bytes });
      } else {
        const csv = blobs.length === 0 ? headerText + chunks.join('') : new Blob([headerText, ...blobs, ...chunks], { type: 'text/csv' });
        body = () => csv;
      }
      full.push({ body, bytes, records: partRecords, pieces: own });
      chunks = []; chunkChars = 0; blobs = []; pieces = []; lengths = []; pieceOpen = false; partBytes = 0; partRecords = 0;
    };
    const add = (lines: string[]) => {
      const text = lines.join('');
      const bytes = utf8Length(text);
      if (headerBytes + partBytes + bytes <= opts.partSizeBytes) {
        push(text); partBytes += bytes; partRecords += lines.length;
        return;
      }
      if (lines.length > 1) { for (const line of lines) add([line]); return; }
      seal();                                   // this record starts a new part (alone if it is bigger than a part)
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
              // stored: the org has read every byte, so the pieces can take the next part's
              spare.push(...part.pieces);
              part.pieces = [];
              total.bytes += part.bytes; total.records += part.records;
              subscriber.next({ type: 'upload', ...total });
              s.complete();
            },
          }));
        } else if (!exhausted) {
          step = new Observable<void>(s => opts.pull(BATCH_ROWS).subscribe({
            next: lines => {
              // building a part can throw (a record that is not text): that is this step's error, not an
              // unhandled one that would leave the upload hanging
              try {
                if (lines.length === 0) { exhausted = true; seal(); } else add(lines);
              } catch (e) {
                s.error(e);
              }
            },
            error: e => s.error(e),
            complete: () => s.complete(),
          }));
        } else {
          spare.length = 0;                     // the last part is stored: its pieces go now, not at a collection
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
    return () => { closed = true; inner?.unsubscribe(); spare.length = 0; };
  });
}
