/** OAuth 2.0 JWT bearer flow (server-to-server, no password). */
import { AuthenticationError } from '../errors.js';
import type { LoginFlow } from '../types.js';
import { flowObject, loginBase, required, tokenRequest } from './oauth.js';
import { type PrivateKeyInput, signRs256 } from './pem.js';

export interface JwtBearerLoginParams {
  loginUrl?: string;
  /** `aud` claim; defaults to the login URL (login.salesforce.com, test.salesforce.com, or a My Domain). */
  audience?: string;
  username: string;
  consumerKey: string;
  /** PEM (PKCS#8 or PKCS#1), a Node KeyObject or a CryptoKey; it never appears in errors. */
  privateKey: PrivateKeyInput;
  /** Clock for `exp` (epoch ms); tests pin it. */
  now?: () => number;
}

/** Salesforce accepts an assertion whose `exp` is at most a few minutes ahead. */
const ASSERTION_LIFETIME_S = 180;

/**
 * Logs in as `username` with an RS256 assertion signed by the Connected App's certificate key. Each refresh signs
 * a new assertion.
 * @example jwtBearerLogin({ username, consumerKey, privateKey: await readFile('server.key', 'utf8') })
 */
export function jwtBearerLogin(params: JwtBearerLoginParams): LoginFlow {
  required('jwtBearerLogin', params, 'username', 'consumerKey', 'privateKey');
  const loginUrl = loginBase(params.loginUrl);
  const audience = params.audience ?? loginUrl;
  const now = params.now ?? Date.now;
  return flowObject({
    kind: 'jwt_bearer',
    login: async ctx => {
      let assertion: string;
      try {
        assertion = await signRs256({
          iss: params.consumerKey, sub: params.username, aud: audience, exp: Math.floor(now() / 1000) + ASSERTION_LIFETIME_S,
        }, params.privateKey);
      } catch (e) {
        // the original error may quote key material; only its class is kept
        throw new AuthenticationError('invalid_private_key',
          `The private key could not be used to sign the JWT (expected an RSA key as PKCS#8 or PKCS#1 PEM, a KeyObject or a CryptoKey; ${(e as Error)?.name ?? 'error'})`);
      }
      return tokenRequest(ctx, loginUrl, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
    },
  }, `jwtBearerLogin(${params.username} at ${loginUrl})`);
}
