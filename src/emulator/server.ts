/** The HTTP front: faults, CORS, auth endpoints, API auth and limits, then the core and registered routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { handleAuthorize } from './auth/authorize.js';
import { handleIdentity, handleUserinfo } from './auth/identity.js';
import { handleRevoke, handleToken } from './auth/oauth.js';
import { bearer } from './auth/sessions.js';
import { handleSoapLogin } from './auth/soap.js';
import { API_VERSIONS, LATEST_VERSION, type Core } from './core.js';
import { applyCors } from './cors.js';
import { errorBody, MAX_UNAUTHENTICATED_BODY_BYTES, notFound, readBody } from './http.js';
import { Reply } from './reply.js';
import { collectionRoutes } from './rest/collections.js';
import { DmlFailure, restErrors } from './rest/dml.js';
import { limitsBody, resourcesBody, versionsBody } from './rest/root.js';
import { apexNotFound } from './rest/apex.js';
import { sobjectRoutes } from './rest/sobjects.js';
import { subContext, subResponse } from './rest/subrequest.js';
import { SfHttpError, type EmulatorHost, type RouteContext, type RouteHandler, type SessionInfo, type SubRequest,
  type SubResponse } from './types.js';

export interface FrontOptions {
  core: Core;
  host: EmulatorHost;
  handlers: RouteHandler[];
  corsOrigins?: string[];
  sleep(ms: number): Promise<void>;
  /** Apex REST (`/services/apexrest/…`): the user's handlers; the path is the part after `/services/apexrest`. */
  apex?: RouteHandler;
}

const SESSION_INVALID = () => new SfHttpError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
const DATA_RE = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/;
const APEX_RE = /^\/services\/apexrest(\/.*)?$/;
const SOAP_RE = /^\/services\/Soap\/[uc]\/(\d+\.\d)(\/.*)?$/;

export function createFront(opts: FrontOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { core } = opts;

  function toReply(e: unknown, reply: Reply): void {
    if (e instanceof DmlFailure) reply.json(e.status, restErrors(e.result.errors));
    else if (e instanceof SfHttpError) reply.json(e.status, errorBody(e));
    else {
      reply.json(500, [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred. Please include this ' +
        `ErrorId if you contact support: ${Math.floor(core.random() * 1e9)}-${Math.floor(core.random() * 1e5)} (${
          Math.floor(core.random() * 1e9)})` }]);
    }
  }

  /** Authenticated `/services/data/vXX.X/…` requests: session, daily and concurrent limits, then routing. */
  async function api(req: IncomingMessage, res: ServerResponse, reply: Reply, url: URL, version: string, path: string,
    delay: number, apex = false) {
    if (!apex && !API_VERSIONS.some(v => v.version === version)) throw notFound();
    const token = bearer(req.headers.authorization);
    const session: SessionInfo | undefined = token ? core.sessions.use(token) : undefined;
    if (!session) {
      if (token) core.faults.stats.faults.sessionExpired++;
      throw SESSION_INVALID();
    }
    const f = core.faults.get();
    const stats = core.faults.stats;
    if (stats.apiRequests >= f.dailyApiLimit) {
      stats.faults.dailyLimit++;
      reply.header('Sforce-Limit-Info', `api-usage=${stats.apiRequests}/${f.dailyApiLimit}`);
      throw new SfHttpError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    }
    stats.apiRequests++;
    reply.header('Sforce-Limit-Info', `api-usage=${stats.apiRequests}/${f.dailyApiLimit}`);
    if (f.maxConcurrent > 0 && stats.inFlight >= f.maxConcurrent) {
      stats.faults.concurrency++;
      // Salesforce's wording for its concurrent API request limit (Help article 000389067)
      throw new SfHttpError(403, 'REQUEST_LIMIT_EXCEEDED', 'ConcurrentRequests (Concurrent API Requests) Limit exceeded.');
    }
    stats.inFlight++;
    if (stats.inFlight > stats.peakInFlight) stats.peakInFlight = stats.inFlight;
    try {
      // latency counts as time in flight, so slow requests use up the concurrency limit as on Salesforce
      if (delay > 0) await opts.sleep(delay);
      let bodyPromise: Promise<Buffer> | undefined;
      const ctx: RouteContext = {
        req, res, path: path || '/', version, query: url.searchParams, session, store: core.store.actingAs(session.userId),
        body: () => (bodyPromise ??= readBody(req)),
        json: (status, body, headers) => reply.json(status, body, headers),
        text: (status, body, contentType, headers) => reply.text(status, body, contentType, headers),
        stream: (status, body, contentType, headers) => reply.stream(status, body, contentType, headers),
        host: opts.host, baseUrl: core.baseUrl(req),
      };
      if (apex) {
        if (!opts.apex || !(await opts.apex(ctx))) throw apexNotFound(ctx.path);
        return;
      }
      ctx.dispatch = sub => dispatch(ctx, sub);
      if (await coreRoutes(ctx, reply)) return;
      for (const h of opts.handlers) {
        if (await h(ctx)) return;
      }
      throw notFound();
    } finally {
      stats.inFlight--;
    }
  }

  /** One subrequest of a Composite-family request, through the same routes as a top-level request. */
  async function dispatch(parent: RouteContext, sub: SubRequest): Promise<SubResponse> {
    const reply = new Reply();
    const ctx = subContext(parent, sub, reply);
    try {
      let handled = await coreRoutes(ctx, reply);
      for (const h of opts.handlers) {
        if (handled) break;
        handled = await h(ctx);
      }
      if (!handled) throw notFound();
    } catch (e) {
      toReply(e, reply);
    }
    return subResponse(reply);
  }

  async function coreRoutes(ctx: RouteContext, reply: Reply): Promise<boolean> {
    if (ctx.path === '/') {
      reply.json(200, resourcesBody(core, ctx.req, ctx.version, ctx.session.userId));
      return true;
    }
    if (ctx.path === '/limits' || ctx.path === '/limits/') {
      reply.json(200, limitsBody(core));
      return true;
    }
    return await sobjectRoutes(ctx, core) || await collectionRoutes(ctx, core);
  }

  async function route(req: IncomingMessage, res: ServerResponse, reply: Reply, delay: number): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const p = url.pathname;
    const m = DATA_RE.exec(p);
    if (m) return api(req, res, reply, url, m[1], m[2] ?? '', delay);
    const a = APEX_RE.exec(p);
    if (a) return api(req, res, reply, url, LATEST_VERSION, a[1] ?? '/', delay, true);
    if (delay > 0) await opts.sleep(delay);
    const small = () => readBody(req, MAX_UNAUTHENTICATED_BODY_BYTES);
    if (p === '/services/oauth2/token') return handleToken(core, req, await small(), reply);
    if (p === '/services/oauth2/authorize') return handleAuthorize(core, req, url, await small(), reply);
    if (p === '/services/oauth2/revoke') {
      const form = new URLSearchParams((await small()).toString('utf8'));
      return handleRevoke(core, form.get('token') ?? url.searchParams.get('token') ?? '', reply);
    }
    if (p === '/services/oauth2/userinfo') return handleUserinfo(core, req, reply);
    if (p.startsWith('/id/')) return handleIdentity(core, req, p, reply);
    if (SOAP_RE.test(p)) return handleSoapLogin(core, req, await small(), reply, SOAP_RE.exec(p)![1]);
    if (p === '/services/data' || p === '/services/data/') {
      reply.json(200, versionsBody());
      return;
    }
    throw notFound();
  }

  function send(res: ServerResponse, req: IncomingMessage, reply: Reply): void {
    const body = reply.body;
    if (body instanceof Readable) {
      if (res.headersSent || res.writableEnded || req.method === 'HEAD') {
        body.destroy();
        if (!res.headersSent && !res.writableEnded) res.writeHead(reply.status || 200, reply.headers).end();
        return;
      }
      res.writeHead(reply.status || 200, reply.headers);
      // a client that goes away mid-body destroys both ends; nothing to report
      pipeline(body, res).catch(() => undefined);
      return;
    }
    if (res.headersSent || res.writableEnded) return;
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const noBody = req.method === 'HEAD' || reply.status === 204 || reply.status === 304;
    res.writeHead(reply.status || 200, { ...reply.headers, ...(noBody ? {} : { 'Content-Length': String(length) }) });
    res.end(noBody ? undefined : body);
  }

  return (req, res) => {
    void (async () => {
      const reply = new Reply();
      core.faults.stats.requests++;
      const reset = core.faults.rollReset();
      if (reset === 'before') {
        req.socket.destroy();
        return;
      }
      const delay = core.faults.delayMs();
      try {
        if (!applyCors(req, reply, opts.corsOrigins)) {
          const failure = core.faults.rollFailure();
          if (failure) reply.text(failure.status, failure.html, 'text/html;charset=UTF-8');
          else await route(req, res, reply, delay);
        }
      } catch (e) {
        toReply(e, reply);
      }
      try {
        core.store.flush();
      } catch (e) {
        toReply(e, reply);
      }
      if (reset === 'after') {
        if (reply.body instanceof Readable) reply.body.destroy();
        req.socket.destroy();
        return;
      }
      send(res, req, reply);
    })();
  };
}
