/** OAuth 2.0 web-server flow: exchange the callback's code, then refresh with the refresh token it yields. */
import { AuthenticationError } from '../errors.js';
import type { LoginFlow } from '../types.js';
import { flowObject, loginBase, remember, required, tokenRequest } from './oauth.js';
import { refreshGrant } from './refreshToken.js';

export interface AuthorizationCodeLoginParams {
  loginUrl?: string;
  code: string;
  /** The PKCE verifier matching the challenge of the authorize URL. */
  codeVerifier?: string;
  redirectUri: string;
  consumerKey: string;
  consumerSecret?: string;
}

/**
 * Exchanges an authorization code (single use) for a session. Later refreshes use the refresh token from that
 * exchange; without one (the app lacks the `refresh_token` scope) an expired session cannot be renewed.
 * @example authorizationCodeLogin({ code: url.searchParams.get('code')!, codeVerifier, redirectUri, consumerKey })
 */
export function authorizationCodeLogin(params: AuthorizationCodeLoginParams): LoginFlow {
  required('authorizationCodeLogin', params, 'code', 'redirectUri', 'consumerKey');
  const loginUrl = loginBase(params.loginUrl);
  remember(params.code, params.codeVerifier, params.consumerSecret);
  let refreshToken: string | undefined;
  let exchanged = false;
  return flowObject({
    kind: 'authorization_code',
    login: async ctx => {
      const stored = ctx.previous?.refreshToken ?? refreshToken;
      if (exchanged) {
        if (!stored) throw new AuthenticationError('invalid_grant', 'The session expired and the authorization code flow got no refresh token (add the refresh_token scope to the Connected App)');
        return refreshGrant(stored, loginUrl, params.consumerKey, params.consumerSecret, ctx);
      }
      const session = await tokenRequest(ctx, loginUrl, {
        grant_type: 'authorization_code',
        code: params.code,
        client_id: params.consumerKey,
        client_secret: params.consumerSecret,
        redirect_uri: params.redirectUri,
        code_verifier: params.codeVerifier,
      });
      exchanged = true; // a code is single use
      refreshToken = session.refreshToken;
      return session;
    },
  }, `authorizationCodeLogin(${loginUrl})`);
}
