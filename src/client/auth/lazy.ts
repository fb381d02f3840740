/** Picks a login flow from whichever parameters are present (environment, config files, CLI flags). */
import { AuthenticationError } from '../errors.js';
import type { LoginFlow } from '../types.js';
import { authorizationCodeLogin } from './authorizationCode.js';
import { clientCredentialsLogin } from './clientCredentials.js';
import { jwtBearerLogin } from './jwtBearer.js';
import { passwordLogin } from './password.js';
import type { PrivateKeyInput } from './pem.js';
import { refreshTokenLogin } from './refreshToken.js';
import { soapLogin } from './soap.js';
import { tokenLogin } from './token.js';

export interface LazyLoginParams {
  loginUrl?: string;
  instanceUrl?: string;
  accessToken?: string;
  refreshToken?: string;
  username?: string;
  password?: string;
  securityToken?: string;
  consumerKey?: string;
  consumerSecret?: string;
  privateKey?: PrivateKeyInput;
  audience?: string;
  code?: string;
  codeVerifier?: string;
  redirectUri?: string;
  apiVersion?: string;
}

/**
 * The flow the parameters call for, checked in this order: access token → refresh token → private key (JWT) →
 * authorization code → username+password with a consumer key (OAuth) → username+password alone (SOAP) → consumer
 * key+secret (client credentials).
 * @example lazyLogin({ username: env.SF_USERNAME, password: env.SF_PASSWORD, consumerKey: env.SF_CLIENT_ID, consumerSecret: env.SF_CLIENT_SECRET })
 */
export function lazyLogin(p: LazyLoginParams): LoginFlow {
  const has = (v: unknown) => v !== undefined && v !== null && v !== '';
  if (has(p.accessToken)) {
    if (!has(p.instanceUrl)) throw new AuthenticationError('invalid_request', 'An accessToken needs its instanceUrl');
    return tokenLogin({ instanceUrl: p.instanceUrl!, accessToken: p.accessToken! });
  }
  if (has(p.refreshToken) && has(p.consumerKey)) {
    return refreshTokenLogin({ loginUrl: p.loginUrl, refreshToken: p.refreshToken!, consumerKey: p.consumerKey!, consumerSecret: p.consumerSecret });
  }
  if (has(p.privateKey) && has(p.username) && has(p.consumerKey)) {
    return jwtBearerLogin({ loginUrl: p.loginUrl, audience: p.audience, username: p.username!, consumerKey: p.consumerKey!, privateKey: p.privateKey! });
  }
  if (has(p.code) && has(p.redirectUri) && has(p.consumerKey)) {
    return authorizationCodeLogin({ loginUrl: p.loginUrl, code: p.code!, codeVerifier: p.codeVerifier, redirectUri: p.redirectUri!,
      consumerKey: p.consumerKey!, consumerSecret: p.consumerSecret });
  }
  if (has(p.username) && has(p.password)) {
    if (has(p.consumerKey)) {
      return passwordLogin({ loginUrl: p.loginUrl, username: p.username!, password: p.password!, securityToken: p.securityToken,
        consumerKey: p.consumerKey!, consumerSecret: p.consumerSecret ?? '' });
    }
    return soapLogin({ loginUrl: p.loginUrl, username: p.username!, password: p.password!, securityToken: p.securityToken, apiVersion: p.apiVersion });
  }
  if (has(p.consumerKey) && has(p.consumerSecret) && has(p.loginUrl)) {
    return clientCredentialsLogin({ loginUrl: p.loginUrl!, consumerKey: p.consumerKey!, consumerSecret: p.consumerSecret! });
  }
  const given = Object.entries(p).filter(([, v]) => has(v)).map(([k]) => k);
  throw new AuthenticationError('invalid_request',
    `No login flow fits the parameters given (${given.join(', ') || 'none'}): pass accessToken+instanceUrl, refreshToken+consumerKey, ` +
    'username+consumerKey+privateKey, code+redirectUri+consumerKey, username+password (+consumerKey), or consumerKey+consumerSecret+loginUrl');
}
