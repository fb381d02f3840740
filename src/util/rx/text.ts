import { concat, defer, EMPTY, filter, map, Observable, of } from 'rxjs';
import { CsvByteChunkParser, CsvChunkParser, type CsvDialect } from '../csv.js';

/** Characters of a text body handed to the CSV parser at once. */
const TEXT_SLICE = 256 * 1024;

/**
 * A response body as text chunks, whatever its shape: a string, bytes, a Node Readable or any async iterable of
 * chunks, or a WHATWG ReadableStream. Unsubscribing stops reading (and destroys a Node stream).
 */
export function textChunks$(body: unknown): Observable<string> {
  if (typeof body === 'string') return stringSlices$(body);
  return defer(() => {
    const decoder = new TextDecoder('utf-8');
    return concat(
      bodyChunks$(body).pipe(map(chunk => (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })))),
      defer(() => of(decoder.decode())),
    ).pipe(filter(text => text.length > 0));
  });
}

/** A string body sliced so a big one is parsed (and its rows released) a piece at a time. */
function stringSlices$(body: string): Observable<string> {
  return new Observable<string>(subscriber => {
    for (let i = 0; i < body.length && !subscriber.closed; i += TEXT_SLICE) subscriber.next(body.slice(i, i + TEXT_SLICE));
    subscriber.complete();
  });
}

/**
 * A response body's chunks as they come, bytes as bytes (text chunks of an iterable stay text): a Node Readable or
 * any async iterable of chunks, bytes, or a WHATWG ReadableStream. Unsubscribing stops reading (and destroys a Node
 * stream).
 */
function bodyChunks$(body: unknown): Observable<Uint8Array | string> {
  return new Observable<Uint8Array | string>(subscriber => {
    if (body === undefined || body === null) { subscriber.complete(); return; }
    const bytes = (chunk: unknown): Uint8Array | string => (typeof chunk === 'string' ? chunk
      : chunk instanceof ArrayBuffer ? new Uint8Array(chunk)
        : ArrayBuffer.isView(chunk) ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
          : badChunk(chunk));
    if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
      subscriber.next(bytes(body));
      subscriber.complete();
      return;
    }
    let iterator: AsyncIterator<unknown> | undefined;
    let reader: ReadableStreamDefaultReader<unknown> | undefined;
    let closed = false;
    if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      iterator = (body as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    } else if (typeof (body as ReadableStream).getReader === 'function') {
      reader = (body as ReadableStream<unknown>).getReader();
    } else {
      subscriber.error(new TypeError(`Unsupported response body: ${Object.prototype.toString.call(body)}`));
      return;
    }
    const next = (): Promise<IteratorResult<unknown>> =>
      iterator ? iterator.next() : reader!.read() as Promise<IteratorResult<unknown>>;
    void (async () => {
      try {
        for (;;) {
          const r = await next();
          if (closed) return;
          if (r.done) break;
          const chunk = bytes(r.value);
          if (chunk.length > 0) subscriber.next(chunk);
        }
        subscriber.complete();
      } catch (err) {
        if (!closed) subscriber.error(err);
      }
    })();
    return () => {
      closed = true;
      void iterator?.return?.()?.catch?.(() => undefined);
      void reader?.cancel().catch(() => undefined);
      (body as { destroy?: () => void }).destroy?.();
    };
  });
}

function badChunk(chunk: unknown): never {
  throw new TypeError(`A response body chunk must be text or bytes, got ${Object.prototype.toString.call(chunk)}`);
}

/** Rows keyed by the header's names (an absent cell is empty). */
export const keyedByHeader = (header: readonly string[]) => (cells: readonly string[]): Record<string, string> => {
  const rec: Record<string, string> = {};
  for (let i = 0; i < header.length; i++) rec[header[i]] = cells[i] ?? '';
  return rec;
};

/**
 * A CSV response body as pages of rows, parsed as the bytes arrive so memory holds one chunk. Each emission is the
 * rows one chunk completed, each built by `rowOf(header)` (default: an object keyed by header). A body of bytes is
 * parsed as bytes (no text decoded but the cells); a string body a slice at a time. The parser and header live per
 * subscription.
 */
export function csvRows$(body: unknown, dialect?: CsvDialect): Observable<Record<string, string>[]>;
export function csvRows$<T>(body: unknown, dialect: CsvDialect, rowOf: (header: string[]) => (cells: string[]) => T): Observable<T[]>;
export function csvRows$<T>(body: unknown, dialect: CsvDialect = {},
  rowOf: (header: string[]) => (cells: string[]) => T = keyedByHeader as never): Observable<T[]> {
  return defer(() => {
    let build: ((cells: string[]) => T) | undefined;
    const toRecords = (rows: string[][]): T[] => {
      const out: T[] = [];
      for (const row of rows) {
        if (!build) { build = rowOf(row); continue; }
        out.push(build(row));
      }
      return out;
    };
    let pages: Observable<T[]>;
    if (typeof body === 'string' || body === undefined || body === null) {
      const parser = new CsvChunkParser(dialect);
      pages = concat(
        (typeof body === 'string' ? stringSlices$(body) : EMPTY).pipe(map(text => toRecords(parser.push(text)))),
        defer(() => of(toRecords(parser.end()))),
      );
    } else {
      const parser = new CsvByteChunkParser(dialect);
      const encoder = new TextEncoder();
      pages = concat(
        bodyChunks$(body).pipe(map(chunk => toRecords(parser.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk)))),
        defer(() => of(toRecords(parser.end()))),
      );
    }
    return pages.pipe(filter(records => records.length > 0));
  });
}
