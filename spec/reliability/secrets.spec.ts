/**
 * Secrets never reach what a user sees. Every secret here is made fresh for the run (random bytes behind a marker),
 * so no checkout path, user name, host name or stack frame can hold one by chance: a hit is a leak.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { passwordLogin, tokenLogin } from '../../src/client/auth/index.js';
import { SalesforceClient } from '../../src/client/client.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';

/** A value that cannot occur anywhere by chance. */
const secret = (label: string) => `${label}-${randomBytes(18).toString('base64url')}`;

const USER = { username: 'secret.keeper@example.com', password: secret('pw'), securityToken: secret('tok') };
const CONSUMER_SECRET = secret('cs');
const WRONG_PASSWORD = secret('wrongpw');
const WRONG_SECRET = secret('wrongcs');

/** Every way an error reaches a user or a log: its text, message, stack, JSON and util.inspect. */
function surfaces(e: unknown): Record<string, string> {
  const err = e as Error;
  return { string: String(e), message: String(err?.message), stack: String(err?.stack), json: JSON.stringify(e) ?? '',
    inspect: inspect(e, { depth: 8 }) };
}

function expectNone(texts: Record<string, string>, secrets: string[]): void {
  for (const [where, text] of Object.entries(texts)) {
    for (const s of secrets) expect(text.includes(s)).withContext(`${where} holds ${s.split('-')[0]}`).toBeFalse();
  }
}

/** The CLI in a child process (the emulator answering it lives in this process, so this must not block). */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise(resolve => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      encoding: 'utf8', timeout: 110_000, env: { ...process.env, ...env },
    }, (error, stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, out: stdout + stderr }));
  });
}

describe('secrets', () => {
  let emu: Emulator;
  const login = () => passwordLogin({ loginUrl: emu.url, username: USER.username, password: USER.password,
    securityToken: USER.securityToken, consumerKey: emu.credentials.consumerKey, consumerSecret: CONSUMER_SECRET });

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, seed: 3, users: [USER], consumerSecret: CONSUMER_SECRET });
  });
  afterAll(async () => {
    await emu.stop();
  });

  it('the secrets are the emulator\'s real credentials (a login with them works)', async () => {
    const client = new SalesforceClient({ login: login(), retry: false });
    expect((await client.session()).accessToken.length).toBeGreaterThan(20);
  });

  it('a failed password login names neither the password nor the client secret', async () => {
    const client = new SalesforceClient({
      login: passwordLogin({ loginUrl: emu.url, username: USER.username, password: WRONG_PASSWORD,
        consumerKey: emu.credentials.consumerKey, consumerSecret: WRONG_SECRET }), retry: false,
    });
    const e = await client.request({ method: 'GET', path: 'limits' }).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(Error);
    expectNone(surfaces(e), [WRONG_PASSWORD, WRONG_SECRET]);
  });

  it('an API error after login never carries the access token, the password, the security token or the client secret', async () => {
    const client = new SalesforceClient({ login: login(), retry: false });
    const token = (await client.session()).accessToken;
    const e = await client.request({ method: 'GET', path: 'sobjects/NoSuchThing__c/describe' }).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(Error);
    expect(String(e)).toContain('NoSuchThing__c');
    expectNone(surfaces(e), [token, USER.password, USER.securityToken, CONSUMER_SECRET]);
  });

  it('refuses a plain-http instance URL unless it is loopback', () => {
    expect(() => tokenLogin({ instanceUrl: 'http://example.com', accessToken: 'x' })).toThrowError(/https/);
    expect(() => new SalesforceClient({ login: { accessToken: 'x', instanceUrl: 'http://example.com' } })).toThrowError(/https/);
    expect(() => tokenLogin({ instanceUrl: 'http://127.0.0.1:8080', accessToken: 'x' })).not.toThrow();
  });

  it('the emulator binds 127.0.0.1 by default', () => {
    expect(new URL(emu.url).hostname).toBe('127.0.0.1');
  });

  it('a failed CLI login never prints the password or the client secret it was given', async () => {
    const run = await cli(['limits'], { SF_LOGIN_URL: emu.url, SF_USERNAME: USER.username, SF_PASSWORD: WRONG_PASSWORD,
      SF_CLIENT_ID: emu.credentials.consumerKey, SF_CLIENT_SECRET: WRONG_SECRET });
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/login failed/);
    expectNone({ cli: run.out }, [WRONG_PASSWORD, WRONG_SECRET]);
  }, 120_000); // a child process: room for a busy machine

  it('a CLI command that logs in and then fails prints none of the credentials', async () => {
    const run = await cli(['describe', 'NoSuchThing__c'], { SF_LOGIN_URL: emu.url, SF_USERNAME: USER.username,
      SF_PASSWORD: USER.password, SF_SECURITY_TOKEN: USER.securityToken, SF_CLIENT_ID: emu.credentials.consumerKey,
      SF_CLIENT_SECRET: CONSUMER_SECRET });
    expect(run.code).not.toBe(0);
    expect(run.out).toContain('NoSuchThing__c');
    expectNone({ cli: run.out }, [USER.password, USER.securityToken, CONSUMER_SECRET]);
    // the access token the CLI got is unknown here: no token shape (orgId!…) is printed either
    expect(run.out).not.toMatch(/00D\w{12,15}!/);
  }, 120_000);
});
