/**
 * A `Transport` on the platform's `fetch`: the browser build's default, so a page carries no HTTP library. It sends
 * what the axios transport sends (the same default `Accept`, JSON bodies with `Content-Type: application/json`) and
 * answers as it answers: `SfResponse` for 2xx and 304, `errorFromResponse` for other statuses, `NetworkError` when
 * no answer came. One AbortController per subscription; unsubscribing before the body is read aborts the request.
 */
import { Observable } from 'rxjs';
import { errorFromResponse } from './errors.js';
import { relativeUrl } from '../util/redact.js';
import { isSuccessStatus, MAX_ERROR_BODY, networkError, parseBody, streamedBodyBytes } from './response.js';
import type { HttpMethod, SfResponse, Transport, TransportRequest } from './types.js';

/** The `Accept` axios sends when the caller names none; Salesforce picks JSON over XML from it. */
const DEFAULT_ACCEPT = 'application/json, text/plain, */*';

/** Builds a `Transport` over `fetch` (default: the global one, looked up at each request). */
export function fetchTransport(fetchFn?: typeof fetch): Transport {
  return (req: TransportRequest) => new Observable<SfResponse<unknown>>(subscriber => {
    const controller = new AbortController();
    let closed = false;
    let answered = false;
    send(fetchFn ?? globalThis.fetch, req, controller.signal).then(
      res => {
        if (closed) return;
        // the body is delivered: from here a stream belongs to the consumer, so teardown must not abort it
        answered = true;
        subscriber.next(res);
        subscriber.complete();
      },
      (err: unknown) => { if (!closed) subscriber.error(err); },
    );
    return () => {
      // listeners go first, so the abort below never surfaces as an error
      closed = true;
      if (!answered) controller.abort();
    };
  });
}

async function send(fetchFn: typeof fetch, req: TransportRequest, signal: AbortSignal): Promise<SfResponse<unknown>> {
  const sendHeaders = new Headers(req.headers);
  if (!sendHeaders.has('accept')) sendHeaders.set('accept', DEFAULT_ACCEPT);
  const body = await requestBody(req.data, sendHeaders);
  let res: Response;
  try {
    res = await fetchFn(req.url, { method: req.method, headers: sendHeaders, body, signal });
  } catch (err) {
    throw networkError(err, req);
  }
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => { headers[name.toLowerCase()] = value; });
  if (!isSuccessStatus(res.status)) {
    const text = await readText(res, req.responseType === 'stream' ? MAX_ERROR_BODY : Infinity).catch((err: unknown) => { throw networkError(err, req); });
    throw errorFromResponse({ status: res.status, headers, data: text, method: req.method as HttpMethod, url: req.url });
  }
  let data: unknown;
  try {
    data = req.responseType === 'stream' ? res.body ?? new ReadableStream<Uint8Array>({ start: c => c.close() })
      : req.responseType === 'arraybuffer' ? await res.arrayBuffer()
        : parseBody(await res.text(), req.responseType, headers['content-type']);
  } catch (err) {
    // the connection dropped while the body was read: the request was answered, so it was sent
    throw networkError(err, req);
  }
  return { status: res.status, headers, data, method: req.method, url: relativeUrl(req.url) };
}

/**
 * The body as fetch sends it, serialised as axios serialises it: a plain object or array as JSON (with
 * `Content-Type: application/json` unless the caller set one); strings, bytes, Blobs, FormData and URLSearchParams
 * as they are (FormData's multipart type, with its boundary, is the platform's to set). A stream or async iterable
 * is read whole first: fetch streams an upload only over HTTP/2 in some browsers and not at all in others.
 */
async function requestBody(data: unknown, headers: Headers): Promise<BodyInit | undefined> {
  if (data === undefined || data === null) return undefined;
  if (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)
    || (typeof Blob !== 'undefined' && data instanceof Blob) || (typeof URLSearchParams !== 'undefined' && data instanceof URLSearchParams)) {
    return data as BodyInit;
  }
  if (typeof FormData !== 'undefined' && data instanceof FormData) {
    headers.delete('content-type');
    return data;
  }
  const streamed = streamedBodyBytes(data);
  if (streamed) return streamed;
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return JSON.stringify(data);
}

/** Up to `max` characters of a body as text (an error page can be large; only its start is kept from a stream). */
async function readText(res: Response, max: number): Promise<string> {
  if (max === Infinity || !res.body) return res.text();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      text += decoder.decode(r.value, { stream: true });
      if (text.length > max) break;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text;
}
