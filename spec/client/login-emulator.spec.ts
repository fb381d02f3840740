import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { lastValueFrom, merge, toArray } from 'rxjs';
import { SalesforceClient } from '../../src/client/client.js';
import { inspect } from 'node:util';
import { AuthenticationError, ResourceNotFoundError } from '../../src/client/errors.js';
import {
  authorizationCodeLogin, clientCredentialsLogin, createPkcePair, jwtBearerLogin, lazyLogin, passwordLogin, refreshTokenLogin,
  soapLogin, tokenLogin,
} from '../../src/client/auth/index.js';
import type { LoginFlow, Session } from '../../src/client/types.js';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';

describe('logging in to the local emulator', () => {
  let emulator: Emulator;
  let privatePem: string;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    privatePem = await exportPKCS8(privateKey);
    emulator = await startEmulator({ jwtPublicKey: await exportSPKI(publicKey) });
  });
  afterAll(async () => { await emulator.stop(); });
  afterEach(() => emulator.faults.set({ sessionTtlRequests: 0 }));

  const creds = () => emulator.credentials;

  async function useFlow(flow: LoginFlow): Promise<Session> {
    const client = new SalesforceClient({ login: flow });
    const session = await client.session();
    expect(session.instanceUrl).toBe(emulator.url);
    const limits = await client.limits();
    expect(limits.DailyApiRequests?.Max).toBeGreaterThan(0);
    // Sforce-Limit-Info on every answer: the client's usage follows the org's counter
    expect(client.apiUsage).toEqual({ used: limits.DailyApiRequests!.Max - limits.DailyApiRequests!.Remaining, max: limits.DailyApiRequests!.Max });
    expect(await client.apiVersion()).toMatch(/^\d+\.0$/);
    return session;
  }

  it('password flow (with and without the security token)', async () => {
    const { username, password, securityToken, consumerKey, consumerSecret } = creds();
    await useFlow(passwordLogin({ loginUrl: emulator.url, username, password, securityToken, consumerKey, consumerSecret }));
    await useFlow(passwordLogin({ loginUrl: emulator.url, username, password, consumerKey, consumerSecret }));
  });

  it('password flow with a wrong password is an AuthenticationError', async () => {
    const { username, consumerKey, consumerSecret } = creds();
    const client = new SalesforceClient({ login: passwordLogin({ loginUrl: emulator.url, username, password: 'wrong-one', consumerKey, consumerSecret }) });
    const err = await client.session().catch(e => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.error).toBe('invalid_grant');
  });

  it('client credentials flow', async () => {
    const { consumerKey, consumerSecret } = creds();
    await useFlow(clientCredentialsLogin({ loginUrl: emulator.url, consumerKey, consumerSecret }));
  });

  it('JWT bearer flow', async () => {
    const { username, consumerKey } = creds();
    await useFlow(jwtBearerLogin({ loginUrl: emulator.url, username, consumerKey, privateKey: privatePem }));
  });

  it('SOAP login', async () => {
    const { username, password, securityToken } = creds();
    const session = await useFlow(soapLogin({ loginUrl: emulator.url, username, password, securityToken }));
    expect(session.organizationId).toMatch(/^00D/);
    expect(session.userId).toMatch(/^005/);
  });

  it('authorization code with PKCE, then the refresh token flow', async () => {
    const { username, password, consumerKey, consumerSecret } = creds();
    const { codeVerifier, codeChallenge } = await createPkcePair();
    const redirectUri = 'http://localhost:1717/callback';
    // what the user's browser does on the login page
    const res = await fetch(`${emulator.url}/services/oauth2/authorize`, {
      method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ response_type: 'code', client_id: consumerKey, redirect_uri: redirectUri, state: 's1',
        code_challenge: codeChallenge, code_challenge_method: 'S256', scope: 'api refresh_token', username, password }),
    });
    const location = new URL(res.headers.get('location') ?? 'http://invalid/');
    expect(location.searchParams.get('state')).toBe('s1');
    const code = location.searchParams.get('code')!;
    const session = await useFlow(authorizationCodeLogin({ loginUrl: emulator.url, code, codeVerifier, redirectUri, consumerKey, consumerSecret }));
    expect(session.refreshToken).toBeTruthy();
    await useFlow(refreshTokenLogin({ loginUrl: emulator.url, refreshToken: session.refreshToken!, consumerKey, consumerSecret }));
  });

  it('static token, and lazyLogin picking each flow from the parameters given', async () => {
    const { username, password, securityToken, consumerKey, consumerSecret } = creds();
    const loginUrl = emulator.url;
    const first = await useFlow(passwordLogin({ loginUrl, username, password, consumerKey, consumerSecret }));
    await useFlow(tokenLogin({ instanceUrl: first.instanceUrl, accessToken: first.accessToken }));
    const flows: Array<[string, LoginFlow]> = [
      ['token', lazyLogin({ instanceUrl: first.instanceUrl, accessToken: first.accessToken })],
      ['password', lazyLogin({ loginUrl, username, password, securityToken, consumerKey, consumerSecret })],
      ['soap', lazyLogin({ loginUrl, username, password, securityToken })],
      ['client_credentials', lazyLogin({ loginUrl, consumerKey, consumerSecret })],
      ['jwt_bearer', lazyLogin({ loginUrl, username, consumerKey, privateKey: privatePem })],
    ];
    for (const [kind, flow] of flows) {
      expect(flow.kind).toBe(kind);
      const seen: Session[] = [];
      const client = new SalesforceClient({ login: flow, onTokenRefresh: s => seen.push(s) });
      expect((await client.limits()).DailyApiRequests?.Max).withContext(kind).toBeGreaterThan(0);
      expect(seen.length).withContext(`${kind}: onTokenRefresh on first login`).toBe(1);
    }
  });

  it('an API error names the method and the instance-relative url, and carries no token anywhere', async () => {
    const { username, password, consumerKey, consumerSecret } = creds();
    const client = new SalesforceClient({ login: passwordLogin({ loginUrl: emulator.url, username, password, consumerKey, consumerSecret }) });
    const { accessToken } = await client.session();
    const err = await client.request({ method: 'DELETE', path: 'sobjects/Account/001000000000000AAA' }).catch(e => e);
    expect(err).toBeInstanceOf(ResourceNotFoundError);
    expect([err.method, err.url, err.status]).toEqual(['DELETE', `/services/data/v${await client.apiVersion()}/sobjects/Account/001000000000000AAA`, 404]);
    expect(String(err)).toContain(`(DELETE ${err.url} → 404)`);
    for (const text of [String(err), err.stack, JSON.stringify(err), inspect(err, { depth: 10 })]) {
      expect(text).not.toContain(accessToken);
      expect(text).not.toContain(accessToken.split('!')[1]);
    }
  });

  it('refreshes once when the session dies under 20 concurrent requests', async () => {
    const { username, password, consumerKey, consumerSecret } = creds();
    const sessions: Session[] = [];
    const client = new SalesforceClient({ login: passwordLogin({ loginUrl: emulator.url, username, password, consumerKey, consumerSecret }),
      onTokenRefresh: s => sessions.push(s), maxConcurrent: 25 });
    // a session dies after 21 API requests: spend them one by one, then fire 20 at once with the dying token
    emulator.faults.set({ sessionTtlRequests: 21 });
    for (let i = 0; i < 21; i++) await client.limits();
    expect(sessions.length).toBe(1);
    const all = await lastValueFrom(merge(...Array.from({ length: 20 }, () => client.request$({ method: 'GET', path: 'limits' }))).pipe(toArray()));
    expect(all.length).toBe(20);
    expect(all.every(r => r.status === 200)).toBeTrue();
    expect(sessions.length).toBe(2); // the first login and exactly one refresh
    expect(sessions[1]!.accessToken).not.toBe(sessions[0]!.accessToken);
  });
});
