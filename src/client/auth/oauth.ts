/** The shared half of every OAuth 2.0 flow: POST a form to the token endpoint and read the token response. */
import { AuthenticationError } from '../errors.js';
import { rememberSecret } from '../../util/redact.js';
import { assertSecureUrl } from '../secureUrl.js';
import type { LoginContext, Session } from '../types.js';

/** Salesforce's production login host; sandboxes use https://test.salesforce.com, or the org's My Domain. */
export const DEFAULT_LOGIN_URL = 'https://login.salesforce.com';

/** The login URL without a trailing slash, https unless loopback. */
export function loginBase(loginUrl: string | undefined): string {
  return assertSecureUrl(loginUrl ?? DEFAULT_LOGIN_URL, 'login URL');
}

/** Form-encodes the fields (undefined fields are left out). */
export function formBody(fields: Record<string, string | undefined>): string {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.append(k, v);
  return form.toString();
}

/** POSTs a grant to `{loginUrl}/services/oauth2/token` and turns the answer into a Session. */
export async function tokenRequest(ctx: LoginContext, loginUrl: string, fields: Record<string, string | undefined>,
  headers: Record<string, string> = {}): Promise<Session> {
  const res = await ctx.post(`${loginUrl}/services/oauth2/token`, formBody(fields), {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
    ...headers,
  });
  return sessionFromTokenResponse(res.data);
}

/** Reads `{access_token, instance_url, id, issued_at, refresh_token}`; the org and user ids are the last two segments of `id`. */
export function sessionFromTokenResponse(data: unknown): Session {
  const body = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (typeof body.access_token !== 'string' || typeof body.instance_url !== 'string') {
    throw new AuthenticationError('invalid_response', 'The token endpoint answered without access_token and instance_url');
  }
  const session: Session = { accessToken: body.access_token, instanceUrl: assertSecureUrl(body.instance_url) };
  if (typeof body.id === 'string') {
    session.id = body.id;
    const m = /\/id\/([a-zA-Z0-9]{15,18})\/([a-zA-Z0-9]{15,18})\/?$/.exec(body.id);
    if (m) { session.organizationId = m[1]; session.userId = m[2]; }
  }
  if (typeof body.refresh_token === 'string') session.refreshToken = body.refresh_token;
  const issued = Number(body.issued_at);
  if (Number.isFinite(issued) && issued > 0) session.issuedAt = issued;
  return session;
}

/** base64 of a UTF-8 string, browser-safe. */
export function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** base64url without padding, for PKCE. */
export function base64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Rejects a missing parameter early, naming it. */
export function required(flow: string, params: object, ...names: string[]): void {
  for (const name of names) {
    const v = (params as Record<string, unknown>)[name];
    if (v === undefined || v === null || v === '') throw new TypeError(`${flow} needs ${name}`);
  }
}

/** A flow object whose `toString`/JSON never show its secrets. */
export function flowObject<T extends { kind: string }>(flow: T, describe: string): T {
  Object.defineProperty(flow, 'toString', { value: () => describe, enumerable: false });
  Object.defineProperty(flow, 'toJSON', { value: () => ({ kind: flow.kind, describe }), enumerable: false });
  return flow;
}

/** Registers the secrets a flow holds so no later error or log line can show them. */
export function remember(...secrets: Array<string | undefined>): void {
  for (const s of secrets) rememberSecret(s);
}
