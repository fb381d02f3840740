import { inspect } from 'node:util';
import nock from 'nock';
import { SalesforceClient } from '../../src/client/client.js';
import { passwordLogin, refreshTokenLogin, tokenLogin } from '../../src/client/auth/index.js';
import { redact } from '../../src/util/redact.js';
import { useNock } from '../support/useNock.js';

const instance = 'https://acme.my.salesforce.com';
// shaped like real Salesforce secrets
const ACCESS_TOKEN = '00D5e000000ABCD!AQ0AQEFSvH8G2u6Cv3bC.yyFqkD9gRsjF3J1uRZ7c4bM3AkXq_L2pWz9';
const REFRESH_TOKEN = '5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJo7Xr34yOQ7GCFUN5DnNPxzDIoGoWi4evqOl_U';
const PASSWORD = 'Tr0ub4dor&3-horse';
const SECURITY_TOKEN = 'aBcDeFgHiJkLmNoP12345';
const CONSUMER_SECRET = 'E1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9B0C1D2E3F4A5B6C7D8E9F0A1B2';

function expectClean(err: unknown, ...secrets: string[]): void {
  const e = err as Error;
  const texts = [String(e), e.message, JSON.stringify(e), e.stack ?? '', inspect(e, { depth: 10 })];
  for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('secrets never appear in errors', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => { nock.cleanAll(); nock.enableNetConnect(); });

  it('a 401 whose body and url echo the token', async () => {
    nock(instance).get(/\/services\/data\/v62\.0\/x.*/).reply(401,
      [{ message: `Session expired or invalid: ${ACCESS_TOKEN}`, errorCode: 'INVALID_SESSION_ID' }], { 'Set-Cookie': `sid=${ACCESS_TOKEN}` });
    const client = new SalesforceClient({ login: tokenLogin({ instanceUrl: instance, accessToken: ACCESS_TOKEN }), apiVersion: '62.0' });
    const err = await client.request({ method: 'GET', path: 'x', params: { access_token: ACCESS_TOKEN } }).catch(e => e);
    expect(err.status).toBe(401);
    expectClean(err, ACCESS_TOKEN, ACCESS_TOKEN.split('!')[1]!);
  });

  it('a failed password login that echoes the request', async () => {
    nock('https://login.salesforce.com').post('/services/oauth2/token').reply(400, (_uri, body) => ({
      error: 'invalid_grant', error_description: `authentication failure for ${String(body)}`,
    }));
    const client = new SalesforceClient({ apiVersion: '62.0', login: passwordLogin({ username: 'ann@acme.com', password: PASSWORD,
      securityToken: SECURITY_TOKEN, consumerKey: '3MVG9key', consumerSecret: CONSUMER_SECRET }) });
    const err = await client.session().catch(e => e);
    expect(err.error).toBe('invalid_grant');
    expectClean(err, PASSWORD, SECURITY_TOKEN, CONSUMER_SECRET, encodeURIComponent(PASSWORD));
  });

  it('a failed refresh and a network error after it', async () => {
    nock('https://login.salesforce.com').post('/services/oauth2/token').reply(400, { error: 'invalid_grant', error_description: `expired access/refresh token ${REFRESH_TOKEN}` });
    const client = new SalesforceClient({ apiVersion: '62.0', login: refreshTokenLogin({ refreshToken: REFRESH_TOKEN, consumerKey: 'k' }) });
    expectClean(await client.session().catch(e => e), REFRESH_TOKEN);

    nock(instance).get('/services/data/v62.0/y').replyWithError(Object.assign(new Error(`socket hang up Bearer ${ACCESS_TOKEN}`), { code: 'ECONNRESET' }));
    const c2 = new SalesforceClient({ login: tokenLogin({ instanceUrl: instance, accessToken: ACCESS_TOKEN }), apiVersion: '62.0', retry: false });
    const err = await c2.request({ method: 'GET', path: 'y' }).catch(e => e);
    expect(err.code).toBe('ECONNRESET');
    expectClean(err, ACCESS_TOKEN);
  });

  it('redact() strips token shapes even when they were never registered', () => {
    const other = '00D000000000AAA!AQcAQunregisteredTokenValue.x_y';
    expect(redact(`Authorization: Bearer ${other}`)).not.toContain('unregistered');
    expect(redact(`https://x/?access_token=abc123&q=1`)).toBe('https://x/?access_token=[REDACTED]&q=1');
    expect(redact('<sessionId>abc</sessionId>')).toBe('<sessionId>[REDACTED]</sessionId>');
    expect(redact('{"refresh_token":"zzz"}')).toBe('{"refresh_token":"[REDACTED]"}');
  });
});
