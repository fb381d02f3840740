/** The OAuth 2.0 token endpoint: password, client_credentials, refresh_token, JWT bearer, authorization_code + PKCE. */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Core } from '../core.js';
import { checkPassword, findUser, type OrgUser } from '../org.js';
import type { Reply } from '../reply.js';
import { verifyJwtAssertion } from './jwt.js';

class OAuthError extends Error {
  constructor(readonly error: string, readonly description: string, readonly status = 400) {
    super(description);
  }
}
const authFailure = () => new OAuthError('invalid_grant', 'authentication failure');

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** RFC 6749 form-encodes Basic credentials; a value with a stray `%` is taken as sent rather than crashing. */
function formDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Client id/secret from HTTP Basic or the form. */
function clientCredentials(req: IncomingMessage, form: URLSearchParams): { id?: string; secret?: string } {
  const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    return { id: formDecode(decoded.slice(0, i)), secret: formDecode(decoded.slice(i + 1)) };
  }
  return { id: form.get('client_id') ?? undefined, secret: form.get('client_secret') ?? undefined };
}

function checkClient(core: Core, id: string | undefined, secret: string | undefined, secretRequired: boolean): void {
  if (!id) throw new OAuthError('invalid_client_id', 'client identifier invalid');
  if (id !== core.org.consumerKey) throw new OAuthError('invalid_client_id', 'client identifier invalid');
  if (secret === undefined ? secretRequired : !sameSecret(secret, core.org.consumerSecret)) {
    throw new OAuthError('invalid_client', 'invalid client credentials');
  }
}

export function tokenResponse(core: Core, req: IncomingMessage, user: OrgUser, withRefresh: boolean): Record<string, string> {
  const base = core.baseUrl(req);
  const id = `${base}/id/${core.org.orgId}/${user.userId}`;
  const issuedAt = String(core.now());
  const out: Record<string, string> = {
    access_token: core.sessions.issue(user),
    signature: createHmac('sha256', core.org.consumerSecret).update(id + issuedAt).digest('base64'),
    scope: withRefresh ? 'refresh_token web api' : 'web api',
    instance_url: base, id, token_type: 'Bearer', issued_at: issuedAt,
  };
  if (withRefresh) out.refresh_token = core.sessions.issueRefresh(user);
  return out;
}

async function grant(core: Core, req: IncomingMessage, form: URLSearchParams): Promise<Record<string, string>> {
  const type = form.get('grant_type');
  const client = clientCredentials(req, form);
  switch (type) {
    case 'password': {
      checkClient(core, client.id, client.secret, true);
      const user = checkPassword(core.org, form.get('username') ?? '', form.get('password') ?? '');
      if (!user) throw authFailure();
      return tokenResponse(core, req, user, false);
    }
    case 'client_credentials': {
      checkClient(core, client.id, client.secret, true);
      return tokenResponse(core, req, core.org.users[0], false);
    }
    case 'refresh_token': {
      checkClient(core, client.id, client.secret, false);
      const user = core.sessions.refreshUser(form.get('refresh_token') ?? '');
      if (!user) throw new OAuthError('invalid_grant', 'expired access/refresh token');
      const out = tokenResponse(core, req, user, false);
      out.scope = 'refresh_token web api';
      return out;
    }
    case 'urn:ietf:params:oauth:grant-type:jwt-bearer': {
      const claims = await verifyJwtAssertion(core, req, form.get('assertion') ?? '');
      if ('error' in claims) throw new OAuthError(claims.error, claims.description);
      return tokenResponse(core, req, claims.user, false);
    }
    case 'authorization_code':
      return tokenResponse(core, req, redeemCode(core, form, client), true);
    default:
      throw new OAuthError('unsupported_grant_type', 'grant type not supported');
  }
}

/** Web server flow: the code is single-use, bound to client and redirect URI, and to the PKCE challenge if any. */
function redeemCode(core: Core, form: URLSearchParams, client: { id?: string; secret?: string }): OrgUser {
  const code = core.codes.get(form.get('code') ?? '');
  core.codes.delete(form.get('code') ?? '');
  if (!code || code.expires < core.now()) throw new OAuthError('invalid_grant', 'invalid authorization code');
  if (client.id !== code.clientId) throw new OAuthError('invalid_client_id', 'client identifier invalid');
  if (form.get('redirect_uri') !== code.redirectUri) {
    throw new OAuthError('invalid_grant', 'redirect_uri must match configuration');
  }
  if (code.challenge) {
    const verifier = form.get('code_verifier') ?? '';
    const computed = code.method === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
    if (!verifier || computed !== code.challenge) throw new OAuthError('invalid_grant', 'invalid code verifier');
    if (client.secret !== undefined) checkClient(core, client.id, client.secret, false);
  } else {
    checkClient(core, client.id, client.secret, true);
  }
  const user = core.org.users.find(u => u.userId === code.userId);
  if (!user) throw authFailure();
  return user;
}

export async function handleToken(core: Core, req: IncomingMessage, body: Buffer, reply: Reply): Promise<void> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (req.method !== 'POST' || !type.startsWith('application/x-www-form-urlencoded')) {
    reply.json(400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
    return;
  }
  try {
    const out = await grant(core, req, new URLSearchParams(body.toString('utf8')));
    core.faults.stats.logins++;
    reply.json(200, out, { 'Cache-Control': 'no-cache, no-store', Pragma: 'no-cache' });
  } catch (e) {
    if (!(e instanceof OAuthError)) throw e;
    reply.json(e.status, { error: e.error, error_description: e.description });
  }
}

/** `POST /services/oauth2/revoke` (token in form or query): 200, or 400 unsupported_token_type. */
export function handleRevoke(core: Core, token: string, reply: Reply): void {
  if (core.sessions.revoke(token)) reply.empty(200);
  else reply.json(400, { error: 'unsupported_token_type', error_description: 'this token type is not supported' });
}

export { findUser };
