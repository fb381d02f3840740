/** OAuth 2.0 client credentials flow (a Connected App's "run as" user). */
import { rememberCredentialPair } from '../../util/redact.js';
import type { LoginFlow } from '../types.js';
import { base64, flowObject, loginBase, required, tokenRequest } from './oauth.js';

export interface ClientCredentialsLoginParams {
  /** The org's My Domain URL: Salesforce refuses this grant on login.salesforce.com. */
  loginUrl: string;
  consumerKey: string;
  consumerSecret: string;
}

/**
 * Logs in as the Connected App's execution user, sending the key and secret as HTTP Basic credentials.
 * @example clientCredentialsLogin({ loginUrl: 'https://acme.my.salesforce.com', consumerKey, consumerSecret })
 */
export function clientCredentialsLogin(params: ClientCredentialsLoginParams): LoginFlow {
  required('clientCredentialsLogin', params, 'loginUrl', 'consumerKey', 'consumerSecret');
  const loginUrl = loginBase(params.loginUrl);
  // the pair travels as HTTP Basic: its base64 form is a secret too
  rememberCredentialPair(params.consumerKey, params.consumerSecret);
  return flowObject({
    kind: 'client_credentials',
    login: ctx => tokenRequest(ctx, loginUrl, { grant_type: 'client_credentials' }, {
      // RFC 6749 §2.3.1: form-urlencode each part before joining
      Authorization: `Basic ${base64(`${encodeURIComponent(params.consumerKey)}:${encodeURIComponent(params.consumerSecret)}`)}`,
    }),
  }, `clientCredentialsLogin(${loginUrl})`);
}
