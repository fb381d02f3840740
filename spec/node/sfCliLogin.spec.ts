import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { passwordLogin } from '../../src/client/auth/index.js';
import { SalesforceClient } from '../../src/client/client.js';
import { AuthenticationError } from '../../src/client/errors.js';
import { startEmulator } from '../../src/emulator/index.js';
import { sfCliLogin } from '../../src/node/sfCliLogin.js';

describe('sfCliLogin', () => {
  let dir: string;
  let path: string | undefined;

  /** Puts a fake `sf` on PATH that prints `output` and records its arguments. */
  function fakeSf(output: object, exitCode = 0): void {
    const script = `#!/usr/bin/env node
require('fs').writeFileSync(${JSON.stringify(join(dir, 'args.json'))}, JSON.stringify(process.argv.slice(2)));
process.stdout.write(${JSON.stringify(JSON.stringify(output))});
process.exit(${exitCode});
`;
    writeFileSync(join(dir, 'sf'), script);
    chmodSync(join(dir, 'sf'), 0o755);
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rxforce-sf-'));
    path = process.env.PATH;
    process.env.PATH = `${dir}${delimiter}${path}`;
  });
  afterEach(() => {
    process.env.PATH = path;
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs `sf org display --json --target-org X` and uses its token', async () => {
    fakeSf({ status: 0, result: { id: '00D5e000000ABCDEA2', accessToken: '00D5e000000ABCD!AQ0AQcli', instanceUrl: 'https://acme.my.salesforce.com',
      username: 'ann@acme.com', alias: 'acme', connectedStatus: 'Connected' } });
    const session = await sfCliLogin({ targetOrg: 'acme' }).login({ post: () => Promise.reject(new Error('unused')) });
    expect(session).toEqual({ accessToken: '00D5e000000ABCD!AQ0AQcli', instanceUrl: 'https://acme.my.salesforce.com', organizationId: '00D5e000000ABCDEA2' });
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8'))).toEqual(['org', 'display', '--json', '--target-org', 'acme']);
  });

  it('logs in to the emulator with the session the CLI holds for it', async () => {
    const emulator = await startEmulator();
    try {
      const { username, password, consumerKey, consumerSecret } = emulator.credentials;
      const cliSession = await new SalesforceClient({ login: passwordLogin({ loginUrl: emulator.url, username, password, consumerKey, consumerSecret }) }).session();
      fakeSf({ status: 0, result: { id: emulator.org.orgId, accessToken: cliSession.accessToken, instanceUrl: emulator.url,
        username, alias: 'local', connectedStatus: 'Connected' } });
      const client = new SalesforceClient({ login: sfCliLogin({ targetOrg: 'local' }) });
      expect((await client.limits()).DailyApiRequests?.Max).toBeGreaterThan(0);
      expect((await client.session()).accessToken).toBe(cliSession.accessToken);
    } finally {
      await emulator.stop();
    }
  });

  it("turns the CLI's error into an AuthenticationError", async () => {
    fakeSf({ status: 1, name: 'NoAuthInfoFound', message: 'No authorization information found for nope.' }, 1);
    const err = await sfCliLogin({ targetOrg: 'nope' }).login({ post: () => Promise.reject(new Error('unused')) }).catch(e => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.error).toBe('NoAuthInfoFound');
    expect(err.errorDescription).toBe('No authorization information found for nope.');
  });

  it('says when sf is not installed', async () => {
    const err = await sfCliLogin({ command: join(dir, 'missing-sf') }).login({ post: () => Promise.reject(new Error('unused')) }).catch(e => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toMatch(/not found on PATH/);
  });
});
