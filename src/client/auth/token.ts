/** A ready access token: no login call, and no way to refresh when it expires. */
import { assertSecureUrl } from '../secureUrl.js';
import { remember } from './oauth.js';
import type { LoginFlow, Session } from '../types.js';

export interface TokenLoginParams {
  instanceUrl: string;
  accessToken: string;
}

/**
 * Uses an access token obtained elsewhere (an sf CLI org, a Connected App callback). When it expires, requests fail
 * with `ExpiredSessionError`.
 * @example new SalesforceClient({ login: tokenLogin({ instanceUrl, accessToken }) })
 */
export function tokenLogin(params: TokenLoginParams): LoginFlow {
  const instanceUrl = assertSecureUrl(params.instanceUrl);
  if (!params.accessToken) throw new TypeError('tokenLogin needs an accessToken');
  remember(params.accessToken);
  const session: Session = { accessToken: params.accessToken, instanceUrl };
  return {
    kind: 'token',
    canRefresh: false,
    login: async () => ({ ...session }),
    toString: () => `tokenLogin(${instanceUrl})`,
  } as LoginFlow;
}
