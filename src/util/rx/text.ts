import { concat, defer, filter, map, Observable, of } from 'rxjs';
import { CsvChunkParser, type CsvDialect } from '../csv.js';

/** Characters of a text body handed to the CSV parser at once. */
const TEXT_SLICE = 256 * 1024;

/**
 * A response body as text chunks, whatever its shape: a string, bytes, a Node Readable or any async iterable of
 * chunks, or a WHATWG ReadableStream. Unsubscribing stops reading (and destroys a Node stream).
 */
export function textChunks$(body: unknown): Observable<string> {
  return new Observable<string>(subscriber => {
    if (body === undefined || body === null) { subscriber.complete(); return; }
    if (typeof body === 'string') {
      // sliced so a big text body is parsed (and its rows released) a piece at a time
      for (let i = 0; i < body.length && !subscriber.closed; i += TEXT_SLICE) subscriber.next(body.slice(i, i + TEXT_SLICE));
      subscriber.complete();
      return;
    }
    const decoder = new TextDecoder('utf-8');
    const decode = (chunk: unknown, last = false): string =>
      typeof chunk === 'string' ? chunk
        : chunk instanceof ArrayBuffer ? decoder.decode(new Uint8Array(chunk), { stream: !last })
          : decoder.decode(chunk as Uint8Array, { stream: !last });
    if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
      subscriber.next(decode(body, true));
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
          const text = decode(r.value);
          if (text) subscriber.next(text);
        }
        const tail = decoder.decode();
        if (tail) subscriber.next(tail);
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

/**
 * A CSV response body as pages of rows keyed by header, parsed as the bytes arrive so memory holds one chunk.
 * Each emission is the rows one chunk completed. The parser and header live per subscription.
 */
export function csvRows$(body: unknown, dialect: CsvDialect = {}): Observable<Record<string, string>[]> {
  return defer(() => {
    const parser = new CsvChunkParser(dialect);
    let header: string[] | undefined;
    const toRecords = (rows: string[][]): Record<string, string>[] => {
      const out: Record<string, string>[] = [];
      for (const row of rows) {
        if (!header) { header = row; continue; }
        const rec: Record<string, string> = {};
        for (let i = 0; i < header.length; i++) rec[header[i]] = row[i] ?? '';
        out.push(rec);
      }
      return out;
    };
    return concat(
      textChunks$(body).pipe(map(text => toRecords(parser.push(text)))),
      defer(() => of(toRecords(parser.end()))),
    ).pipe(filter(records => records.length > 0));
  });
}
