import { createServer } from 'node:net';
import { mirrorQueueName, orgIdOf } from '../../src/cli/syncWorker.js';
import { rxforce } from './support.js';

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise(r => server.close(r));
  return port;
}

describe('rxforce sync --worker arguments', () => {
  const env = { SF_LOGIN_URL: 'http://127.0.0.1:9', SF_USERNAME: 'u', SF_PASSWORD: 'p', SF_CLIENT_ID: 'k', SF_CLIENT_SECRET: 's' };
  const pg = 'postgres://sync:pw@db.example.com:5432/mirror';

  async function usage(args: string[], message: RegExp): Promise<void> {
    const r = await rxforce(['sync', ...args], env);
    expect(r.code).withContext(r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n').length).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  }

  it('refuses an SQLite mirror: workers on several machines cannot share one file', async () => {
    await usage(['Account', '--to', 'sqlite:m.db', '--redis', 'redis://127.0.0.1:6379', '--worker'],
      /^rxforce: --worker needs --to postgres:\/\/…: workers on several machines cannot share one SQLite file\n$/);
  });

  it('wants --redis and --worker together, and no --once or --emulator', async () => {
    await usage(['Account', '--to', pg, '--worker'], /--worker needs --redis redis:\/\/HOST:PORT/);
    await usage(['Account', '--to', pg, '--redis', 'redis://127.0.0.1:6379'], /--redis goes with --worker/);
    await usage(['Account', '--to', pg, '--concurrency', '4'], /--concurrency goes with --worker/);
    await usage(['Account', '--to', pg, '--redis', 'redis://h:1', '--worker', '--once'], /--once does not go with it/);
    await usage(['Account', '--to', pg, '--redis', 'redis://h:1', '--worker', '--emulator'], /an --emulator would be an org of each worker's own/);
  });

  it('checks each number, and never shows the Redis password', async () => {
    const base = ['Account', '--to', pg, '--worker'];
    await usage([...base, '--redis', 'http://u:s3cret@h:1'], /^rxforce: --redis must be redis:\/\/HOST:PORT \(or rediss:\/\/ for TLS\), got "http:\/\/u:\*\*\*@h:1"\n$/);
    await usage([...base, '--redis', 'redis://h:1', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 100, got "0"/);
    await usage([...base, '--redis', 'redis://h:1', '--max-concurrent', '2.5'], /--max-concurrent must be a whole number/);
    await usage([...base, '--redis', 'redis://h:1', '--lease', '0.5'], /--lease must be a number of seconds from 1 to 3600/);
    await usage([...base, '--redis', 'redis://h:1', '--api-budget', '1.5'], /--api-budget must be a share above 0 and at most 1/);
    await usage([...base, '--redis', 'redis://h:1', '--interval', 'soon'], /--interval must be a number of seconds/);
  });

  it('fails with exit 1 naming the Redis it cannot reach, without its password, before logging in', async () => {
    const port = await closedPort();
    const r = await rxforce(['sync', 'Account', '--to', pg, '--worker', '--redis', `redis://default:s3cret@127.0.0.1:${port}`], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^rxforce: cannot reach Redis at redis://default:\\*\\*\\*@127\\.0\\.0\\.1:${port}: `));
    expect(r.stderr).not.toContain('s3cret');
  });

  it('names one queue per mirror database, whatever the password', () => {
    expect(mirrorQueueName('postgres://a:one@db:5432/mirror')).toBe(mirrorQueueName('postgres://a:two@db/mirror'));
    expect(mirrorQueueName('postgres://a@db/mirror')).not.toBe(mirrorQueueName('postgres://a@db/other'));
    expect(mirrorQueueName('postgres://a@db/mirror')).toMatch(/^sync-[0-9a-f]{12}$/);
  });

  it('reads the org id from the login, else from the session id', () => {
    expect(orgIdOf({ accessToken: 'x', instanceUrl: 'https://i', organizationId: '00D5g000004Xyz1EAA' })).toBe('00D5g000004Xyz1');
    expect(orgIdOf({ accessToken: '00D5g000004Xyz1!AQ0Aabc', instanceUrl: 'https://i' })).toBe('00D5g000004Xyz1');
    expect(() => orgIdOf({ accessToken: 'opaque', instanceUrl: 'https://i' })).toThrowError(/did not say which org/);
  });
});
