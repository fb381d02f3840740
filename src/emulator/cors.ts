/**
 * CORS for browser clients. By default any loopback origin (`http://localhost:*`, `http://127.0.0.1:*`, `[::1]`) is
 * allowed, so a local dev server can talk to the emulator while a random web page cannot; `corsOrigins` replaces the
 * rule with an explicit list (`*` allows all).
 */
import type { IncomingMessage } from 'node:http';
import type { Reply } from './reply.js';

const LOOPBACK = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i;
const ALLOW_HEADERS = 'Authorization, Content-Type, Accept, X-Requested-With, X-SFDC-Session, Sforce-Call-Options, ' +
  'Sforce-Query-Options, Sforce-Auto-Assign, Sforce-Mru, Sforce-Enable-PKChunking, If-Modified-Since, ' +
  'If-Unmodified-Since, If-Match, If-None-Match';
const EXPOSE_HEADERS = 'Sforce-Limit-Info, Sforce-Locator, Sforce-NumberOfRecords, Last-Modified, ETag, Location';

export function originAllowed(origin: string, allowed?: string[]): boolean {
  if (!allowed) return LOOPBACK.test(origin);
  return allowed.includes('*') || allowed.includes(origin);
}

/** Adds CORS headers; answers a preflight (returns true when the request is fully handled). */
export function applyCors(req: IncomingMessage, reply: Reply, allowed?: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin || !originAllowed(origin, allowed)) return false;
  reply.header('Access-Control-Allow-Origin', origin);
  reply.header('Vary', 'Origin');
  reply.header('Access-Control-Allow-Credentials', 'true');
  reply.header('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    reply.header('Access-Control-Allow-Methods', 'GET, POST, PATCH, PUT, DELETE, HEAD, OPTIONS');
    reply.header('Access-Control-Allow-Headers', ALLOW_HEADERS);
    reply.header('Access-Control-Max-Age', '86400');
    reply.empty(204);
    return true;
  }
  return false;
}
