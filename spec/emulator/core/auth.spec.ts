import { createHash, createHmac, generateKeyPairSync } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { form, raw } from './helpers.js';

describe('emulator authentication', () => {
  let emu: Emulator;
  let privatePem: string;
  const token = (fields: Record<string, string>, headers: Record<string, string> = {}) => {
    const f = form(fields);
    return raw(`${emu.url}/services/oauth2/token`, { method: 'POST', headers: { ...f.headers, ...headers }, body: f.body });
  };
  const pw = () => ({ grant_type: 'password', client_id: emu.credentials.consumerKey,
    client_secret: emu.credentials.consumerSecret, username: emu.credentials.username, password: emu.credentials.password });

  beforeAll(async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    emu = await startEmulator({ port: 0, jwtPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  });
  afterAll(async () => { await emu.stop(); });

  describe('password grant', () => {
    it('returns the token shape with an id URL, instance_url and a verifiable HMAC signature', async () => {
      const res = await token(pw());
      expect(res.status).toBe(200);
      const body = res.json();
      expect(body.access_token).toMatch(/^00D[A-Za-z0-9]{12}!/);
      expect(body.instance_url).toBe(emu.url);
      expect(body.token_type).toBe('Bearer');
      expect(body.refresh_token).toBeUndefined();
      expect(body.id).toBe(`${emu.url}/id/${emu.org.orgId}/${emu.org.users[0].userId}`);
      expect(body.issued_at).toMatch(/^\d{13}$/);
      const expected = createHmac('sha256', emu.credentials.consumerSecret).update(body.id + body.issued_at).digest('base64');
      expect(body.signature).toBe(expected);
    });

    it('accepts the password followed by the security token', async () => {
      const res = await token({ ...pw(), password: emu.credentials.password + emu.credentials.securityToken });
      expect(res.status).toBe(200);
    });

    it('answers a wrong password, client id and secret with the OAuth error objects', async () => {
      expect((await token({ ...pw(), password: 'nope' })).json())
        .toEqual({ error: 'invalid_grant', error_description: 'authentication failure' });
      expect((await token({ ...pw(), client_id: 'other' })).json())
        .toEqual({ error: 'invalid_client_id', error_description: 'client identifier invalid' });
      const bad = await token({ ...pw(), client_secret: 'other' });
      expect(bad.status).toBe(400);
      expect(bad.json().error).toBe('invalid_client');
    });

    it('rejects a body that is not form-encoded as unsupported_grant_type', async () => {
      const res = await raw(`${emu.url}/services/oauth2/token`, { method: 'POST',
        headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(pw()) });
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
    });
  });

  describe('client_credentials grant', () => {
    it('takes the client from HTTP Basic or from the body', async () => {
      const basic = Buffer.from(`${emu.credentials.consumerKey}:${emu.credentials.consumerSecret}`).toString('base64');
      const viaBasic = await token({ grant_type: 'client_credentials' }, { Authorization: `Basic ${basic}` });
      expect(viaBasic.status).toBe(200);
      const viaBody = await token({ grant_type: 'client_credentials', client_id: emu.credentials.consumerKey,
        client_secret: emu.credentials.consumerSecret });
      expect(viaBody.status).toBe(200);
      expect(viaBody.json().access_token).not.toBe(viaBasic.json().access_token);
      const wrong = await token({ grant_type: 'client_credentials', client_id: emu.credentials.consumerKey,
        client_secret: 'x' });
      expect(wrong.json().error).toBe('invalid_client');
    });
  });

  describe('authorization code with PKCE, then refresh_token', () => {
    const verifier = 'x'.repeat(20) + 'verifier-0123456789-abcdefghijkl';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirect = 'http://localhost:4200/callback';

    async function authorize(): Promise<URL> {
      const params = { response_type: 'code', client_id: emu.credentials.consumerKey, redirect_uri: redirect,
        state: 'st-1', code_challenge: challenge, code_challenge_method: 'S256' };
      const page = await raw(`${emu.url}/services/oauth2/authorize?${new URLSearchParams(params)}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('name="password"');
      expect(page.text).toContain(emu.credentials.username);
      const posted = await raw(`${emu.url}/services/oauth2/authorize`, { method: 'POST',
        ...form({ ...params, username: emu.credentials.username, password: emu.credentials.password }) });
      expect(posted.status).toBe(302);
      return new URL(String(posted.headers.location));
    }

    it('redirects with code and state, exchanges the code once, and refreshes', async () => {
      const back = await authorize();
      expect(back.origin + back.pathname).toBe(redirect);
      expect(back.searchParams.get('state')).toBe('st-1');
      const code = back.searchParams.get('code')!;
      const exchange = { grant_type: 'authorization_code', code, client_id: emu.credentials.consumerKey,
        redirect_uri: redirect, code_verifier: verifier };
      const res = await token(exchange);
      expect(res.status).toBe(200);
      const body = res.json();
      expect(body.refresh_token).toEqual(jasmine.any(String));
      expect((await token(exchange)).json().error).toBe('invalid_grant');
      const refreshed = await token({ grant_type: 'refresh_token', refresh_token: body.refresh_token,
        client_id: emu.credentials.consumerKey, client_secret: emu.credentials.consumerSecret });
      expect(refreshed.status).toBe(200);
      expect(refreshed.json().access_token).not.toBe(body.access_token);
      const badRefresh = await token({ grant_type: 'refresh_token', refresh_token: 'nope',
        client_id: emu.credentials.consumerKey });
      expect(badRefresh.json()).toEqual({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
    });

    it('rejects a wrong code verifier', async () => {
      const code = (await authorize()).searchParams.get('code')!;
      const res = await token({ grant_type: 'authorization_code', code, client_id: emu.credentials.consumerKey,
        redirect_uri: redirect, code_verifier: 'wrong-verifier-wrong-verifier-wrong-verifier' });
      expect(res.status).toBe(400);
      expect(res.json().error).toBe('invalid_grant');
    });

    it('shows the login page again on a wrong password', async () => {
      const res = await raw(`${emu.url}/services/oauth2/authorize`, { method: 'POST', ...form({ response_type: 'code',
        client_id: emu.credentials.consumerKey, redirect_uri: redirect, username: emu.credentials.username,
        password: 'bad' }) });
      expect(res.status).toBe(200);
      expect(res.text).toContain('check your username and password');
    });
  });

  describe('JWT bearer grant', () => {
    async function assertion(claims: Record<string, unknown>, pem = privatePem): Promise<string> {
      const key = await importPKCS8(pem, 'RS256');
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(key);
    }
    const good = () => ({ iss: emu.credentials.consumerKey, sub: emu.credentials.username,
      aud: 'https://login.salesforce.com', exp: Math.floor(Date.now() / 1000) + 180 });
    const jwtGrant = async (claims: Record<string, unknown>, pem?: string) =>
      token({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: await assertion(claims, pem) });

    it('issues a token for a valid assertion (any accepted audience)', async () => {
      expect((await jwtGrant(good())).status).toBe(200);
      expect((await jwtGrant({ ...good(), aud: emu.url })).status).toBe(200);
      expect((await jwtGrant({ ...good(), aud: 'https://test.salesforce.com' })).status).toBe(200);
    });

    it('rejects wrong issuer, audience, subject, expiry and signature', async () => {
      expect((await jwtGrant({ ...good(), iss: 'other' })).json().error).toBe('invalid_client_id');
      expect((await jwtGrant({ ...good(), aud: 'https://evil.example' })).json())
        .toEqual({ error: 'invalid_grant', error_description: 'audience is invalid' });
      expect((await jwtGrant({ ...good(), sub: 'nobody@x.y' })).json().error).toBe('invalid_grant');
      expect((await jwtGrant({ ...good(), exp: Math.floor(Date.now() / 1000) - 3600 })).json())
        .toEqual({ error: 'invalid_grant', error_description: 'invalid assertion' });
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
        .export({ type: 'pkcs8', format: 'pem' }).toString();
      expect((await jwtGrant(good(), other)).json())
        .toEqual({ error: 'invalid_grant', error_description: 'invalid assertion' });
    });
  });

  describe('SOAP login', () => {
    const envelope = (u: string, p: string) => '<?xml version="1.0" encoding="utf-8" ?><env:Envelope ' +
      'xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body><n1:login xmlns:n1="urn:partner.soap.sforce.com">' +
      `<n1:username>${u}</n1:username><n1:password>${p}</n1:password></n1:login></env:Body></env:Envelope>`;
    const soap = (body: string) => raw(`${emu.url}/services/Soap/u/62.0`, { method: 'POST', body,
      headers: { 'Content-Type': 'text/xml; charset=UTF-8', SOAPAction: 'login' } });

    it('returns a session usable on REST and the serverUrl of the org', async () => {
      const res = await soap(envelope(emu.credentials.username, emu.credentials.password + emu.credentials.securityToken));
      expect(res.status).toBe(200);
      const sessionId = /<sessionId>([^<]+)<\/sessionId>/.exec(res.text)![1];
      expect(res.text).toContain(`<serverUrl>${emu.url}/services/Soap/u/62.0/${emu.org.orgId.slice(0, 15)}</serverUrl>`);
      expect(res.text).toContain(`<organizationId>${emu.org.orgId}</organizationId>`);
      const limits = await raw(`${emu.url}/services/data/v62.0/limits`, { headers: { Authorization: `Bearer ${sessionId}` } });
      expect(limits.status).toBe(200);
    });

    it('answers bad credentials with an INVALID_LOGIN fault', async () => {
      const res = await soap(envelope(emu.credentials.username, 'wrong'));
      expect(res.status).toBe(500);
      expect(res.text).toContain('<faultcode xmlns:sf="urn:fault.partner.soap.sforce.com">sf:INVALID_LOGIN</faultcode>');
      expect(res.text).toContain('<sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode>');
    });
  });

  it('serves the identity URL and userinfo for a session', async () => {
    const t = token(pw());
    const body = (await t).json();
    const auth = { Authorization: `Bearer ${body.access_token}` };
    const id = await raw(body.id, { headers: auth });
    expect(id.status).toBe(200);
    expect(id.json()).toEqual(jasmine.objectContaining({ user_id: emu.org.users[0].userId,
      organization_id: emu.org.orgId, username: emu.credentials.username }));
    const info = await raw(`${emu.url}/services/oauth2/userinfo`, { headers: auth });
    expect(info.json().preferred_username).toBe(emu.credentials.username);
    expect((await raw(`${emu.url}/services/oauth2/userinfo`)).status).toBe(401);
  });
});

describe('emulator session expiry', () => {
  it('expires a session after N requests with the REST 401 body', async () => {
    const emu = await startEmulator({ port: 0, sessionTtlRequests: 2 });
    try {
      const c = emu.credentials;
      const t = (await raw(`${emu.url}/services/oauth2/token`, { method: 'POST', ...form({ grant_type: 'password',
        client_id: c.consumerKey, client_secret: c.consumerSecret, username: c.username, password: c.password }) }))
        .json().access_token;
      const get = () => raw(`${emu.url}/services/data/v62.0/limits`, { headers: { Authorization: `Bearer ${t}` } });
      expect((await get()).status).toBe(200);
      expect((await get()).status).toBe(200);
      const third = await get();
      expect(third.status).toBe(401);
      expect(third.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
      expect(emu.stats.faults.sessionExpired).toBe(1);
    } finally {
      await emu.stop();
    }
  });

  it('expires a session after seconds without a request, as Salesforce does (emulator clock)', async () => {
    let clock = Date.UTC(2024, 0, 1);
    const emu = await startEmulator({ port: 0, sessionTtlSeconds: 60, now: () => clock });
    try {
      const c = emu.credentials;
      const t = (await raw(`${emu.url}/services/oauth2/token`, { method: 'POST', ...form({ grant_type: 'password',
        client_id: c.consumerKey, client_secret: c.consumerSecret, username: c.username, password: c.password }) }))
        .json().access_token;
      const get = () => raw(`${emu.url}/services/data/v62.0/limits`, { headers: { Authorization: `Bearer ${t}` } });
      expect((await get()).status).toBe(200);
      const soap = await raw(`${emu.url}/services/Soap/u/62.0`, { method: 'POST',
        headers: { 'Content-Type': 'text/xml; charset=UTF-8', SOAPAction: 'login' },
        body: '<?xml version="1.0" encoding="utf-8"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">' +
          `<env:Body><n1:login xmlns:n1="urn:partner.soap.sforce.com"><n1:username>${c.username}</n1:username>` +
          `<n1:password>${c.password}</n1:password></n1:login></env:Body></env:Envelope>` });
      expect(soap.text).toContain('<sessionSecondsValid>60</sessionSecondsValid>');
      // each request keeps the session alive: 150 s after login, but never 60 s idle
      for (let i = 0; i < 3; i++) {
        clock += 50_000;
        expect((await get()).status).withContext(`after ${(i + 1) * 50} s`).toBe(200);
      }
      clock += 61_000;
      const idle = await get();
      expect(idle.status).toBe(401);
      expect(idle.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    } finally {
      await emu.stop();
    }
  });
});
