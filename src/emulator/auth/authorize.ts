/**
 * `GET /services/oauth2/authorize` (web server flow, PKCE): a login page for the org's users; the form posts back
 * here and, with valid credentials, redirects to `redirect_uri?code=…&state=…`.
 */
import type { IncomingMessage } from 'node:http';
import type { Core } from '../core.js';
import { randomBase62 } from '../ids.js';
import { checkPassword, isCallbackUrl } from '../org.js';
import type { Reply } from '../reply.js';

/** Authorization codes live 15 minutes, as on Salesforce. */
const CODE_TTL_MS = 15 * 60_000;
const PARAMS = ['response_type', 'client_id', 'redirect_uri', 'state', 'scope', 'code_challenge', 'code_challenge_method'];

const esc = (s: string) => s.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);

function page(params: URLSearchParams, username: string, error?: string): string {
  const hidden = PARAMS.filter(p => params.has(p))
    .map(p => `<input type="hidden" name="${p}" value="${esc(params.get(p)!)}">`).join('');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Login | rxforce emulator</title></head><body>
<h1>Log in to the rxforce emulator</h1>${error ? `<p role="alert" id="error">${esc(error)}</p>` : ''}
<form method="POST" action="/services/oauth2/authorize">${hidden}
<label>Username <input id="username" name="username" value="${esc(username)}"></label>
<label>Password <input id="password" name="password" type="password"></label>
<button id="Login" type="submit">Log In</button></form></body></html>`;
}

function errorPage(reply: Reply, message: string): void {
  reply.text(400, `<!DOCTYPE html><html><body><h1>OAuth error</h1><p>${esc(message)}</p></body></html>`,
    'text/html;charset=UTF-8');
}

export function handleAuthorize(core: Core, req: IncomingMessage, url: URL, body: Buffer, reply: Reply): void {
  const form = req.method === 'POST' ? new URLSearchParams(body.toString('utf8')) : url.searchParams;
  if (form.get('response_type') !== 'code') return errorPage(reply, 'unsupported_response_type');
  if (form.get('client_id') !== core.org.consumerKey) return errorPage(reply, 'error=invalid_client_id');
  const redirect = form.get('redirect_uri');
  // never redirect anywhere the connected app does not list: the code would go to whoever named the URL
  if (!redirect || !isCallbackUrl(core.org, redirect)) {
    return errorPage(reply, 'error=redirect_uri_mismatch&error_description=redirect_uri must match configuration');
  }
  const method = form.get('code_challenge_method') ?? (form.get('code_challenge') ? 'plain' : undefined);
  if (method && method !== 'S256' && method !== 'plain') return errorPage(reply, 'error=invalid_request');
  if (req.method !== 'POST') {
    reply.text(200, page(form, core.org.users[0].username), 'text/html;charset=UTF-8');
    return;
  }
  const user = checkPassword(core.org, form.get('username') ?? '', form.get('password') ?? '');
  if (!user) {
    reply.text(200, page(form, form.get('username') ?? '', 'Please check your username and password.'),
      'text/html;charset=UTF-8');
    return;
  }
  const code = `aPrx${randomBase62(60, core.random)}`;
  core.codes.set(code, { userId: user.userId, clientId: form.get('client_id')!, redirectUri: redirect,
    challenge: form.get('code_challenge') ?? undefined, method, expires: core.now() + CODE_TTL_MS });
  const target = new URL(redirect);
  target.searchParams.set('code', code);
  if (form.get('state') !== null) target.searchParams.set('state', form.get('state')!);
  reply.redirect(target.toString());
}
