/**
 * Typed errors. Non-2xx responses become a `SalesforceApiError` subclass picked by status, so callers can
 * `catchError(e => e instanceof ResourceNotFoundError ? … : throwError(() => e))`. Every message, url and body is
 * scrubbed of tokens before it is stored, so `String(err)`, `err.stack` and `JSON.stringify(err)` are safe to log.
 */
import type { HttpMethod } from './types.js';
import { redact, redactValue, relativeUrl } from '../util/redact.js';
import { stripTags, xmlInner, xmlText } from './xml.js';

/** Bad input is a util-level error so the model and SOQL layers can raise it; re-exported here with the client's errors. */
export { ValidationError } from '../util/errors.js';

/** One entry of Salesforce's error array body. */
export interface SalesforceErrorDetail {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** What `errorFromResponse` needs to know about a response. */
export interface ErrorResponseLike {
  status: number;
  headers?: Record<string, string>;
  data?: unknown;
  method: HttpMethod;
  url: string;
}

/** A non-2xx answer from Salesforce. */
export class SalesforceApiError extends Error {
  override name = 'SalesforceApiError';
  readonly status: number;
  /** Salesforce's code (`INVALID_FIELD`, `NOT_FOUND`…), or `HTTP_<status>` when the body has none. */
  readonly errorCode: string;
  readonly fields?: string[];
  /** Every entry of the error array (Salesforce may report several). */
  readonly errors: SalesforceErrorDetail[];
  readonly method: HttpMethod;
  /** Instance-relative url, tokens removed. */
  readonly url: string;
  /** The parsed body, tokens removed. */
  readonly body?: unknown;
  /** Response headers (lower-case names) except cookies. */
  readonly headers: Record<string, string>;
  /**
   * The errors of earlier attempts when the retry policy re-sent this request (as `SfResponse.retriedAfter`): an
   * earlier attempt whose connection dropped after sending may have done the work this answer refuses.
   */
  retriedAfter?: unknown[];

  constructor(init: { status: number; errorCode: string; message: string; fields?: string[]; errors?: SalesforceErrorDetail[];
    method: HttpMethod; url: string; body?: unknown; headers?: Record<string, string> }) {
    super(redact(init.message));
    this.status = init.status;
    this.errorCode = init.errorCode;
    if (init.fields?.length) this.fields = [...init.fields];
    this.errors = (init.errors ?? [{ message: init.message, errorCode: init.errorCode, fields: init.fields }])
      .map(e => ({ ...e, message: redact(e.message) }));
    this.method = init.method;
    this.url = relativeUrl(init.url);
    if (init.body !== undefined) this.body = redactValue(init.body);
    this.headers = safeHeaders(init.headers);
  }

  /** `ServerError: UNKNOWN_EXCEPTION: An unexpected error occurred (GET /services/data/v62.0/query → 500)`. */
  override toString(): string {
    return `${this.name}: ${this.errorCode}: ${this.message} (${this.method} ${this.url} → ${this.status})`;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, status: this.status, errorCode: this.errorCode, message: this.message, fields: this.fields,
      errors: this.errors, method: this.method, url: this.url, body: this.body };
  }
}

/** 300: an external id matched several records; Salesforce's body lists their URLs. */
export class MultipleChoicesError extends SalesforceApiError {
  override name = 'MultipleChoicesError';
  /** The matching records' REST URLs, as Salesforce listed them. */
  get urls(): string[] {
    return Array.isArray(this.body) ? this.body.filter((u): u is string => typeof u === 'string') : [];
  }
  /** The matching records' ids (the last segment of each URL). */
  get ids(): string[] {
    return this.urls.map(u => u.slice(u.lastIndexOf('/') + 1));
  }
}
/** 400: MALFORMED_ID, INVALID_FIELD, REQUIRED_FIELD_MISSING, MALFORMED_QUERY … */
export class MalformedRequestError extends SalesforceApiError { override name = 'MalformedRequestError'; }
/** 401: the session expired or is not valid for this API. */
export class ExpiredSessionError extends SalesforceApiError { override name = 'ExpiredSessionError'; }
/** 403: refused (limits, permissions, API disabled). */
export class RefusedRequestError extends SalesforceApiError { override name = 'RefusedRequestError'; }
/**
 * 403 REQUEST_LIMIT_EXCEEDED. `concurrent` means too many long-running requests right now (worth a retry later);
 * otherwise the org's rolling 24-hour API allowance is spent and retrying only burns time.
 */
export class RequestLimitExceededError extends RefusedRequestError {
  override name = 'RequestLimitExceededError';
  get concurrent(): boolean { return /concurrent/i.test(this.errors[0]?.message ?? ''); }
}
/** 404: NOT_FOUND, ENTITY_IS_DELETED. */
export class ResourceNotFoundError extends SalesforceApiError { override name = 'ResourceNotFoundError'; }
/** 405 */
export class MethodNotAllowedError extends SalesforceApiError { override name = 'MethodNotAllowedError'; }
/** 409: e.g. bulk results fetched with another API version. */
export class ConflictError extends SalesforceApiError { override name = 'ConflictError'; }
/** 410: the resource was retired. */
export class ResourceRemovedError extends SalesforceApiError { override name = 'ResourceRemovedError'; }
/** 412: If-Unmodified-Since / If-Match failed, or a bulk job is not complete. */
export class PreconditionFailedError extends SalesforceApiError { override name = 'PreconditionFailedError'; }
/** 414: URI over 16,384 bytes. */
export class UriTooLongError extends SalesforceApiError { override name = 'UriTooLongError'; }
/** 415 */
export class UnsupportedFormatError extends SalesforceApiError { override name = 'UnsupportedFormatError'; }
/** 420: Salesforce's edge could not route the request (transient). */
export class EdgeRoutingUnavailableError extends SalesforceApiError { override name = 'EdgeRoutingUnavailableError'; }
/** 428 */
export class PreconditionRequiredError extends SalesforceApiError { override name = 'PreconditionRequiredError'; }
/** 429 */
export class TooManyRequestsError extends SalesforceApiError { override name = 'TooManyRequestsError'; }
/** 431: headers over 8,000 bytes. */
export class HeadersTooLargeError extends SalesforceApiError { override name = 'HeadersTooLargeError'; }
/** 500 */
export class ServerError extends SalesforceApiError { override name = 'ServerError'; }
/** 502 */
export class BadGatewayError extends SalesforceApiError { override name = 'BadGatewayError'; }
/** 503: overload or maintenance. */
export class ServerUnavailableError extends SalesforceApiError { override name = 'ServerUnavailableError'; }
/** 504 */
export class GatewayTimeoutError extends SalesforceApiError { override name = 'GatewayTimeoutError'; }

const BY_STATUS: Record<number, typeof SalesforceApiError> = {
  300: MultipleChoicesError, 400: MalformedRequestError, 401: ExpiredSessionError, 403: RefusedRequestError,
  404: ResourceNotFoundError, 405: MethodNotAllowedError, 409: ConflictError, 410: ResourceRemovedError,
  412: PreconditionFailedError, 414: UriTooLongError, 415: UnsupportedFormatError, 420: EdgeRoutingUnavailableError,
  428: PreconditionRequiredError, 429: TooManyRequestsError, 431: HeadersTooLargeError, 500: ServerError,
  502: BadGatewayError, 503: ServerUnavailableError, 504: GatewayTimeoutError,
};

/** A login or token request was refused (OAuth error object or SOAP LoginFault). */
export class AuthenticationError extends Error {
  override name = 'AuthenticationError';
  /** OAuth `error` (`invalid_grant`, `invalid_client_id`…) or the SOAP fault code (`INVALID_LOGIN`). */
  readonly error: string;
  readonly errorDescription: string;
  readonly status?: number;
  readonly method?: HttpMethod;
  readonly url?: string;

  /**
   * @param where the token request that answered, and `cause`: the failure behind a login that could not be
   *   completed (a 503 from the token endpoint, a dropped connection)
   */
  constructor(error: string, errorDescription: string, where?: { status?: number; method?: HttpMethod; url?: string; cause?: unknown }) {
    super(redact(`${error}: ${errorDescription}${where?.url ? ` (${where.method ?? 'POST'} ${relativeUrl(where.url)})` : ''}`),
      where?.cause !== undefined ? { cause: where.cause } : undefined);
    this.error = redact(error);
    this.errorDescription = redact(errorDescription);
    if (where?.status !== undefined) this.status = where.status;
    if (where?.method) this.method = where.method;
    if (where?.url) this.url = relativeUrl(where.url);
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, error: this.error, errorDescription: this.errorDescription, message: this.message,
      status: this.status, method: this.method, url: this.url };
  }
}

/** A connection-level failure (reset, timeout, refused, DNS). `sent: false` means the request provably never left. */
export class NetworkError extends Error {
  override name = 'NetworkError';
  /** ECONNRESET, ETIMEDOUT, ECONNREFUSED, ENOTFOUND, ERR_NETWORK … */
  readonly code: string;
  readonly sent: boolean;
  readonly method: HttpMethod;
  readonly url: string;

  constructor(init: { code: string; message: string; method: HttpMethod; url: string; sent?: boolean }) {
    super(redact(`${init.code}: ${init.message} (${init.method} ${relativeUrl(init.url)})`));
    this.code = init.code;
    this.sent = init.sent ?? !NOT_SENT_CODES.has(init.code);
    this.method = init.method;
    this.url = relativeUrl(init.url);
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, sent: this.sent, message: this.message, method: this.method, url: this.url };
  }
}

/** Codes where no byte of the request reached a server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The client refused to start a request because the org's API usage passed the configured `apiBudget`. */
export class ApiBudgetExceededError extends Error {
  override name = 'ApiBudgetExceededError';
  constructor(readonly used: number, readonly max: number, readonly budget: number) {
    super(`API budget exceeded: ${used}/${max} daily API requests used (${(used / max * 100).toFixed(1)}%), ` +
      `budget is ${(budget * 100).toFixed(1)}%; no request was sent`);
  }
}

/** Whether `e` is a Salesforce API error, optionally with a given `errorCode` (in any entry of the error array). */
export function isSalesforceError(e: unknown, errorCode?: string): e is SalesforceApiError {
  if (!(e instanceof SalesforceApiError)) return false;
  return errorCode === undefined || e.errorCode === errorCode || e.errors.some(x => x.errorCode === errorCode);
}

/** Turns a non-2xx response into the matching typed error. */
export function errorFromResponse(res: ErrorResponseLike): SalesforceApiError | AuthenticationError {
  const where = { status: res.status, method: res.method, url: res.url };
  let data = res.data;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) data = decode(data);
  if (typeof data === 'string') {
    const trimmed = data.trim();
    if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
      try { data = JSON.parse(trimmed); } catch { /* keep the text */ }
    }
  }

  // OAuth token endpoint: {"error":"invalid_grant","error_description":"authentication failure"}
  if (isRecord(data) && typeof data.error === 'string') {
    return new AuthenticationError(data.error, typeof data.error_description === 'string' ? data.error_description : '', where);
  }

  let details: SalesforceErrorDetail[] = [];
  if (res.status === 300 && Array.isArray(data) && data.length && data.every(u => typeof u === 'string')) {
    // upsert or read by external id: `["/services/data/v62.0/sobjects/Contact/003…", …]`
    const ids = (data as string[]).map(u => u.slice(u.lastIndexOf('/') + 1));
    details = [{ errorCode: 'MULTIPLE_CHOICES', message: `The external id matches ${ids.length} records: ${ids.join(', ')}` }];
  } else if (Array.isArray(data)) details = data.filter(isRecord).map(toDetail);
  else if (isRecord(data) && (typeof data.errorCode === 'string' || typeof data.message === 'string')) details = [toDetail(data)];
  else if (typeof data === 'string' && /<(\w+:)?Fault[\s>]/.test(data)) {
    const code = (xmlText(data, 'exceptionCode') || xmlText(data, 'faultcode') || `HTTP_${res.status}`).replace(/^\w+:/, '');
    const message = xmlText(data, 'exceptionMessage') || xmlText(data, 'faultstring') || 'SOAP fault';
    if (xmlInner(data, 'LoginFault') !== undefined || LOGIN_FAULTS.has(code)) return new AuthenticationError(code, message, where);
    details = [{ errorCode: code, message }];
  } else if (typeof data === 'string' && data.trim()) {
    const isHtml = /<\w/.test(data) || /html/i.test(res.headers?.['content-type'] ?? '');
    const text = (isHtml ? stripTags(data) : data).trim();
    details = [{ errorCode: DEFAULT_CODES[res.status] ?? `HTTP_${res.status}`, message: text.length > 300 ? text.slice(0, 300) + '…' : text }];
  }
  if (details.length === 0) details = [{ errorCode: DEFAULT_CODES[res.status] ?? `HTTP_${res.status}`, message: STATUS_TEXT[res.status] ?? 'Request failed' }];

  const first = details[0]!;
  let Ctor = BY_STATUS[res.status] ?? SalesforceApiError;
  if (res.status === 403 && first.errorCode === 'REQUEST_LIMIT_EXCEEDED') Ctor = RequestLimitExceededError;
  let message = first.message;
  if (Ctor === RequestLimitExceededError && !/concurrent/i.test(message)) {
    message = `${message} — the org's daily API request allowance is used up; retrying will not help until usage rolls off`;
  }
  return new Ctor({ status: res.status, errorCode: first.errorCode, message, fields: first.fields, errors: details,
    method: res.method, url: res.url, body: data, headers: res.headers });
}

const LOGIN_FAULTS = new Set(['INVALID_LOGIN', 'LOGIN_MUST_USE_SECURITY_TOKEN', 'PASSWORD_LOCKOUT', 'INVALID_PASSWORD',
  'LOGIN_CHALLENGE_ISSUED', 'INVALID_SESSION_ID']);

const DEFAULT_CODES: Record<number, string> = { 420: 'EDGE_ROUTING_UNAVAILABLE', 503: 'SERVER_UNAVAILABLE', 502: 'BAD_GATEWAY', 504: 'GATEWAY_TIMEOUT', 429: 'TOO_MANY_REQUESTS' };
const STATUS_TEXT: Record<number, string> = {
  300: 'Multiple Choices', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 410: 'Gone', 412: 'Precondition Failed', 414: 'URI Too Long', 415: 'Unsupported Media Type',
  420: 'Edge routing unavailable', 428: 'Precondition Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

function toDetail(r: Record<string, unknown>): SalesforceErrorDetail {
  const d: SalesforceErrorDetail = {
    message: typeof r.message === 'string' ? r.message : '',
    errorCode: typeof r.errorCode === 'string' ? r.errorCode : typeof r.statusCode === 'string' ? r.statusCode : 'UNKNOWN_ERROR',
  };
  if (Array.isArray(r.fields)) d.fields = r.fields.filter((f): f is string => typeof f === 'string');
  return d;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function decode(bytes: ArrayBuffer | ArrayBufferView): string {
  try { return new TextDecoder().decode(bytes); } catch { return ''; }
}

function safeHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const key = k.toLowerCase();
    if (key !== 'set-cookie' && key !== 'authorization') out[key] = redact(String(v));
  }
  return out;
}
