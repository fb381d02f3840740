/**
 * What every transport shares: which statuses are answers, how a body is parsed, how headers are flattened, how an
 * error body is read, how a streamed upload is read whole where it cannot be streamed, and how a failure on the wire
 * becomes a `NetworkError`. No HTTP library here, so a browser
 * build that sends with `fetch` carries none.
 */
import { NetworkError } from './errors.js';
import type { HttpMethod, ResponseType, TransportRequest } from './types.js';

/** How a request counts as answered: 2xx, and 304 (a conditional GET's "not modified" is an answer, not a failure). */
export const isSuccessStatus = (status: number): boolean => (status >= 200 && status < 300) || status === 304;

/** Most bytes of an error body kept for the error message (HTML maintenance pages can be large). */
export const MAX_ERROR_BODY = 64 * 1024;

/** Parses a text body the way Salesforce answers: JSON when it looks like JSON, else the text. */
export function parseBody(text: unknown, responseType: ResponseType, contentType = ''): unknown {
  if (responseType !== 'json' || typeof text !== 'string') return text;
  if (text === '') return undefined;
  const t = text.trimStart();
  if (/json/i.test(contentType) || t.startsWith('{') || t.startsWith('[')) {
    try { return JSON.parse(text); } catch { return text; }
  }
  return text;
}

/** Lower-cased plain header record. */
export function plainHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers || typeof headers !== 'object') return out;
  const source = typeof (headers as { toJSON?: unknown }).toJSON === 'function'
    ? (headers as { toJSON(): Record<string, unknown> }).toJSON() : headers as Record<string, unknown>;
  for (const [k, v] of Object.entries(source)) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

/** Error bodies arrive as text, bytes or a stream depending on the requested type; read them to text. */
export async function readErrorBody(data: unknown): Promise<unknown> {
  if (data && typeof data === 'object' && Symbol.asyncIterator in data) {
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of data as AsyncIterable<Uint8Array | string>) {
      text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (text.length > MAX_ERROR_BODY) break;
    }
    return text;
  }
  if (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) {
    return new Response(data).text();
  }
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return new TextDecoder().decode(data);
  return data;
}

/**
 * A failure without an answer as a `NetworkError`: the code of the socket error when there is one (`ECONNRESET`,
 * `ECONNREFUSED` …, directly or as the `cause` a fetch failure carries), else `ERR_NETWORK`. The message never
 * carries the request's headers, so no token can leak through it.
 */
export function networkError(err: unknown, req: TransportRequest): NetworkError {
  const code = (err as { code?: string })?.code ?? 'ERR_NETWORK';
  const cause = (err as { cause?: { code?: string } })?.cause?.code;
  const message = (err as { message?: string })?.message ?? 'network error';
  return new NetworkError({ code: code === 'ERR_NETWORK' && cause ? cause : code, message, method: req.method as HttpMethod, url: req.url });
}

/**
 * A streamed request body (an async iterable or ReadableStream of strings and bytes, as a streamed bulk upload gives)
 * read whole, for the transports that cannot stream an upload (fetch streams one only over HTTP/2 in some browsers,
 * HttpClient never); `undefined` for any other body. A stream can be read once: a retry of the same request gets the
 * bytes the first attempt read.
 */
export function streamedBodyBytes(data: unknown): Promise<Uint8Array<ArrayBuffer>> | undefined {
  if (!isAsyncIterable(data) && !isReadableStream(data)) return undefined;
  let read = streamedBodies.get(data);
  if (!read) {
    read = readAll(data);
    streamedBodies.set(data, read);
  }
  return read;
}

const streamedBodies = new WeakMap<object, Promise<Uint8Array<ArrayBuffer>>>();

async function readAll(data: AsyncIterable<unknown> | ReadableStream<unknown>): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  const encoder = new TextEncoder();
  const add = (chunk: unknown) => {
    if (typeof chunk === 'string') chunks.push(encoder.encode(chunk));
    else if (chunk instanceof ArrayBuffer) chunks.push(new Uint8Array(chunk));
    else if (ArrayBuffer.isView(chunk)) chunks.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    else throw new TypeError(`A streamed request body must yield strings or bytes, got ${Object.prototype.toString.call(chunk)}`);
  };
  if (isAsyncIterable(data)) {
    for await (const chunk of data) add(chunk);
  } else {
    const reader = data.getReader();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) add(r.value);
    } finally {
      reader.releaseLock();
    }
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
}

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

function isReadableStream(v: unknown): v is ReadableStream<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as ReadableStream).getReader === 'function';
}
