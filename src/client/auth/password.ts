/** OAuth 2.0 username-password flow. */
import type { LoginFlow } from '../types.js';
import { flowObject, loginBase, remember, required, tokenRequest } from './oauth.js';

export interface PasswordLoginParams {
  loginUrl?: string;
  username: string;
  password: string;
  /** Appended to the password, as Salesforce expects when the caller's IP is not trusted. */
  securityToken?: string;
  consumerKey: string;
  consumerSecret: string;
}

/**
 * Logs in with a username and password through a Connected App. Salesforce issues no refresh token for this grant,
 * so an expired session is replaced by logging in again.
 * @example new SalesforceClient({ login: passwordLogin({ username, password, securityToken, consumerKey, consumerSecret }) })
 */
export function passwordLogin(params: PasswordLoginParams): LoginFlow {
  required('passwordLogin', params, 'username', 'password', 'consumerKey');
  const loginUrl = loginBase(params.loginUrl);
  // the password is sent with the security token appended: that joined value is what an echo would show
  remember(params.password, params.securityToken, params.consumerSecret, params.password + (params.securityToken ?? ''));
  return flowObject({
    kind: 'password',
    login: ctx => tokenRequest(ctx, loginUrl, {
      grant_type: 'password',
      client_id: params.consumerKey,
      client_secret: params.consumerSecret,
      username: params.username,
      password: params.password + (params.securityToken ?? ''),
    }),
  }, `passwordLogin(${params.username} at ${loginUrl})`);
}
