import { execFile } from 'node:child_process';
import { inspect } from 'node:util';
import { passwordLogin, tokenLogin } from '../../src/client/auth/index.js';
import { SalesforceClient } from '../../src/client/client.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { loginTo } from '../support/org.js';

const PASSWORD = 'Hunter2-very-secret-pw';
const SECRET = 'consumer-secret-7f3a9c1e5b';

/** Every way an error reaches a user or a log. */
function surfaces(e: unknown): string {
  const err = e as Error;
  return [String(e), err?.message, err?.stack, JSON.stringify(e), inspect(e, { depth: 6 })].join('\n');
}

describe('secrets', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, seed: 3 });
  });
  afterAll(async () => {
    await emu.stop();
  });

  it('a failed password login names neither the password nor the client secret', async () => {
    const { username, consumerKey } = emu.credentials;
    const client = new SalesforceClient({
      login: passwordLogin({ loginUrl: emu.url, username, password: PASSWORD, consumerKey, consumerSecret: SECRET }), retry: false,
    });
    const e = await client.request({ method: 'GET', path: 'limits' }).then(() => undefined, (err: unknown) => err);
    expect(e).toBeDefined();
    const text = surfaces(e);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(SECRET);
  });

  it('an API error after login never carries the access token', async () => {
    const client = new SalesforceClient({ login: loginTo(emu), retry: false });
    const token = (await client.session()).accessToken;
    const e = await client.request({ method: 'GET', path: 'sobjects/NoSuchThing__c/describe' }).then(() => undefined, (err: unknown) => err);
    expect(e).toBeDefined();
    const text = surfaces(e);
    expect(text).not.toContain(token);
    expect(text).not.toContain(emu.credentials.password);
  });

  it('refuses a plain-http instance URL unless it is loopback', () => {
    expect(() => tokenLogin({ instanceUrl: 'http://example.com', accessToken: 'x' })).toThrowError(/https/);
    expect(() => new SalesforceClient({ login: { accessToken: 'x', instanceUrl: 'http://example.com' } })).toThrowError(/https/);
    expect(() => tokenLogin({ instanceUrl: 'http://127.0.0.1:8080', accessToken: 'x' })).not.toThrow();
  });

  it('the emulator binds 127.0.0.1 by default', () => {
    expect(new URL(emu.url).hostname).toBe('127.0.0.1');
  });

  it('a failing CLI command with SF_PASSWORD set never prints it', async () => {
    // asynchronous: the emulator answering the CLI lives in this process
    const run = await new Promise<{ code: number | null; out: string }>(resolve => {
      execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'limits'], {
        encoding: 'utf8', timeout: 30_000,
        env: { ...process.env, SF_LOGIN_URL: emu.url, SF_USERNAME: emu.credentials.username, SF_PASSWORD: PASSWORD,
          SF_CLIENT_ID: emu.credentials.consumerKey, SF_CLIENT_SECRET: SECRET },
      }, (error, stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, out: stdout + stderr }));
    });
    expect(run.code).not.toBe(0);
    expect(run.out).toMatch(/login failed/);
    expect(run.out).not.toContain(PASSWORD);
    expect(run.out).not.toContain(SECRET);
  });
});
