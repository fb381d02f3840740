import { passwordLogin } from '../../src/client/auth/index.js';
import { SalesforceClient } from '../../src/client/client.js';
import { AuthenticationError, NetworkError, SalesforceApiError } from '../../src/client/errors.js';
import { runEmulatorCli } from '../../src/emulator/main.js';
import { DEFAULT_CONSUMER_KEY, DEFAULT_CONSUMER_SECRET, DEFAULT_USER } from '../../src/emulator/org.js';
import { bulkInsert } from '../../src/sources/bulk/bulkInsert.js';
import { form, raw, type Res } from '../emulator/core/helpers.js';
import { Account } from './support.js';

/** `rxforce emulator` started with flags, as `npx rxforce emulator --fail-rate 1` would, and stopped after the spec. */
async function emulatorWith(...argv: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const abort = new AbortController();
  let listening!: (url: string) => void;
  const ready = new Promise<string>(r => { listening = r; });
  const done = runEmulatorCli(['--port', '0', ...argv], { log: line => {
    const m = /listening on (\S+)$/.exec(line);
    if (m) listening(m[1]);
  }, signal: abort.signal });
  const url = await Promise.race([ready, done.then(() => { throw new Error('emulator stopped early'); })]);
  return { url, stop: async () => { abort.abort(); await done; } };
}

async function token(url: string): Promise<string> {
  const res = await raw(`${url}/services/oauth2/token`, { method: 'POST', ...form({ grant_type: 'password',
    client_id: DEFAULT_CONSUMER_KEY, client_secret: DEFAULT_CONSUMER_SECRET, username: DEFAULT_USER.username,
    password: DEFAULT_USER.password }) });
  expect(res.status).withContext(res.text).toBe(200);
  return res.json().access_token as string;
}

function api(url: string, bearer: string, method = 'GET', path = '/limits', body?: unknown): Promise<Res> {
  const headers: Record<string, string> = { Authorization: `Bearer ${bearer}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return raw(`${url}/services/data/v62.0${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

function clientFor(url: string): SalesforceClient {
  return new SalesforceClient({ retry: false, login: passwordLogin({ loginUrl: url, username: DEFAULT_USER.username,
    password: DEFAULT_USER.password, consumerKey: DEFAULT_CONSUMER_KEY, consumerSecret: DEFAULT_CONSUMER_SECRET }) });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

/** Every fault flag of `rxforce emulator` changes what a client sees. */
describe('rxforce emulator fault flags', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });
  async function start(...argv: string[]): Promise<string> {
    const emu = await emulatorWith(...argv);
    stop = emu.stop;
    return emu.url;
  }

  it('--latency delays every request', async () => {
    const url = await start('--latency', '60');
    const bearer = await token(url);
    expect(await timed(() => api(url, bearer))).toBeGreaterThanOrEqual(55);
  });

  it('--jitter spreads the delays', async () => {
    const url = await start('--jitter', '120', '--seed', '5');
    const bearer = await token(url);
    const times: number[] = [];
    for (let i = 0; i < 8; i++) times.push(await timed(() => api(url, bearer)));
    expect(Math.max(...times) - Math.min(...times)).withContext(times.map(Math.round).join(' ')).toBeGreaterThan(20);
  });

  it('--fail-rate answers transient HTML error pages', async () => {
    const url = await start('--fail-rate', '1');
    const e = await clientFor(url).request({ method: 'GET', path: 'limits' }).then(() => undefined, (err: unknown) => err);
    // every page fails, the login first: its waiters hear of it as an AuthenticationError carrying the page
    expect(e).toBeInstanceOf(AuthenticationError);
    const cause = (e as AuthenticationError).cause;
    expect(cause).toBeInstanceOf(SalesforceApiError);
    expect([420, 500, 502, 503]).toContain((cause as SalesforceApiError).status);
  });

  it('--reset-rate drops connections', async () => {
    const url = await start('--reset-rate', '1');
    const e = await clientFor(url).request({ method: 'GET', url: `${url}/services/data/`, anonymous: true })
      .then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(NetworkError);
  });

  it('--lock-rate fails saves with UNABLE_TO_LOCK_ROW', async () => {
    const url = await start('--lock-rate', '1');
    const res = await api(url, await token(url), 'POST', '/sobjects/Account', { Name: 'locked' });
    expect(res.status).toBe(400);
    expect(res.json()[0].errorCode).toBe('UNABLE_TO_LOCK_ROW');
  });

  it('--session-ttl-requests ends a session after N API requests', async () => {
    const url = await start('--session-ttl-requests', '2');
    const bearer = await token(url);
    expect((await api(url, bearer)).status).toBe(200);
    expect((await api(url, bearer)).status).toBe(200);
    const third = await api(url, bearer);
    expect(third.status).toBe(401);
    expect(third.json()[0].errorCode).toBe('INVALID_SESSION_ID');
  });

  it('--session-ttl-seconds ends an idle session', async () => {
    const url = await start('--session-ttl-seconds', '0.2');
    const bearer = await token(url);
    expect((await api(url, bearer)).status).toBe(200);
    await new Promise(r => setTimeout(r, 300));
    expect((await api(url, bearer)).status).toBe(401);
  });

  it('--daily-api-limit refuses requests past the allowance with REQUEST_LIMIT_EXCEEDED', async () => {
    const url = await start('--daily-api-limit', '2');
    const bearer = await token(url);
    await api(url, bearer);
    expect((await api(url, bearer)).headers['sforce-limit-info']).toBe('api-usage=2/2');
    const refused = await api(url, bearer);
    expect(refused.status).toBe(403);
    expect(refused.json()).toEqual([{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }]);
  });

  it('--max-concurrent refuses requests over the limit while others are in flight', async () => {
    const url = await start('--max-concurrent', '1', '--latency', '80');
    const bearer = await token(url);
    const answers = await Promise.all([api(url, bearer), api(url, bearer), api(url, bearer)]);
    expect(answers.map(a => a.status).sort()).toEqual([200, 403, 403]);
    expect(answers.find(a => a.status === 403)!.json()[0].message).toMatch(/ConcurrentRequests/);
  });

  it('--bulk-rate slows bulk processing', async () => {
    const url = await start('--bulk-rate', '100');
    const rows = Array.from({ length: 50 }, (_, i) => ({ Name: `slow ${i}` }));
    const client = clientFor(url);
    let done = 0;
    // 50 records at 100 a second take half a second; the default pace would finish them at the first poll
    const ms = await timed(async () => { done = (await bulkInsert(Account, rows, { client, polling: { initialMs: 20, maxMs: 40 } })).successful.length; });
    expect(done).toBe(50);
    expect(ms).toBeGreaterThanOrEqual(400);
  });

  it('--seed makes the fault sequence repeatable', async () => {
    const statuses = async () => {
      const url = await start('--fail-rate', '0.5', '--seed', '9');
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await raw(`${url}/services/data/`)).status);
      await stop!();
      stop = undefined;
      return out;
    };
    const [a, b] = [await statuses(), await statuses()];
    expect(a).toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(1);
  });
});
