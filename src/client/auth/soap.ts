/** SOAP `login()` on the partner API: username and password, no Connected App needed. */
import { AuthenticationError } from '../errors.js';
import type { LoginFlow, Session } from '../types.js';
import { escapeXml, xmlInner, xmlText } from '../xml.js';
import { flowObject, loginBase, remember, required } from './oauth.js';

export interface SoapLoginParams {
  loginUrl?: string;
  username: string;
  password: string;
  securityToken?: string;
  /** Version of the SOAP endpoint (`/services/Soap/u/{apiVersion}`). Default '62.0'. */
  apiVersion?: string;
}

/**
 * Logs in through the SOAP partner API, as older tools (and orgs without a Connected App) do. An expired session
 * logs in again.
 * @example new SalesforceClient({ login: soapLogin({ username, password, securityToken }) })
 */
export function soapLogin(params: SoapLoginParams): LoginFlow {
  required('soapLogin', params, 'username', 'password');
  const loginUrl = loginBase(params.loginUrl);
  remember(params.password, params.securityToken);
  const version = params.apiVersion ?? '62.0';
  return flowObject({
    kind: 'soap',
    login: async ctx => {
      const res = await ctx.post(`${loginUrl}/services/Soap/u/${version}`, soapLoginEnvelope(params.username, params.password + (params.securityToken ?? '')), {
        'Content-Type': 'text/xml; charset=UTF-8',
        SOAPAction: 'login',
        Accept: 'text/xml',
      });
      return parseSoapLoginResponse(typeof res.data === 'string' ? res.data : '');
    },
  }, `soapLogin(${params.username} at ${loginUrl})`);
}

/** The `login` request envelope, every value escaped. */
export function soapLoginEnvelope(username: string, password: string): string {
  return '<?xml version="1.0" encoding="utf-8"?>' +
    '<env:Envelope xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
    'xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body>' +
    '<n1:login xmlns:n1="urn:partner.soap.sforce.com">' +
    `<n1:username>${escapeXml(username)}</n1:username><n1:password>${escapeXml(password)}</n1:password>` +
    '</n1:login></env:Body></env:Envelope>';
}

/** Reads `loginResponse/result`: sessionId, serverUrl (whose origin is the instance), userId, userInfo/organizationId. */
export function parseSoapLoginResponse(xml: string): Session {
  const result = xmlInner(xml, 'loginResponse');
  if (result === undefined) {
    throw new AuthenticationError(xmlText(xml, 'faultcode')?.replace(/^\w+:/, '') || 'invalid_response',
      xmlText(xml, 'faultstring') || 'The SOAP login answer has no loginResponse');
  }
  const sessionId = xmlText(result, 'sessionId');
  const serverUrl = xmlText(result, 'serverUrl');
  if (!sessionId || !serverUrl) throw new AuthenticationError('invalid_response', 'The SOAP login answer has no sessionId or serverUrl');
  if (xmlText(result, 'passwordExpired') === 'true') {
    throw new AuthenticationError('PASSWORD_EXPIRED', 'The password has expired: the session can only be used to set a new password');
  }
  let instanceUrl: string;
  try { instanceUrl = new URL(serverUrl).origin; } catch { throw new AuthenticationError('invalid_response', 'The SOAP login serverUrl is not a URL'); }
  const session: Session = { accessToken: sessionId, instanceUrl };
  const userId = xmlText(result, 'userId');
  const userInfo = xmlInner(result, 'userInfo');
  const organizationId = userInfo !== undefined ? xmlText(userInfo, 'organizationId') : undefined;
  if (userId) session.userId = userId;
  if (organizationId) session.organizationId = organizationId;
  return session;
}
