import { createPrivateKey } from 'node:crypto';
import { decodeProtectedHeader, exportPKCS8, generateKeyPair, jwtVerify } from 'jose';
import nock from 'nock';
import { SalesforceClient } from '../../src/client/client.js';
import { AuthenticationError } from '../../src/client/errors.js';
import {
  authorizationCodeLogin, authorizeUrl, clientCredentialsLogin, createPkcePair, jwtBearerLogin, lazyLogin, parseSoapLoginResponse,
  passwordLogin, pkceChallenge, refreshTokenLogin, soapLogin, soapLoginEnvelope,
} from '../../src/client/auth/index.js';
import type { LoginContext, LoginFlow } from '../../src/client/types.js';
import { axiosTransport } from '../../src/client/transport.js';
import { firstValueFrom } from 'rxjs';
import { useNock } from '../support/useNock.js';

const login = 'https://login.salesforce.com';
const instance = 'https://acme.my.salesforce.com';
const tokenBody = {
  access_token: '00Dx0000000BV7z!AR8AQP0jITN80ESEsj5EbaZTFG0RNBaT1cyWk7TrqoDjoNIWQ2ME_sTZzBjfmOE6zMHq6y8PIW4eWze9JksNEkWUl.Cju7m4',
  instance_url: instance, id: 'https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P', token_type: 'Bearer',
  issued_at: '1278448832702', signature: '0CmxinZir53Yex7nE0TD+zMpvIWYGb/bdJh6XfOH6EQ=', scope: 'web api',
};

interface Captured { body: string; headers: Record<string, string | string[] | undefined> }

/** Expects one POST to the token endpoint, answers `reply`, and records what was sent. */
function tokenEndpoint(reply: object = tokenBody, status = 200, base = login): Captured {
  const captured: Captured = { body: '', headers: {} };
  nock(base).post('/services/oauth2/token').reply(function (_uri, body) {
    captured.body = typeof body === 'string' ? body : JSON.stringify(body);
    captured.headers = this.req.headers;
    return [status, reply];
  });
  return captured;
}

const form = (c: Captured) => Object.fromEntries(new URLSearchParams(c.body));
const loginWith = (flow: LoginFlow) => new SalesforceClient({ login: flow, apiVersion: '62.0' }).session();

describe('login flows', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => { nock.cleanAll(); nock.enableNetConnect(); });

  it('password: form-encoded grant with the security token appended to the password', async () => {
    const sent = tokenEndpoint();
    const session = await loginWith(passwordLogin({ username: 'ann@acme.com', password: 'p&ss=word', securityToken: 'XyZtoken123',
      consumerKey: '3MVG9key', consumerSecret: 'sec-ret-1234' }));
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(form(sent)).toEqual({ grant_type: 'password', client_id: '3MVG9key', client_secret: 'sec-ret-1234',
      username: 'ann@acme.com', password: 'p&ss=wordXyZtoken123' });
    expect(session).toEqual({ accessToken: tokenBody.access_token, instanceUrl: instance, id: tokenBody.id,
      organizationId: '00Dx0000000BV7z', userId: '005x00000012Q9P', issuedAt: 1278448832702 });
  });

  it('password: an OAuth error becomes an AuthenticationError', async () => {
    tokenEndpoint({ error: 'invalid_grant', error_description: 'authentication failure' }, 400);
    const err = await loginWith(passwordLogin({ username: 'a', password: 'wrong-password', consumerKey: 'k', consumerSecret: 's' })).catch(e => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.error).toBe('invalid_grant');
    expect(err.errorDescription).toBe('authentication failure');
  });

  it('client credentials: key and secret as HTTP Basic on the My Domain host', async () => {
    const myDomain = 'https://acme.my.salesforce.com';
    const sent = tokenEndpoint(tokenBody, 200, myDomain);
    await loginWith(clientCredentialsLogin({ loginUrl: myDomain, consumerKey: '3MVG9key', consumerSecret: 'sec:ret' }));
    expect(form(sent)).toEqual({ grant_type: 'client_credentials' });
    expect(sent.headers.authorization).toBe(`Basic ${Buffer.from('3MVG9key:sec%3Aret').toString('base64')}`);
  });

  it('JWT bearer: an RS256 assertion with iss, sub, aud and exp three minutes ahead', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const pem = await exportPKCS8(privateKey);
    const now = Date.UTC(2025, 0, 1);
    for (const key of [pem, privateKey]) {
      const sent = tokenEndpoint();
      await loginWith(jwtBearerLogin({ username: 'ann@acme.com', consumerKey: '3MVG9key', privateKey: key, now: () => now }));
      const fields = form(sent);
      expect(fields.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
      expect(decodeProtectedHeader(fields.assertion!).alg).toBe('RS256');
      const { payload } = await jwtVerify(fields.assertion!, publicKey, { currentDate: new Date(now) });
      expect(payload).toEqual({ iss: '3MVG9key', sub: 'ann@acme.com', aud: login, exp: now / 1000 + 180 });
    }
  });

  it('JWT bearer: reads a PKCS#1 key (openssl genrsa) and takes the audience for sandboxes', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const pkcs1 = createPrivateKey(await exportPKCS8(privateKey)).export({ type: 'pkcs1', format: 'pem' }) as string;
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    const sent = tokenEndpoint(tokenBody, 200, 'https://test.salesforce.com');
    await loginWith(jwtBearerLogin({ loginUrl: 'https://test.salesforce.com', username: 'u', consumerKey: 'k', privateKey: pkcs1 }));
    const { payload } = await jwtVerify(form(sent).assertion!, publicKey);
    expect(payload.aud).toBe('https://test.salesforce.com');
  });

  it('JWT bearer: a bad key fails without quoting it', async () => {
    const bad = '-----BEGIN PRIVATE KEY-----\nMIIBroken0123456789secretmaterial\n-----END PRIVATE KEY-----';
    const err = await loginWith(jwtBearerLogin({ username: 'u', consumerKey: 'k', privateKey: bad })).catch(e => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.error).toBe('invalid_private_key');
    for (const text of [String(err), err.stack, JSON.stringify(err)]) expect(text).not.toContain('secretmaterial');
  });

  it('refresh token: sends the grant and keeps the refresh token for the next refresh', async () => {
    const sent = tokenEndpoint();
    const session = await loginWith(refreshTokenLogin({ refreshToken: '5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJo7Xr34yOQ7GCFUN5Dn', consumerKey: 'k', consumerSecret: 's' }));
    expect(form(sent)).toEqual({ grant_type: 'refresh_token', client_id: 'k', client_secret: 's',
      refresh_token: '5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJo7Xr34yOQ7GCFUN5Dn' });
    expect(session.refreshToken).toBe('5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJo7Xr34yOQ7GCFUN5Dn');
  });

  it('authorization code: exchanges the code with the PKCE verifier, then refreshes with the refresh token', async () => {
    const first = tokenEndpoint({ ...tokenBody, refresh_token: '5Aep861refreshFromCode0000000' });
    const flow = authorizationCodeLogin({ code: 'aPrxcode==', codeVerifier: 'verifier-1234567890', redirectUri: 'http://localhost:1717/cb', consumerKey: 'k' });
    const session = await flow.login({ post: postVia(), previous: undefined });
    expect(form(first)).toEqual({ grant_type: 'authorization_code', code: 'aPrxcode==', client_id: 'k',
      redirect_uri: 'http://localhost:1717/cb', code_verifier: 'verifier-1234567890' });
    const second = tokenEndpoint();
    await flow.login({ post: postVia(), previous: session });
    expect(form(second)).toEqual({ grant_type: 'refresh_token', client_id: 'k', refresh_token: '5Aep861refreshFromCode0000000' });
  });

  it('PKCE: S256 challenge as in RFC 7636, fresh verifiers, and the authorize URL', async () => {
    expect(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const a = await createPkcePair();
    const b = await createPkcePair();
    expect(a.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.codeVerifier).not.toBe(b.codeVerifier);
    expect(a.codeChallenge).toBe(await pkceChallenge(a.codeVerifier));
    const url = new URL(authorizeUrl({ consumerKey: '3MVG9key', redirectUri: 'https://app.example.com/cb', codeChallenge: a.codeChallenge, state: 'xyz', scope: 'api refresh_token' }));
    expect(url.origin + url.pathname).toBe('https://login.salesforce.com/services/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({ response_type: 'code', client_id: '3MVG9key', redirect_uri: 'https://app.example.com/cb',
      code_challenge: a.codeChallenge, code_challenge_method: 'S256', scope: 'api refresh_token', state: 'xyz' });
  });

  it('SOAP: posts an escaped login envelope and reads the session', async () => {
    let sent: Captured = { body: '', headers: {} };
    nock(login).post('/services/Soap/u/62.0').reply(function (_uri, body) {
      sent = { body: body as string, headers: this.req.headers };
      return [200, SOAP_OK, { 'Content-Type': 'text/xml;charset=UTF-8' }];
    });
    const session = await loginWith(soapLogin({ username: 'ann@acme.com', password: 'a<b&c', securityToken: 'TOKEN123' }));
    expect(sent.headers['soapaction']).toBe('login');
    expect(sent.headers['content-type']).toBe('text/xml; charset=UTF-8');
    expect(sent.body).toContain('<n1:login xmlns:n1="urn:partner.soap.sforce.com"><n1:username>ann@acme.com</n1:username><n1:password>a&lt;b&amp;cTOKEN123</n1:password></n1:login>');
    expect(session).toEqual({ accessToken: '00D5e000000ABCD!AQ0AQH0nsoapSessionIdValue', instanceUrl: 'https://acme.my.salesforce.com',
      userId: '0055e000001AbCdAAK', organizationId: '00D5e000000ABCDEA2' });
  });

  it('SOAP: an INVALID_LOGIN fault is an AuthenticationError', async () => {
    nock(login).post('/services/Soap/u/62.0').reply(500, SOAP_FAULT, { 'Content-Type': 'text/xml;charset=UTF-8' });
    const err = await loginWith(soapLogin({ username: 'ann@acme.com', password: 'nope-nope' })).catch(e => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.error).toBe('INVALID_LOGIN');
  });

  it('SOAP helpers: the envelope escapes every value, the parser ignores namespace prefixes', () => {
    expect(soapLoginEnvelope('"o\'r"', 'x')).toContain('<n1:username>&quot;o&apos;r&quot;</n1:username>');
    const s = parseSoapLoginResponse(SOAP_OK.replace(/<(\/?)(\w+)/g, '<$1ns9:$2'));
    expect(s.accessToken).toBe('00D5e000000ABCD!AQ0AQH0nsoapSessionIdValue');
  });

  it('rejects plain-http login URLs on public hosts', () => {
    expect(() => passwordLogin({ loginUrl: 'http://login.salesforce.com', username: 'u', password: 'p', consumerKey: 'k', consumerSecret: 's' }))
      .toThrowError(TypeError, /must use https/);
  });

  it('lazyLogin picks the flow from the parameters present', () => {
    expect(lazyLogin({ instanceUrl: instance, accessToken: 't' }).kind).toBe('token');
    expect(lazyLogin({ refreshToken: 'r', consumerKey: 'k' }).kind).toBe('refresh_token');
    expect(lazyLogin({ username: 'u', consumerKey: 'k', privateKey: 'pem' }).kind).toBe('jwt_bearer');
    expect(lazyLogin({ code: 'c', redirectUri: 'https://a/cb', consumerKey: 'k' }).kind).toBe('authorization_code');
    expect(lazyLogin({ username: 'u', password: 'p', consumerKey: 'k', consumerSecret: 's' }).kind).toBe('password');
    expect(lazyLogin({ username: 'u', password: 'p' }).kind).toBe('soap');
    expect(lazyLogin({ loginUrl: instance, consumerKey: 'k', consumerSecret: 's' }).kind).toBe('client_credentials');
    expect(() => lazyLogin({ username: 'u' })).toThrowError(AuthenticationError, /No login flow fits the parameters given \(username\)/);
  });
});

/** A LoginContext.post over the axios transport, as the client builds it. */
function postVia(): LoginContext['post'] {
  const transport = axiosTransport();
  return async (url, body, headers) => {
    const r = await firstValueFrom(transport({ method: 'POST', url, headers, data: body, responseType: 'json' }));
    return { status: r.status, data: r.data, headers: r.headers };
  };
}

const SOAP_OK = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result><metadataServerUrl>https://acme.my.salesforce.com/services/Soap/m/62.0/00D5e000000ABCD</metadataServerUrl><passwordExpired>false</passwordExpired><sandbox>false</sandbox><serverUrl>https://acme.my.salesforce.com/services/Soap/u/62.0/00D5e000000ABCD</serverUrl><sessionId>00D5e000000ABCD!AQ0AQH0nsoapSessionIdValue</sessionId><userId>0055e000001AbCdAAK</userId><userInfo><accessibilityMode>false</accessibilityMode><currencySymbol>$</currencySymbol><organizationId>00D5e000000ABCDEA2</organizationId><organizationName>Acme &amp; Co</organizationName><sessionSecondsValid>7200</sessionSecondsValid><userEmail>ann@acme.com</userEmail><userFullName>Ann Smith</userFullName><userId>0055e000001AbCdAAK</userId><userName>ann@acme.com</userName><userTimeZone>America/Los_Angeles</userTimeZone></userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>`;

const SOAP_FAULT = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.</faultstring><detail><sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode><sf:exceptionMessage>Invalid username, password, security token; or user locked out.</sf:exceptionMessage></sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
