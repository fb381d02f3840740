/**
 * Node's default transport: `node:http` / `node:https` directly, on the global agents (which keep connections alive
 * in Node 20) or the agents given. It sends and answers as the axios transport does — the same default `Accept` and
 * `Accept-Encoding`, JSON bodies with `Content-Type: application/json`, gzip/deflate/br answers decoded, `SfResponse`
 * for 2xx and 304, `errorFromResponse` for other statuses, `NetworkError` when no answer came, no redirects followed —
 * at a fraction of axios's CPU per request. What it does not do itself it hands to axios, request by request: a proxy
 * named in the environment (`HTTPS_PROXY` …, which axios honours), credentials in the URL, and bodies it does not
 * send natively (FormData, URLSearchParams, web streams, objects with a form or multipart `Content-Type`).
 * One request per subscription; unsubscribing before the answer aborts it.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { Observable } from 'rxjs';
import { errorFromResponse, NetworkError } from './errors.js';
import { relativeUrl } from '../util/redact.js';
import { isSuccessStatus, MAX_ERROR_BODY, networkError, parseBody } from './response.js';
import type { HttpMethod, SfResponse, Transport, TransportRequest } from './types.js';

export interface NodeTransportOptions {
  /** Agent for `http:` URLs; default Node's global agent. */
  httpAgent?: http.Agent;
  /** Agent for `https:` URLs (TLS options, keep-alive tuning); default Node's global agent. */
  httpsAgent?: https.Agent;
  /**
   * Sends what this transport hands on (see the module's comment): a proxy from the environment, credentials in the
   * URL, bodies it does not send itself. The default transport passes the axios one.
   */
  fallback?: Transport;
}

/** What axios sends when the caller names none; Salesforce picks JSON over XML from it. */
const DEFAULT_ACCEPT = 'application/json, text/plain, */*';
/** The encodings decoded below, as axios advertises them. */
const ACCEPT_ENCODING = 'gzip, compress, deflate, br';
/** Servers that refuse a request without one get this. */
const USER_AGENT = 'rxforce';
/** Tolerates a body cut short after its last complete block, as axios does. */
const zlibOptions = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const brotliOptions = { flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };
/** The environment variables axios reads a proxy from (through proxy-from-env). */
const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY',
  'npm_config_proxy', 'npm_config_http_proxy', 'npm_config_https_proxy'];

/** A body as it goes on the wire, or `undefined` when the request is handed to the fallback. */
type WireBody = { kind: 'none' } | { kind: 'bytes'; bytes: Buffer | string } | { kind: 'stream'; stream: Readable };

/** Builds the Node transport (see the module's comment). */
export function nodeTransport(options: NodeTransportOptions = {}): Transport {
  const { httpAgent, httpsAgent, fallback } = options;
  return (req: TransportRequest) => new Observable<SfResponse<unknown>>(subscriber => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch (err) {
      subscriber.error(new NetworkError({ code: 'ERR_INVALID_URL', message: (err as Error).message, method: req.method, url: req.url, sent: false }));
      return undefined;
    }
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') {
      subscriber.error(new NetworkError({ code: 'ERR_BAD_REQUEST', message: `Unsupported protocol ${url.protocol}`, method: req.method,
        url: req.url, sent: false }));
      return undefined;
    }
    const headers = sendHeaders(req.headers);
    const body = wireBody(req.data, headers);
    if (!body || url.username !== '' || url.password !== '' || proxyConfigured()) {
      if (!fallback) {
        subscriber.error(new NetworkError({ code: 'ERR_BAD_REQUEST', method: req.method, url: req.url, sent: false,
          message: 'this request needs a fallback transport (a proxy from the environment, credentials in the URL, or a body of another kind)' }));
        return undefined;
      }
      return fallback(req).subscribe(subscriber);
    }

    let closed = false;
    let answered = false;
    /** The whole body was read: the socket went back to the agent and nothing is left to abort. */
    let finished = false;
    let request: http.ClientRequest;
    let response: http.IncomingMessage | undefined;
    const fail = (err: unknown) => { if (!closed) { closed = true; subscriber.error(err); } };
    try {
      request = (secure ? https : http).request(url, { method: req.method, headers, agent: secure ? httpsAgent : httpAgent });
    } catch (err) {
      // an invalid header name or value: refused before anything left
      subscriber.error(new NetworkError({ code: (err as { code?: string }).code ?? 'ERR_BAD_REQUEST', message: (err as Error).message,
        method: req.method, url: req.url, sent: false }));
      return undefined;
    }
    request.on('socket', keepAliveOnce);
    request.on('error', err => fail(networkError(err, req)));
    request.on('response', res => {
      response = res;
      if (closed) { res.destroy(); return; }
      const status = res.statusCode ?? 0;
      const headersIn = plainIncoming(res.headers);
      const decoded = decode(res, headersIn, req.method);
      decoded.on('error', err => fail(networkError(err, req)));
      if (!isSuccessStatus(status)) {
        readText(decoded, req.responseType === 'stream' ? MAX_ERROR_BODY : Infinity, (text, whole) => {
          finished = whole;
          fail(errorFromResponse({ status, headers: headersIn, data: text, method: req.method as HttpMethod, url: req.url }));
        });
        return;
      }
      const answer = (data: unknown) => {
        if (closed) return;
        // the body is delivered: from here a stream belongs to the consumer, so teardown must not abort it
        answered = true;
        closed = true;
        subscriber.next({ status, headers: headersIn, data, method: req.method, url: relativeUrl(req.url) });
        subscriber.complete();
      };
      if (req.responseType === 'stream') { answer(decoded); return; }
      const chunks: Buffer[] = [];
      decoded.on('data', (chunk: Buffer) => chunks.push(chunk));
      decoded.on('end', () => {
        finished = true;
        const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        if (req.responseType === 'arraybuffer') { answer(bytes); return; }
        let text: string;
        try {
          text = stripBom(bytes.toString('utf8'));
        } catch (err) {
          // a body too large for one string
          fail(networkError(err, req));
          return;
        }
        let data: unknown;
        try {
          data = parseBody(text, req.responseType, headersIn['content-type']);
        } catch (err) {
          fail(err);
          return;
        }
        answer(data);
      });
    });

    if (body.kind === 'stream') {
      const source = body.stream;
      source.once('error', err => request.destroy(err));
      source.pipe(request);
    } else {
      request.end(body.kind === 'bytes' ? body.bytes : undefined);
    }
    return () => {
      if (answered || finished) return;
      // listeners go first, so the abort below never surfaces as an error
      closed = true;
      response?.destroy();
      request.destroy();
    };
  });
}

/** The caller's headers, with what axios adds when the caller names none (compared without regard to case). */
function sendHeaders(given: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  let accept = false;
  let agent = false;
  let encoding = false;
  for (const name in given) {
    const value = given[name] as unknown;
    if (value === undefined || value === null || value === false) continue;
    out[name] = headerValue(String(value));
    const lower = name.toLowerCase();
    if (lower === 'accept') accept = true;
    else if (lower === 'user-agent') agent = true;
    else if (lower === 'accept-encoding') encoding = true;
  }
  if (!accept) out.Accept = DEFAULT_ACCEPT;
  if (!agent) out['User-Agent'] = USER_AGENT;
  if (!encoding) out['Accept-Encoding'] = ACCEPT_ENCODING;
  return out;
}

/** Characters a header value cannot carry (control characters, anything beyond Latin-1). */
const UNSENDABLE = /[^\t\x20-\x7e\x80-\xff]/g;

/** A header value as axios sends it: unsendable characters dropped (no header can be split), spaces and tabs trimmed. */
function headerValue(value: string): string {
  UNSENDABLE.lastIndex = 0;
  const clean = UNSENDABLE.test(value) ? value.replace(UNSENDABLE, '') : value;
  const last = clean.length - 1;
  return last >= 0 && (clean[0] === ' ' || clean[0] === '\t' || clean[last] === ' ' || clean[last] === '\t') ? clean.replace(/^[ \t]+|[ \t]+$/g, '') : clean;
}

function headerOf(headers: Record<string, string>, lower: string): string | undefined {
  for (const name in headers) if (name.toLowerCase() === lower) return headers[name];
  return undefined;
}

function setIfAbsent(headers: Record<string, string>, name: string, value: string): void {
  if (headerOf(headers, name.toLowerCase()) === undefined) headers[name] = value;
}

/**
 * The body as axios serialises it in Node: a plain object or array as JSON (with `Content-Type: application/json`
 * unless the caller set one); a string, Buffer, typed array or ArrayBuffer as its bytes; a Node stream piped as it
 * comes; a Blob streamed with its type and size. `undefined` for the kinds handed to the fallback.
 */
function wireBody(data: unknown, headers: Record<string, string>): WireBody | undefined {
  if (data === undefined || data === null) return { kind: 'none' };
  const contentType = headerOf(headers, 'content-type') ?? '';
  if (typeof data === 'string') {
    const bytes = /application\/json/i.test(contentType) ? jsonText(data) : data;
    setIfAbsent(headers, 'Content-Length', String(Buffer.byteLength(bytes)));
    return { kind: 'bytes', bytes };
  }
  if (typeof data !== 'object') {
    // a number or boolean: axios sends it as JSON
    setIfAbsent(headers, 'Content-Type', 'application/json');
    const bytes = JSON.stringify(data);
    setIfAbsent(headers, 'Content-Length', String(Buffer.byteLength(bytes)));
    return { kind: 'bytes', bytes };
  }
  if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) {
    const bytes = Buffer.isBuffer(data) ? data : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);
    setIfAbsent(headers, 'Content-Length', String(bytes.byteLength));
    return { kind: 'bytes', bytes };
  }
  if (typeof (data as { pipe?: unknown }).pipe === 'function') return { kind: 'stream', stream: data as Readable };
  if (typeof Blob !== 'undefined' && data instanceof Blob) return undefined;
  const proto = Object.getPrototypeOf(data) as unknown;
  if ((proto !== Object.prototype && proto !== null && !Array.isArray(data)) || /x-www-form-urlencoded|multipart\/form-data/i.test(contentType)) {
    return undefined;
  }
  setIfAbsent(headers, 'Content-Type', 'application/json');
  const bytes = JSON.stringify(data);
  setIfAbsent(headers, 'Content-Length', String(Buffer.byteLength(bytes)));
  return { kind: 'bytes', bytes };
}

/** A string sent with a JSON `Content-Type`: as it is (trimmed) when it is JSON, else as a JSON string, like axios. */
function jsonText(text: string): string {
  try {
    JSON.parse(text);
    return text.trim();
  } catch {
    return JSON.stringify(text);
  }
}

function proxyConfigured(): boolean {
  const env = process.env;
  for (const name of PROXY_VARIABLES) if (env[name]) return true;
  return false;
}

const keptAlive = new WeakSet<Socket>();

/** TCP keep-alive probes on each socket, once, so an idle connection is not silently dropped (as axios sets them). */
function keepAliveOnce(socket: Socket): void {
  if (keptAlive.has(socket)) return;
  keptAlive.add(socket);
  socket.setKeepAlive(true, 60_000);
}

/** Lower-cased header record (Node already lower-cases names; repeated headers are joined). */
function plainIncoming(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const v = headers[name];
    if (v === undefined) continue;
    out[name] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** The body decoded per `Content-Encoding` (whose header is then dropped, as the body no longer has it). */
function decode(res: http.IncomingMessage, headers: Record<string, string>, method: string): Readable {
  const encoding = headers['content-encoding'];
  if (encoding === undefined) return res;
  if (method === 'HEAD' || res.statusCode === 204) {
    delete headers['content-encoding'];
    return res;
  }
  const lower = encoding.toLowerCase();
  const decoder = lower === 'gzip' || lower === 'x-gzip' || lower === 'compress' || lower === 'x-compress' || lower === 'deflate'
    ? zlib.createUnzip(zlibOptions) : lower === 'br' ? zlib.createBrotliDecompress(brotliOptions) : undefined;
  if (!decoder) return res;
  delete headers['content-encoding'];
  // an error of the socket reaches the consumer through the decoder; destroying the decoder frees the socket
  res.on('error', err => decoder.destroy(err));
  decoder.on('close', () => { if (!res.readableEnded) res.destroy(); });
  return (lower === 'deflate' ? res.pipe(new ZlibHeader()) : res).pipe(decoder);
}

/** Raw deflate (no zlib header), which some servers send as `deflate`, gets the header zlib expects. */
class ZlibHeader extends Transform {
  private first = true;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk[0] !== 0x78) this.push(Buffer.from([0x78, 0x9c]));
    }
    callback(null, chunk);
  }
}

/** Up to `max` characters of a body as text, to `done`; the rest of a long body is not read. */
function readText(body: Readable, max: number, done: (text: string, whole: boolean) => void): void {
  const decoder = new TextDecoder();
  let text = '';
  let finished = false;
  const finish = (whole: boolean) => {
    if (finished) return;
    finished = true;
    done(text + decoder.decode(), whole);
  };
  body.on('data', (chunk: Buffer) => {
    text += decoder.decode(chunk, { stream: true });
    if (text.length > max) {
      finish(false);
      body.destroy();
    }
  });
  body.on('end', () => finish(true));
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
