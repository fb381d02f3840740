import { defer, lastValueFrom, map, type Observable } from 'rxjs';
import { isIdempotentMethod, resolveClient, ValidationError, type HttpMethod } from '../../client/index.js';
import type { SourceOptions } from '../index.js';

/** One call to an Apex REST class (`@RestResource(urlMapping='/MyService/*')`). */
export interface ApexCall {
  method: HttpMethod;
  /** The path after `/services/apexrest` (`/MyService/001…`); a namespaced class adds its namespace first. */
  path: string;
  /** Query parameters (`RestContext.request.params`). */
  params?: Record<string, string | number | boolean | undefined>;
  /** A JSON-serialisable value or a string. */
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Whether calling twice cannot change the org twice. Default: GET, HEAD, PUT and DELETE are retried after
   * transient failures; POST and PATCH are never re-sent unless you say they are idempotent.
   */
  idempotent?: boolean;
}

export interface ApexAnswer<T> {
  status: number;
  headers: Record<string, string>;
  /** The method's return value (undefined for a void method's empty answer). */
  body: T;
}

/**
 * Calls an Apex REST method at `/services/apexrest/{path}` with the client's session, refresh and retry policy
 * (retries for idempotent methods only). A non-2xx answer is a `SalesforceApiError` (404 NOT_FOUND when no class maps
 * the path, 500 APEX_ERROR for an unhandled exception).
 *
 * @example
 * import { apex$ } from 'rxforce';
 * apex$<{ total: number }>({ method: 'GET', path: '/Invoices/001…', params: { year: 2024 } }, { client })
 *   .subscribe(r => console.log(r.body.total));
 *
 * @returns a cold Observable of one ApexAnswer
 */
export function apex$<T = unknown>(req: ApexCall, opts: SourceOptions = {}): Observable<ApexAnswer<T>> {
  return defer(() => {
    const methods: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];
    if (!req || !methods.includes(req.method)) {
      throw new ValidationError({ field: 'method', reason: `apex: method must be one of ${methods.join(', ')}, got ${String(req?.method)}` });
    }
    if (typeof req.path !== 'string' || !req.path.startsWith('/') || req.path.length < 2) {
      throw new ValidationError({ field: 'path', reason: `apex: path must start with / and name a mapping (got ${JSON.stringify(req?.path)})` });
    }
    if (/[?#]/.test(req.path) || req.path.split('/').some(s => s === '..' || s === '.')) {
      throw new ValidationError({ field: 'path', reason: 'apex: put query parameters in params; the path cannot hold ?, # or dot segments' });
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && req.body !== undefined) {
      throw new ValidationError({ field: 'body', reason: `apex: a ${req.method} method takes no body (Apex GET methods have no parameters)` });
    }
    const path = req.path.split('/').map(s => encodeURIComponent(decodeSafely(s))).join('/');
    return resolveClient(opts.client).request$<T>({
      method: req.method, url: `/services/apexrest${path}`, params: req.params, headers: req.headers, data: req.body,
      idempotent: req.idempotent ?? isIdempotentMethod(req.method),
    }).pipe(map(res => ({ status: res.status, headers: res.headers, body: (res.data === '' ? undefined : res.data) as T })));
  });
}

function decodeSafely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Promise twin of {@link apex$}. */
export function apex<T = unknown>(req: ApexCall, opts: SourceOptions = {}): Promise<ApexAnswer<T>> {
  return lastValueFrom(apex$<T>(req, opts));
}
