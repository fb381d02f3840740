/**
 * Browser login with the OAuth web server flow and PKCE: no consumer secret in the page, and the code is useless to
 * anyone without the verifier kept in this tab's sessionStorage. The session itself stays in memory only.
 */
import { authorizationCodeLogin, authorizeUrl, createPkcePair, SalesforceClient } from '../../../src/index.js';

export interface PageConfig {
  /** The login URL (the emulator's URL locally). */
  loginUrl: string;
  consumerKey: string;
  /** This page, registered as the Connected App's callback. */
  redirectUri: string;
}

const KEY = 'rxforce.example.';

/** Settings from `?loginUrl=…&consumerKey=…` on first visit, remembered for the OAuth round trip. */
export function pageConfig(location: Location, storage: Storage): PageConfig {
  const params = new URLSearchParams(location.search);
  for (const name of ['loginUrl', 'consumerKey']) {
    const value = params.get(name);
    if (value) storage.setItem(KEY + name, value);
  }
  return {
    loginUrl: storage.getItem(KEY + 'loginUrl') ?? 'http://127.0.0.1:3000',
    consumerKey: storage.getItem(KEY + 'consumerKey') ?? 'rxforce-local-key',
    redirectUri: location.origin + location.pathname,
  };
}

/** Sends the browser to the login page; the verifier and an anti-CSRF state wait in sessionStorage. */
export async function startLogin(config: PageConfig, storage: Storage, go: (url: string) => void): Promise<void> {
  const pkce = await createPkcePair();
  const state = crypto.randomUUID();
  storage.setItem(KEY + 'verifier', pkce.codeVerifier);
  storage.setItem(KEY + 'state', state);
  go(authorizeUrl({
    loginUrl: config.loginUrl, consumerKey: config.consumerKey, redirectUri: config.redirectUri,
    codeChallenge: pkce.codeChallenge, state, scope: 'api refresh_token',
  }));
}

/**
 * On the callback (`?code=…&state=…`), a client that redeems the code on first use; otherwise undefined.
 * Throws when the state does not match the one this tab sent (a forged callback).
 */
export function clientFromCallback(config: PageConfig, location: Location, storage: Storage): SalesforceClient | undefined {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code) {
    const denied = params.get('error_description') ?? params.get('error');
    if (denied) throw new Error(`Login refused: ${denied}`);
    return undefined;
  }
  const expected = storage.getItem(KEY + 'state');
  const verifier = storage.getItem(KEY + 'verifier');
  storage.removeItem(KEY + 'state');
  storage.removeItem(KEY + 'verifier');
  if (!expected || params.get('state') !== expected || !verifier) throw new Error('Login callback does not match a login started here');
  return new SalesforceClient({
    login: authorizationCodeLogin({ loginUrl: config.loginUrl, code, codeVerifier: verifier, redirectUri: config.redirectUri, consumerKey: config.consumerKey }),
    callOptions: 'client=rxforce-browser-example',
  });
}
