/** PKCE (RFC 7636) and the authorize URL for the web-server (authorization code) flow. Web Crypto only. */
import { base64url, DEFAULT_LOGIN_URL, loginBase } from './oauth.js';

export interface PkcePair {
  /** Kept by the app until the callback, then sent with the code. */
  codeVerifier: string;
  /** Sent in the authorize URL. */
  codeChallenge: string;
  codeChallengeMethod: 'S256';
}

/**
 * A fresh verifier (43 characters from 32 random bytes) and its S256 challenge.
 * @example const { codeVerifier, codeChallenge } = await createPkcePair();
 */
export async function createPkcePair(): Promise<PkcePair> {
  const random = new Uint8Array(32);
  globalThis.crypto.getRandomValues(random);
  const codeVerifier = base64url(random);
  return { codeVerifier, codeChallenge: await pkceChallenge(codeVerifier), codeChallengeMethod: 'S256' };
}

/** base64url(SHA-256(verifier)). */
export async function pkceChallenge(codeVerifier: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier));
  return base64url(new Uint8Array(digest));
}

export interface AuthorizeUrlParams {
  loginUrl?: string;
  consumerKey: string;
  redirectUri: string;
  codeChallenge?: string;
  /** Space-separated scopes, e.g. 'api refresh_token'. */
  scope?: string;
  /** Echoed back to the callback; use it against CSRF. */
  state?: string;
  /** 'login', 'consent', 'select_account'. */
  prompt?: string;
  loginHint?: string;
}

/**
 * Where to send the user's browser to authorize the app.
 * @example location.href = authorizeUrl({ consumerKey, redirectUri, codeChallenge, state })
 */
export function authorizeUrl(params: AuthorizeUrlParams): string {
  const base = loginBase(params.loginUrl ?? DEFAULT_LOGIN_URL);
  const q = new URLSearchParams({ response_type: 'code', client_id: params.consumerKey, redirect_uri: params.redirectUri });
  if (params.codeChallenge) { q.set('code_challenge', params.codeChallenge); q.set('code_challenge_method', 'S256'); }
  if (params.scope) q.set('scope', params.scope);
  if (params.state) q.set('state', params.state);
  if (params.prompt) q.set('prompt', params.prompt);
  if (params.loginHint) q.set('login_hint', params.loginHint);
  return `${base}/services/oauth2/authorize?${q.toString()}`;
}
