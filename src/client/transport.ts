/**
 * The default transport: one axios instance, one AbortController per subscription. Turns axios answers into
 * `SfResponse` and failures into typed errors (`errorFromResponse` for non-2xx, `NetworkError` for the wire).
 */
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { Observable } from 'rxjs';
import { errorFromResponse, NetworkError } from './errors.js';
import { relativeUrl } from '../util/redact.js';
import type { HttpMethod, ResponseType, SfResponse, Transport, TransportRequest } from './types.js';

/** How a request counts as answered: 2xx, and 304 (a conditional GET's "not modified" is an answer, not a failure). */
export const isSuccessStatus = (status: number): boolean => (status >= 200 && status < 300) || status === 304;

/** Most bytes of an error body kept for the error message (HTML maintenance pages can be large). */
const MAX_ERROR_BODY = 64 * 1024;

export interface AxiosTransportOptions {
  axios?: AxiosInstance;
  axiosConfig?: AxiosRequestConfig;
}

/** Builds a `Transport` over axios. */
export function axiosTransport(options: AxiosTransportOptions = {}): Transport {
  const instance = options.axios ?? axios.create(options.axiosConfig);
  const extra = options.axios ? options.axiosConfig : undefined;
  return (req: TransportRequest) => new Observable<SfResponse<unknown>>(subscriber => {
    const controller = new AbortController();
    let closed = false;
    let answered = false;
    instance.request({
      ...extra,
      method: req.method,
      url: req.url,
      headers: req.headers,
      data: req.data,
      // JSON is parsed here, not by axios, so a non-JSON body (an HTML 503 page) never throws a parse error
      responseType: req.responseType === 'json' ? 'text' : req.responseType,
      transformResponse: [(d: unknown) => d],
      signal: controller.signal,
      validateStatus: isSuccessStatus,
      maxRedirects: 0,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
    }).then(
      res => {
        if (closed) return;
        // the body is delivered: from here a stream belongs to the consumer, so teardown must not abort it
        answered = true;
        subscriber.next(toResponse(res, req));
        subscriber.complete();
      },
      async (err: unknown) => {
        if (closed) return;
        const e = await toError(err, req);
        if (!closed) subscriber.error(e);
      },
    );
    return () => {
      // listeners go first, so the abort below never surfaces as an error
      closed = true;
      if (!answered) controller.abort();
    };
  });
}

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

function toResponse(res: AxiosResponse, req: TransportRequest): SfResponse<unknown> {
  const headers = plainHeaders(res.headers);
  return {
    status: res.status,
    headers,
    data: parseBody(res.data, req.responseType, headers['content-type']),
    method: req.method,
    url: relativeUrl(req.url),
  };
}

async function toError(err: unknown, req: TransportRequest): Promise<Error> {
  const method = req.method as HttpMethod;
  if (axios.isAxiosError(err) && err.response) {
    const headers = plainHeaders(err.response.headers);
    const body = await readErrorBody(err.response.data);
    return errorFromResponse({ status: err.response.status, headers, data: body, method, url: req.url });
  }
  const code = (err as { code?: string })?.code ?? 'ERR_NETWORK';
  const cause = (err as { cause?: { code?: string } })?.cause?.code;
  const message = (err as { message?: string })?.message ?? 'network error';
  // the message never carries the axios config, so no header can leak through it
  return new NetworkError({ code: code === 'ERR_NETWORK' && cause ? cause : code, message, method, url: req.url });
}

/** Error bodies arrive as text, bytes or a stream depending on the requested type; read them to text. */
async function readErrorBody(data: unknown): Promise<unknown> {
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
