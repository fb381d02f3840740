/**
 * The org every emulator spec talks to: a fresh emulator on 127.0.0.1 and a client (or a jsforce connection) logged in
 * to it with the OAuth username-password flow, set up once here so a spec shows only what it checks.
 */
import jsforce from 'jsforce';
import { passwordLogin } from '../../src/client/auth/index.js';
import { SalesforceClient } from '../../src/client/client.js';
import type { LoginFlow, SalesforceClientOptions } from '../../src/client/types.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';

export interface OrgOptions extends EmulatorOptions {
  /** The client's options besides its login (`retry: false` to see each failure as it comes). */
  client?: Omit<SalesforceClientOptions, 'login'>;
}

/** A fresh org (seed 7 unless told; it has Account.External_Id__c, so upserts have a key) and a logged-in client. */
export async function startOrg(options: OrgOptions = {}): Promise<{ emulator: Emulator; client: SalesforceClient }> {
  const { client: clientOptions, ...emulatorOptions } = options;
  const emulator = await startEmulator({ port: 0, seed: 7, ...emulatorOptions });
  const client = new SalesforceClient({ ...clientOptions, login: loginTo(emulator) });
  return { emulator, client };
}

/**
 * A fresh org for the enclosing `describe`: started before its specs (before each spec with `each: true`) and stopped
 * after them, `use` hearing of each one as it starts, so a suite declares its variables and nothing else.
 *
 * @example
 * let emu: Emulator;
 * let client: SalesforceClient;
 * withOrg({ client: { retry: false } }, org => ({ emulator: emu, client } = org));
 */
export function withOrg(options: OrgOptions & { each?: boolean },
  use: (org: { emulator: Emulator; client: SalesforceClient }) => void): void {
  const { each, ...orgOptions } = options;
  let running: Emulator | undefined;
  (each ? beforeEach : beforeAll)(async () => {
    const org = await startOrg(orgOptions);
    running = org.emulator;
    use(org);
  });
  (each ? afterEach : afterAll)(async () => {
    await running?.stop();
    running = undefined;
  });
}

/** The username-password flow with the emulator's default user, for a client built with options of its own. */
export function loginTo(emulator: Emulator): LoginFlow {
  const { username, password, securityToken, consumerKey, consumerSecret } = emulator.credentials;
  return passwordLogin({ loginUrl: emulator.url, username, password, securityToken, consumerKey, consumerSecret });
}

/** jsforce 3 logged in to the emulator with the OAuth password flow, on API v62.0. */
export async function jsforceConnection(emulator: Emulator): Promise<jsforce.Connection> {
  const { username, password, consumerKey, consumerSecret } = emulator.credentials;
  const conn = new jsforce.Connection({ loginUrl: emulator.url, version: '62.0',
    oauth2: { loginUrl: emulator.url, clientId: consumerKey, clientSecret: consumerSecret } });
  await conn.login(username, password);
  return conn;
}
