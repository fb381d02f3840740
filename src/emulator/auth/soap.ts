/** SOAP partner `login` (`POST /services/Soap/u/{ver}`): the envelope jsforce and the sf CLI send, and its fault. */
import type { IncomingMessage } from 'node:http';
import type { Core } from '../core.js';
import { checkPassword } from '../org.js';
import type { Reply } from '../reply.js';

const XML = 'text/xml;charset=UTF-8';
const ENVELOPE_OPEN = '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope ' +
  'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>';
/** Seconds a SOAP session claims to be valid (the org's default timeout of 2 hours). */
/** Salesforce's default session timeout (2 hours), reported when the emulator's sessions never time out. */
const SESSION_SECONDS = 7200;

const unescapeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&apos;/g, "'").replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(+n)).replace(/&amp;/g, '&');
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Text of the first element with this local name, whatever its prefix. */
function element(xml: string, name: string): string | undefined {
  const m = new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w-]+:)?${name}>`).exec(xml);
  return m ? unescapeXml(m[1]) : undefined;
}

function fault(reply: Reply, code: string, message: string): void {
  reply.text(500, `${ENVELOPE_OPEN}<soapenv:Fault><faultcode xmlns:sf="urn:fault.partner.soap.sforce.com">sf:${code}` +
    `</faultcode><faultstring>${code}: ${escapeXml(message)}</faultstring><detail><sf:LoginFault ` +
    `xmlns:sf="urn:fault.partner.soap.sforce.com" xsi:type="sf:LoginFault"><sf:exceptionCode>${code}</sf:exceptionCode>` +
    `<sf:exceptionMessage>${escapeXml(message)}</sf:exceptionMessage></sf:LoginFault></detail></soapenv:Fault>` +
    ENVELOPE_CLOSE, XML);
}

export function handleSoapLogin(core: Core, req: IncomingMessage, body: Buffer, reply: Reply, version: string): void {
  const xml = body.toString('utf8');
  if (req.method !== 'POST' || !/<(?:[\w-]+:)?login[\s>]/.test(xml)) {
    fault(reply, 'INVALID_OPERATION', 'Only the login operation is supported by this endpoint');
    return;
  }
  const user = checkPassword(core.org, element(xml, 'username') ?? '', element(xml, 'password') ?? '');
  if (!user) {
    fault(reply, 'INVALID_LOGIN', 'Invalid username, password, security token; or user locked out.');
    return;
  }
  core.faults.stats.logins++;
  const base = core.baseUrl(req);
  const org15 = core.org.orgId.slice(0, 15);
  const sessionId = core.sessions.issue(user);
  reply.text(200, `${ENVELOPE_OPEN}<loginResponse><result>` +
    `<metadataServerUrl>${base}/services/Soap/m/${version}/${org15}</metadataServerUrl>` +
    '<passwordExpired>false</passwordExpired><sandbox>false</sandbox>' +
    `<serverUrl>${base}/services/Soap/u/${version}/${org15}</serverUrl>` +
    `<sessionId>${sessionId}</sessionId><userId>${user.userId}</userId><userInfo>` +
    '<accessibilityMode>false</accessibilityMode><chatterExternal>false</chatterExternal>' +
    '<currencySymbol>$</currencySymbol><orgAttachmentFileSizeLimit>5242880</orgAttachmentFileSizeLimit>' +
    '<orgDefaultCurrencyIsoCode>USD</orgDefaultCurrencyIsoCode><orgDefaultCurrencyLocale>en_US</orgDefaultCurrencyLocale>' +
    '<orgDisallowHtmlAttachments>false</orgDisallowHtmlAttachments><orgHasPersonAccounts>false</orgHasPersonAccounts>' +
    `<organizationId>${core.org.orgId}</organizationId><organizationMultiCurrency>false</organizationMultiCurrency>` +
    `<organizationName>${escapeXml(core.org.orgName)}</organizationName><profileId>00e000000000000AAA</profileId>` +
    `<roleId xsi:nil="true"/><sessionSecondsValid>${core.faults.get().sessionTtlSeconds || SESSION_SECONDS}</sessionSecondsValid>` +
    `<userDefaultCurrencyIsoCode xsi:nil="true"/><userEmail>${escapeXml(user.email)}</userEmail>` +
    `<userFullName>${escapeXml(`${user.firstName} ${user.lastName}`)}</userFullName><userId>${user.userId}</userId>` +
    `<userLanguage>en_US</userLanguage><userLocale>en_US</userLocale><userName>${escapeXml(user.username)}</userName>` +
    '<userTimeZone>America/Los_Angeles</userTimeZone><userType>Standard</userType><userUiSkin>Theme3</userUiSkin>' +
    `</userInfo></result></loginResponse>${ENVELOPE_CLOSE}`, XML);
}
