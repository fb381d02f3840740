/**
 * Apex REST (`/services/apexrest/{urlMapping}`) answered by handlers the user registers, keyed like a class's
 * `@RestResource(urlMapping=…)` with the HTTP verb in front: `'GET /MyService/*'`. A key without a verb takes every
 * verb. Resolution follows Salesforce: an exact mapping first, then the longest matching wildcard; a path no mapping
 * matches answers 404 NOT_FOUND "Could not find a match for URL …" (the body public clients observe), and a mapped
 * path whose class lacks the verb answers 405.
 */
import { pathToFileURL } from 'node:url';
import { resolve as resolvePath } from 'node:path';
import type { RouteContext, RouteHandler } from '../types.js';
import { SfHttpError } from '../types.js';

/** What a handler sees: Apex's `RestContext.request`, in JavaScript. */
export interface ApexRequest {
  method: string;
  /** The path after `/services/apexrest` (`/MyService/001…`), decoded. */
  path: string;
  /** The mapping that matched (`/MyService/*`). */
  urlMapping: string;
  /** Query parameters. */
  params: Record<string, string>;
  /** Request headers, lower-case names (without Authorization). */
  headers: Record<string, string>;
  /** The body parsed as JSON when it is JSON, else the text; undefined when empty. */
  body: unknown;
  /** The raw body bytes (`RestContext.request.requestBody`). */
  requestBody: Buffer;
  /** The calling user. */
  userId: string;
}

/** Apex's `RestContext.response`: set the status or add headers; the handler's return value is the body. */
export interface ApexResponse {
  statusCode: number;
  headers: Record<string, string>;
}

/** One Apex REST method. A returned value is serialized as JSON (undefined: an empty 200, as a void method). */
export type ApexHandler = (req: ApexRequest, res: ApexResponse) => unknown;

/** Handlers by `'VERB /urlMapping'` (or `'/urlMapping'` for every verb). */
export type ApexHandlers = Record<string, ApexHandler>;

interface Mapping {
  pattern: string;
  /** Prefix before the `*`, or the whole mapping when exact. */
  prefix: string;
  wildcard: boolean;
  verbs: Map<string, ApexHandler>;
}

const VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Checks a urlMapping the way the Apex compiler does. */
function checkMapping(pattern: string): void {
  const bad = (why: string) => new Error(`Apex REST urlMapping '${pattern}' ${why}`);
  if (!pattern.startsWith('/')) throw bad('must start with /');
  if (pattern.length > 255) throw bad('is longer than 255 characters');
  for (let star = pattern.indexOf('*'); star >= 0; star = pattern.indexOf('*', star + 1)) {
    if (pattern[star - 1] !== '/') throw bad('has a * that does not follow a /');
    if (star !== pattern.length - 1 && pattern[star + 1] !== '/') throw bad('has a * that is neither last nor followed by a /');
  }
}

function buildMappings(handlers: ApexHandlers): Mapping[] {
  const byPattern = new Map<string, Mapping>();
  for (const [key, handler] of Object.entries(handlers)) {
    if (typeof handler !== 'function') throw new Error(`Apex REST handler '${key}' is not a function`);
    const m = /^(?:([A-Z]+)\s+)?(\/\S*)$/.exec(key.trim());
    if (!m || (m[1] && !VERBS.includes(m[1]))) {
      throw new Error(`Apex REST handler key '${key}' must be 'VERB /urlMapping' (VERB: ${VERBS.join(', ')}) or '/urlMapping'`);
    }
    const pattern = m[2];
    checkMapping(pattern);
    let mapping = byPattern.get(pattern);
    if (!mapping) {
      const star = pattern.indexOf('*');
      mapping = { pattern, prefix: star >= 0 ? pattern.slice(0, star) : pattern, wildcard: star >= 0, verbs: new Map() };
      byPattern.set(pattern, mapping);
    }
    for (const verb of m[1] ? [m[1]] : VERBS) {
      if (mapping.verbs.has(verb) && m[1]) throw new Error(`Two Apex REST handlers for ${verb} ${pattern}`);
      mapping.verbs.set(verb, handler);
    }
  }
  return [...byPattern.values()];
}

/** Exact match first, then the longest wildcard mapping that matches (case-sensitive). */
function resolveMapping(mappings: Mapping[], path: string): Mapping | undefined {
  const exact = mappings.find(m => !m.wildcard && m.pattern === path);
  if (exact) return exact;
  const matches = (m: Mapping, bare: boolean): boolean => {
    if (!m.wildcard) return false;
    const re = new RegExp(`^${m.pattern.split('*').map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^]*')}$`);
    return re.test(bare ? `${path}/` : path);
  };
  const longest = (bare: boolean) => mappings.filter(m => matches(m, bare)).sort((a, b) => b.pattern.length - a.pattern.length)[0];
  // `/svc/*` also takes `/svc` itself, but only when no mapping matches the path as it is (unconfirmed)
  return longest(false) ?? longest(true);
}

/** The 404 Salesforce gives when no Apex REST class maps the path. */
export function apexNotFound(path: string): SfHttpError {
  return new SfHttpError(404, 'NOT_FOUND', `Could not find a match for URL ${path}`);
}

/** A route handler answering `/services/apexrest/…` from the user's handlers. */
export function createApexRoutes(handlers: ApexHandlers): RouteHandler {
  const mappings = buildMappings(handlers);
  return async (ctx: RouteContext) => {
    let path: string;
    try {
      path = decodeURIComponent(ctx.path);
    } catch {
      throw apexNotFound(ctx.path);
    }
    const mapping = resolveMapping(mappings, path);
    if (!mapping) throw apexNotFound(path);
    const method = ctx.req.method ?? 'GET';
    const handler = mapping.verbs.get(method === 'HEAD' ? 'GET' : method);
    if (!handler) {
      throw new SfHttpError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are ${[...mapping.verbs.keys()].join(',')}`);
    }
    const requestBody = await ctx.body();
    const text = requestBody.toString('utf8');
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(ctx.req.headers)) if (k !== 'authorization' && typeof v === 'string') headers[k] = v;
    const req: ApexRequest = { method, path, urlMapping: mapping.pattern, params: Object.fromEntries(ctx.query), headers, body,
      requestBody, userId: ctx.session.userId };
    const res: ApexResponse = { statusCode: 200, headers: {} };
    let out: unknown;
    try {
      out = await handler(req, res);
    } catch (e) {
      // an unhandled Apex exception: 500 APEX_ERROR with the exception's type and message (shape unconfirmed)
      const err = e as { name?: string; message?: string };
      throw new SfHttpError(500, 'APEX_ERROR', `${err?.name ?? 'System.Exception'}: ${err?.message ?? String(e)}`);
    }
    if (out === undefined) ctx.text(res.statusCode, '', 'application/json;charset=UTF-8', res.headers);
    else ctx.json(res.statusCode, out, res.headers);
    return true;
  };
}

/** Loads handlers from a JS module: its default export, or an export named `apex`. */
export async function loadApexModule(file: string): Promise<ApexHandlers> {
  const mod = await import(pathToFileURL(resolvePath(file)).href) as { default?: unknown; apex?: unknown };
  const handlers = mod.apex ?? mod.default;
  if (!handlers || typeof handlers !== 'object') {
    throw new Error(`${file} exports no Apex REST handlers (a default export or 'apex': { 'GET /MyService/*': handler })`);
  }
  return handlers as ApexHandlers;
}
