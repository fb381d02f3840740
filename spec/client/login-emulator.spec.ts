import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { lastValueFrom, merge, toArray } from 'rxjs';
import { SalesforceClient } from '../../src/client/client.js';
import { AuthenticationError } from '../../src/client/errors.js';
import {
  authorizationCodeLogin, clientCredentialsLogin, createPkcePair, jwtBearerLogin, passwordLogin, refreshTokenLogin, soapLogin,
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
