/**
 * Subrequests of the Composite family: their URLs (`/services/data/vXX.X/…` or `vXX.X/…`), the route context a
 * subrequest runs in (the parent's session and store, its own method, headers, query and body) and its captured answer.
 */
import { Readable } from 'node:stream';
import { API_VERSIONS } from '../core.js';
import type { Reply } from '../reply.js';
import { SfHttpError, type RouteContext, type SubRequest, type SubResponse } from '../types.js';

export const SUB_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** Headers a subrequest inherits from the top-level request and may not set itself. */
export const INHERITED_HEADERS = new Set(['accept', 'authorization', 'content-type']);

const SUB_URL = /^(?:\/services\/data\/)?v(\d+\.\d)(\/[^?#]*)?(?:\?([^#]*))?$/;

/** A subrequest URL split into version, path and query; undefined when it is not a data URL of a known version. */
export function parseSubUrl(url: string): { version: string; path: string; query: URLSearchParams } | undefined {
  const m = SUB_URL.exec(url.trim());
  if (!m || !API_VERSIONS.some(v => v.version === m[1])) return undefined;
  return { version: m[1], path: m[2] ?? '/', query: new URLSearchParams(m[3] ?? '') };
}

/** The route context one subrequest runs in. */
export function subContext(parent: RouteContext, sub: SubRequest, reply: Reply): RouteContext {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(parent.req.headers)) {
    if (k !== 'content-length' && k !== 'transfer-encoding' && typeof v === 'string') headers[k] = v;
  }
  Object.assign(headers, sub.headers, { 'content-type': 'application/json' });
  const body = Buffer.from(sub.body === undefined ? '' : JSON.stringify(sub.body), 'utf8');
  const req = Object.assign(Object.create(parent.req) as typeof parent.req, { method: sub.method, headers });
  return {
    req, res: parent.res, path: sub.path, version: sub.version, query: sub.query, session: parent.session,
    store: parent.store, host: parent.host, baseUrl: parent.baseUrl,
    body: () => Promise.resolve(body),
    json: (status, b, h) => reply.json(status, b, h),
    text: (status, b, contentType, h) => reply.text(status, b, contentType, h),
  };
}

/** The captured answer: JSON parsed, no Content-Length (Composite answers carry none, per its documentation). */
export function subResponse(reply: Reply): SubResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.headers)) {
    if (!/^(content-length|content-type|sforce-limit-info)$/i.test(k)) headers[k] = v;
  }
  const raw = reply.body;
  if (raw instanceof Readable) {
    raw.destroy();
    throw new SfHttpError(400, 'INVALID_REQUEST', 'A streamed resource is not allowed in a subrequest');
  }
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: reply.status || 200, headers, body };
}

/** 400 for the whole Composite-family request, as Salesforce refuses a malformed one. */
export function badRequest(message: string, errorCode = 'INVALID_INPUT'): SfHttpError {
  return new SfHttpError(400, errorCode, message);
}
