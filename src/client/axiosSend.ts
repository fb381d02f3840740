/**
 * A `Transport` over an axios instance the caller already has: one AbortController per subscription, axios answers
 * turned into `SfResponse`, failures into typed errors (`errorFromResponse` for non-2xx, `NetworkError` for the
 * wire). It imports nothing of axios at run time, so a browser build given the page's own axios carries no second one.
 */
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import { Observable } from 'rxjs';
import { errorFromResponse } from './errors.js';
import { relativeUrl } from '../util/redact.js';
import { isSuccessStatus, networkError, parseBody, plainHeaders, readErrorBody } from './response.js';
import type { HttpMethod, SfResponse, Transport, TransportRequest } from './types.js';

/** Sends each request with `instance`; `extra` is axios config merged under the request's own. */
export function sendWithAxios(instance: AxiosInstance, extra?: AxiosRequestConfig): Transport {
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

/** axios's own `isAxiosError`, without importing axios. */
const isAxiosError = (err: unknown): err is { response?: AxiosResponse } =>
  typeof err === 'object' && err !== null && (err as { isAxiosError?: unknown }).isAxiosError === true;

async function toError(err: unknown, req: TransportRequest): Promise<Error> {
  if (isAxiosError(err) && err.response) {
    const headers = plainHeaders(err.response.headers);
    const body = await readErrorBody(err.response.data);
    return errorFromResponse({ status: err.response.status, headers, data: body, method: req.method as HttpMethod, url: req.url });
  }
  // the message never carries the axios config, so no header can leak through it
  return networkError(err, req);
}
