/** OAuth 2.0 refresh token flow. */
import type { LoginFlow, Session } from '../types.js';
import { flowObject, loginBase, remember, required, tokenRequest } from './oauth.js';

export interface RefreshTokenLoginParams {
  loginUrl?: string;
  refreshToken: string;
  consumerKey: string;
  /** Required by Connected Apps that demand the secret for refresh. */
  consumerSecret?: string;
}

/**
 * Gets an access token from a stored refresh token, and again each time the session expires. Salesforce usually
 * answers without a new refresh token; the stored one stays valid and is carried over.
 * @example refreshTokenLogin({ refreshToken: process.env.SF_REFRESH_TOKEN!, consumerKey })
 */
export function refreshTokenLogin(params: RefreshTokenLoginParams): LoginFlow {
  required('refreshTokenLogin', params, 'refreshToken', 'consumerKey');
  const loginUrl = loginBase(params.loginUrl);
  remember(params.refreshToken, params.consumerSecret);
  let current = params.refreshToken;
  return flowObject({
    kind: 'refresh_token',
    login: async ctx => {
      const session = await refreshGrant(ctx.previous?.refreshToken ?? current, loginUrl, params.consumerKey, params.consumerSecret, ctx);
      current = session.refreshToken ?? current;
      return session;
    },
  }, `refreshTokenLogin(${loginUrl})`);
}

/** The refresh_token grant, keeping the refresh token when the answer has none. */
export async function refreshGrant(refreshToken: string, loginUrl: string, consumerKey: string, consumerSecret: string | undefined,
  ctx: Parameters<LoginFlow['login']>[0]): Promise<Session> {
  const session = await tokenRequest(ctx, loginUrl, {
    grant_type: 'refresh_token',
    client_id: consumerKey,
    client_secret: consumerSecret,
    refresh_token: refreshToken,
  });
  return { ...session, refreshToken: session.refreshToken ?? refreshToken };
}
