/**
 * The login page's refusals and the CORS answers a browser app depends on: a bad authorize request stops on an
 * error page and never redirects (the redirect is what an attacker would want), and API errors stay readable
 * cross-origin so the app can show them.
 */
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { form, raw } from './helpers.js';

const APP = 'http://127.0.0.1:5173';

describe('emulator authorize endpoint and CORS for browser apps', () => {
  let emu: Emulator;
  beforeAll(async () => { emu = await startEmulator({ port: 0, corsOrigins: [APP] }); });
  afterAll(async () => { await emu.stop(); });

  const params = (over: Record<string, string> = {}) => ({ response_type: 'code', client_id: emu.credentials.consumerKey,
    redirect_uri: `${APP}/callback`, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', ...over });
  const authorize = (over: Record<string, string> = {}) => raw(`${emu.url}/services/oauth2/authorize?${new URLSearchParams(params(over))}`);

  it('keeps every parameter of the authorize request in the login form, escaped', async () => {
    const res = await authorize({ state: '"><script>alert(1)</script>' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('name="state" value="&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;"');
    expect(res.text).toContain('name="code_challenge_method" value="S256"');
  });

  for (const [what, over, error] of [
    ['an unknown client id', { client_id: 'someone-else' }, 'invalid_client_id'],
    ['a redirect URI that is not http(s)', { redirect_uri: 'javascript:alert(1)' }, 'redirect_uri_mismatch'],
    ['a redirect URI the connected app does not list', { redirect_uri: 'https://attacker.example/steal' }, 'redirect_uri_mismatch'],
    ['a response type other than code', { response_type: 'token' }, 'unsupported_response_type'],
    ['an unknown PKCE method', { code_challenge_method: 'S512' }, 'invalid_request'],
  ] as const) {
    it(`answers ${what} with an error page, not a redirect, even with valid credentials`, async () => {
      const page = await authorize(over);
      expect(page.status).toBe(400);
      expect(page.text).toContain(error);
      expect(page.text).not.toContain('name="password"');
      const posted = await raw(`${emu.url}/services/oauth2/authorize`, { method: 'POST',
        ...form({ ...params(over), username: emu.credentials.username, password: emu.credentials.password }) });
      expect(posted.status).toBe(400);
      expect(posted.headers.location).toBeUndefined();
    });
  }

  it('lets the allowed origin read API errors and token answers, and no other origin', async () => {
    const denied = await raw(`${emu.url}/services/data/v62.0/sobjects/Account`, { headers: { Origin: APP } });
    expect(denied.status).toBe(401);
    expect(denied.headers['access-control-allow-origin']).toBe(APP);
    expect(denied.json()[0].errorCode).toBe('INVALID_SESSION_ID');

    const preflight = await raw(`${emu.url}/services/oauth2/token`, { method: 'OPTIONS',
      headers: { Origin: APP, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    expect(preflight.status).toBe(204);
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');

    const other = await raw(`${emu.url}/services/oauth2/token`, { method: 'OPTIONS',
      headers: { Origin: 'http://127.0.0.1:9999', 'Access-Control-Request-Method': 'POST' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.headers['access-control-allow-methods']).toBeUndefined();
  });

  describe('with the connected app\'s callback URLs configured', () => {
    let app: Awaited<ReturnType<typeof startEmulator>>;
    beforeAll(async () => { app = await startEmulator({ port: 0, callbackUrls: ['https://app.example.com/oauth/callback'] }); });
    afterAll(async () => { await app.stop(); });

    const login = (redirect: string) => raw(`${app.url}/services/oauth2/authorize`, { method: 'POST', ...form({
      response_type: 'code', client_id: app.credentials.consumerKey, redirect_uri: redirect, state: 's',
      username: app.credentials.username, password: app.credentials.password }) });

    it('redirects only to a listed URL, compared whole', async () => {
      const listed = await login('https://app.example.com/oauth/callback');
      expect(listed.status).toBe(302);
      expect(new URL(listed.headers.location as string).origin).toBe('https://app.example.com');
      for (const other of ['https://app.example.com/oauth/callback/x', 'https://app.example.com.attacker.example/oauth/callback',
        'http://localhost:4200/callback']) {
        const refused = await login(other);
        expect(refused.status).withContext(other).toBe(400);
        expect(refused.headers.location).toBeUndefined();
        expect(refused.text).toContain('redirect_uri_mismatch');
      }
    });
  });
});
