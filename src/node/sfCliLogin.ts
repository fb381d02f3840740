/** Login with an org the Salesforce CLI already knows (`sf org login web` done once by the developer). */
import { execFile } from 'node:child_process';
import { AuthenticationError } from '../client/errors.js';
import { redact } from '../util/redact.js';
import { assertSecureUrl } from '../client/secureUrl.js';
import type { LoginFlow, Session } from '../client/types.js';

export interface SfCliLoginParams {
  /** Alias or username of the org (`--target-org`); the CLI's default org when omitted. */
  targetOrg?: string;
  /** The CLI executable. Default `sf`, found on PATH. */
  command?: string;
  /** Give up on the CLI after this long. Default 60 s (it may refresh the token first). */
  timeoutMs?: number;
}

/**
 * Runs `sf org display --json --target-org X` and uses the access token it prints. The CLI refreshes the token
 * itself, so an expired session is renewed by running it again.
 * @example new SalesforceClient({ login: sfCliLogin({ targetOrg: 'my-scratch' }) })
 */
export function sfCliLogin(params: SfCliLoginParams = {}): LoginFlow {
  const command = params.command ?? 'sf';
  const args = ['org', 'display', '--json', ...(params.targetOrg ? ['--target-org', params.targetOrg] : [])];
  const flow = {
    kind: 'sf_cli',
    login: () => new Promise<Session>((resolve, reject) => {
      // no shell: the org alias is passed as one argument, never interpreted
      execFile(command, args, { timeout: params.timeoutMs ?? 60_000, maxBuffer: 4 * 1024 * 1024, windowsHide: true },
        (err, stdout) => {
          try {
            resolve(parseOrgDisplay(String(stdout ?? ''), err));
          } catch (e) {
            reject(e);
          }
        });
    }),
  };
  Object.defineProperty(flow, 'toString', { value: () => `sfCliLogin(${params.targetOrg ?? 'default org'})`, enumerable: false });
  return flow;
}

/** Reads `{status, result: {accessToken, instanceUrl, id, username}}` or the CLI's `{status: 1, name, message}`. */
export function parseOrgDisplay(stdout: string, err?: (Error & { code?: unknown }) | null): Session {
  let json: { status?: number; result?: Record<string, unknown>; name?: string; message?: string } | undefined;
  try { json = JSON.parse(stdout.slice(Math.max(0, stdout.indexOf('{')))); } catch { json = undefined; }
  if (!json) {
    const why = err?.code === 'ENOENT' ? 'the sf command was not found on PATH (install @salesforce/cli)' : `sf printed no JSON${err ? ` (${err.message})` : ''}`;
    throw new AuthenticationError('sf_cli_failed', redact(why));
  }
  if (json.status !== 0 || !json.result) {
    throw new AuthenticationError(json.name ?? 'sf_cli_failed', redact(json.message ?? 'sf org display failed'));
  }
  const { accessToken, instanceUrl, id } = json.result;
  if (typeof accessToken !== 'string' || typeof instanceUrl !== 'string') {
    throw new AuthenticationError('sf_cli_failed', 'sf org display returned no accessToken/instanceUrl (is the org connected?)');
  }
  const session: Session = { accessToken, instanceUrl: assertSecureUrl(instanceUrl) };
  if (typeof id === 'string' && /^00D/.test(id)) session.organizationId = id;
  return session;
}
