/** Which org a command talks to: flags, then environment, then the sf CLI, or an embedded emulator. */
import { lazyLogin } from '../client/auth/index.js';
import { SalesforceClient } from '../client/client.js';
import type { LoginFlow } from '../client/types.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';
import { sfCliLogin } from '../node/sfCliLogin.js';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';

/** Connection flags every command takes. */
export interface TargetFlags {
  loginUrl?: string;
  username?: string;
  password?: string;
  securityToken?: string;
  clientId?: string;
  clientSecret?: string;
  instanceUrl?: string;
  accessToken?: string;
  targetOrg?: string;
  emulator?: boolean;
  apiVersion?: string;
}

/** A client and what must be stopped when the command ends. */
export interface Target {
  client: SalesforceClient;
  emulator?: Emulator;
  close(): Promise<void>;
}

/** Environment variables, as the Salesforce tooling names them. */
export function flagsFromEnv(env: CliIo['env']): TargetFlags {
  return {
    loginUrl: env.SF_LOGIN_URL, username: env.SF_USERNAME, password: env.SF_PASSWORD,
    securityToken: env.SF_SECURITY_TOKEN, clientId: env.SF_CLIENT_ID, clientSecret: env.SF_CLIENT_SECRET,
    instanceUrl: env.SF_INSTANCE_URL, accessToken: env.SF_ACCESS_TOKEN, apiVersion: env.SF_API_VERSION,
  };
}

/** Flags win over the environment, one by one. */
export function mergeFlags(flags: TargetFlags, env: CliIo['env']): TargetFlags {
  const fromEnv = flagsFromEnv(env);
  const out: TargetFlags = { ...fromEnv };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** The login flow the flags call for; a usage error when they name none. */
export function loginFor(f: TargetFlags): LoginFlow {
  for (const [flag, url] of [['--login-url', f.loginUrl], ['--instance-url', f.instanceUrl]] as const) {
    if (url && !URL.canParse(url)) throw new CliError(`${flag} ${JSON.stringify(url)} is not a URL (e.g. https://login.salesforce.com)`);
  }
  if (f.targetOrg) return sfCliLogin({ targetOrg: f.targetOrg });
  const given = [f.accessToken, f.username, f.password, f.clientId, f.clientSecret].some(v => v);
  if (!given) {
    throw new CliError('no org to talk to: pass --emulator, --target-org ALIAS, or set SF_USERNAME, SF_PASSWORD, '
      + 'SF_CLIENT_ID and SF_CLIENT_SECRET (or SF_INSTANCE_URL and SF_ACCESS_TOKEN)');
  }
  if (f.username && !f.password && !f.accessToken) throw new CliError('--username needs --password (or SF_PASSWORD)');
  return lazyLogin({
    loginUrl: f.loginUrl, username: f.username, password: f.password, securityToken: f.securityToken,
    consumerKey: f.clientId, consumerSecret: f.clientSecret, instanceUrl: f.instanceUrl, accessToken: f.accessToken,
    apiVersion: f.apiVersion,
  });
}

/** A client of an emulator, logging in as its admin user on first use. */
export function emulatorClient(emulator: Pick<Emulator, 'url' | 'credentials'>, apiVersion?: string): SalesforceClient {
  const c = emulator.credentials;
  return new SalesforceClient({
    login: lazyLogin({ loginUrl: emulator.url, username: c.username, password: c.password, consumerKey: c.consumerKey,
      consumerSecret: c.consumerSecret }),
    apiVersion,
  });
}

/** Opens the target. With `--emulator`, starts one in process and logs in as its admin. */
export async function openTarget(flags: TargetFlags, io: CliIo, emulatorOptions: EmulatorOptions = {}): Promise<Target> {
  const f = mergeFlags(flags, io.env);
  if (f.emulator) {
    const emulator = await startEmulator({ port: 0, seed: 42, ...emulatorOptions });
    return { client: emulatorClient(emulator, f.apiVersion), emulator, close: () => emulator.stop() };
  }
  const client = new SalesforceClient({ login: loginFor(f), apiVersion: f.apiVersion });
  return { client, close: async () => undefined };
}
