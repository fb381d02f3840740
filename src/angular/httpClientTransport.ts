/**
 * A `Transport` on Angular's `HttpClient`: rxforce's requests go through the app's interceptors, show up in
 * `HttpTestingController`, and run on the server during SSR. Answers and failures are mapped as the axios transport
 * maps them (`SfResponse`, `errorFromResponse` for non-2xx, `NetworkError` for the wire), so the client's retries and
 * single-flight refresh work unchanged on top of it.
 */
import {
  HttpContext, HttpContextToken, HttpErrorResponse, HttpEventType, HttpHeaders, HttpRequest, type HttpClient, type HttpEvent,
  type HttpResponse,
} from '@angular/common/http';
import { catchError, defer, filter, from, map, type Observable, of, switchMap, throwError } from 'rxjs';
import { errorFromResponse, NetworkError } from '../client/errors.js';
import { relativeUrl } from '../util/redact.js';
import { isSuccessStatus, parseBody, streamedBodyBytes } from '../client/response.js';
import type { ResponseType, SfResponse, Transport, TransportRequest } from '../client/types.js';

/**
 * Set on every request rxforce sends through `HttpClient`, so an interceptor can tell them apart — most often to keep
 * the app's own `Authorization` header (meant for its backend) off Salesforce calls, which carry their own.
 * @example
 * import { RXFORCE_REQUEST } from 'rxforce/angular';
 * export const apiAuth: HttpInterceptorFn = (req, next) =>
 *   req.context.get(RXFORCE_REQUEST) ? next(req) : next(req.clone({ setHeaders: { Authorization: `Bearer ${token()}` } }));
 */
export const RXFORCE_REQUEST = new HttpContextToken<boolean>(() => false);

/** Options of `httpClientTransport()` (and `provideRxforce({ httpClient })`). */
export interface HttpClientTransportOptions {
  /**
   * A context every request starts from (the app's own `HttpContextToken`s); `RXFORCE_REQUEST` is set on a copy.
   * Timeouts are the client's (`requestTimeoutMs`, `transferTimeoutMs`): on expiry it unsubscribes, which cancels the
   * HttpClient request.
   */
  context?: HttpContext;
}

/**
 * Builds a `Transport` over an `HttpClient`. `provideRxforce()` uses it by default; call it yourself to hand a client
 * made outside DI the app's HttpClient.
 * @example
 * import { httpClientTransport } from 'rxforce/angular';
 * new SalesforceClient({ login, transport: httpClientTransport(inject(HttpClient)) });
 * @param http the app's HttpClient (with its interceptors and backend: XHR, `withFetch()`, or the testing backend)
 * @returns a transport whose requests are cold and cancelled on unsubscribe, as HttpClient's are
 */
export function httpClientTransport(http: HttpClient, options: HttpClientTransportOptions = {}): Transport {
  if (!http || typeof (http as { request?: unknown }).request !== 'function') {
    throw new TypeError('httpClientTransport needs an HttpClient (inject(HttpClient) with provideHttpClient() in the app)');
  }
  return (req: TransportRequest) => defer(() => requestBody$(req.data)).pipe(
    switchMap(body => http.request(new HttpRequest(req.method, req.url, body, {
      headers: new HttpHeaders(req.headers),
      responseType: wireType(req.responseType),
      context: (options.context ?? new HttpContext()).set(RXFORCE_REQUEST, true),
      // Salesforce authenticates with the bearer token; cookies of the app's own origin have no business there
      withCredentials: false,
    }))),
    filter((e: HttpEvent<unknown>): e is HttpResponse<unknown> => e.type === HttpEventType.Response),
    map(res => toResponse(res.status, res.headers, res.body, req)),
    catchError((err: unknown) => {
      // a conditional GET's 304 is an answer, as `isSuccessStatus` says; HttpClient counts only 2xx as success
      if (err instanceof HttpErrorResponse && err.status !== 0 && isSuccessStatus(err.status)) {
        return of(toResponse(err.status, err.headers, err.error, req));
      }
      return throwError(() => toError(err, req));
    }),
  );
}

/** What HttpClient is asked to read: JSON as text (parsed here, so an HTML 503 page is no parse error), streams as bytes. */
function wireType(type: ResponseType): 'text' | 'arraybuffer' {
  return type === 'json' || type === 'text' ? 'text' : 'arraybuffer';
}

/** Lower-cased plain header record, repeated headers joined as axios joins them. */
function plainHeaders(headers: HttpHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const name of headers.keys()) {
    const values = headers.getAll(name);
    if (values && values.length > 0) out[name.toLowerCase()] = values.join(', ');
  }
  return out;
}

function toResponse(status: number, headers: HttpHeaders, body: unknown, req: TransportRequest): SfResponse<unknown> {
  const plain = plainHeaders(headers);
  return { status, headers: plain, data: readBody(body, req.responseType, plain['content-type']), method: req.method, url: relativeUrl(req.url) };
}

/** The body in the shape the axios transport gives for the same `responseType`. */
function readBody(body: unknown, type: ResponseType, contentType: string | undefined): unknown {
  switch (type) {
    case 'json': return parseBody(body ?? '', 'json', contentType);
    case 'text': return typeof body === 'string' ? body : '';
    case 'arraybuffer': return body instanceof ArrayBuffer ? body : new ArrayBuffer(0);
    case 'stream': {
      // HttpClient reads a body whole; it is handed over as the stream a browser's fetch would give
      const bytes = new Uint8Array(body instanceof ArrayBuffer ? body : new ArrayBuffer(0));
      return new ReadableStream<Uint8Array>({
        start(controller) {
          if (bytes.byteLength > 0) controller.enqueue(bytes);
          controller.close();
        },
      });
    }
  }
}

function toError(err: unknown, req: TransportRequest): unknown {
  if (!(err instanceof HttpErrorResponse)) return err; // an interceptor's own error reaches the caller as it was thrown
  if (err.status !== 0) {
    return errorFromResponse({ status: err.status, headers: plainHeaders(err.headers), data: errorBody(err.error), method: req.method, url: req.url });
  }
  // status 0: no answer — the connection failed, an interceptor's HttpClient timeout ran out, or CORS refused it
  const cause = err.error as { name?: string; type?: string; message?: string; cause?: { code?: unknown } } | null | undefined;
  const timedOut = cause?.name === 'TimeoutError' || cause?.type === 'timeout';
  const code = timedOut ? 'ETIMEDOUT' : typeof cause?.cause?.code === 'string' ? cause.cause.code : 'ERR_NETWORK';
  const message = timedOut ? 'no answer within the timeout'
    : typeof cause?.message === 'string' && cause.message ? cause.message
      : 'no answer (the connection failed, or the browser refused the response: check the org\'s CORS allowlist)';
  // the message never carries the request's headers, so no token can leak through it
  return new NetworkError({ code, message, method: req.method, url: req.url });
}

function errorBody(body: unknown): unknown {
  return typeof body === 'string' || body instanceof ArrayBuffer ? body : undefined;
}

/**
 * The request body as HttpClient sends it. Bytes become an ArrayBuffer (HttpClient would send a typed array as JSON);
 * a stream or async iterable (a streamed bulk upload) is read whole first, since HttpClient has no streamed uploads.
 */
function requestBody$(data: unknown): Observable<unknown> {
  if (data === undefined || data === null) return of(null);
  if (ArrayBuffer.isView(data)) return of(copyOf(data));
  const streamed = streamedBodyBytes(data);
  if (streamed) return from(streamed.then(bytes => bytes.buffer));
  return of(data);
}

function copyOf(view: ArrayBufferView): ArrayBuffer {
  const out = new Uint8Array(view.byteLength);
  out.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return out.buffer;
}
