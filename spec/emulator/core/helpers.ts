/** Raw HTTP helpers for emulator specs: a started emulator, a password login, and requests without a client. */
import { request as httpRequest } from 'node:http';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../../src/emulator/index.js';

export interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: Buffer;
  json<T = any>(): T;
}

/** One request on a fresh connection (no keep-alive), so dropped sockets surface as errors. */
export function raw(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}):
  Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8'),
          json: () => JSON.parse(body.toString('utf8')) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export function form(fields: Record<string, string>): { headers: Record<string, string>; body: string } {
  return { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() };
}

export async function passwordLogin(emu: Emulator): Promise<string> {
  const c = emu.credentials;
  const res = await raw(`${emu.url}/services/oauth2/token`, { method: 'POST', ...form({ grant_type: 'password',
    client_id: c.consumerKey, client_secret: c.consumerSecret, username: c.username, password: c.password }) });
  if (res.status !== 200) throw new Error(`login failed: ${res.text}`);
  return res.json().access_token as string;
}

/** A logged-in REST helper bound to one emulator. */
export class Api {
  constructor(readonly emu: Emulator, readonly token: string, readonly version = '62.0') {}

  static async start(opts: EmulatorOptions = {}): Promise<Api> {
    const emu = await startEmulator({ port: 0, ...opts });
    return new Api(emu, await passwordLogin(emu));
  }

  url(path: string): string {
    return `${this.emu.url}/services/data/v${this.version}${path}`;
  }

  call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
    const h: Record<string, string> = { Authorization: `Bearer ${this.token}`, ...headers };
    let payload: string | Buffer | undefined;
    if (Buffer.isBuffer(body) || typeof body === 'string') payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['Content-Type'] ??= 'application/json';
    }
    return raw(this.url(path), { method, headers: h, body: payload });
  }

  async create(type: string, fields: Record<string, unknown>): Promise<string> {
    const res = await this.call('POST', `/sobjects/${type}`, fields);
    if (res.status !== 201) throw new Error(`create failed: ${res.text}`);
    return res.json().id as string;
  }
}

/**
 * Sends `attack` and, beside it, health probes (`GET /limits`) one after another until it answers; returns its status
 * and the longest time one probe waited. A request that blocks the event loop shows up as one long probe. Callers use
 * a generous bound (the machine may be shared): the blocking guarded against lasts seconds to minutes.
 */
export async function longestProbeWhile(api: Api, attack: () => Promise<Res>): Promise<{ res: Res; probeMs: number }> {
  let done = false;
  let longest = 0;
  let failed: string | undefined;
  const probes = (async () => {
    while (!done) {
      const t = performance.now();
      const res = await api.call('GET', '/limits');
      if (res.status !== 200) failed ??= `probe answered ${res.status}: ${res.text}`;
      longest = Math.max(longest, performance.now() - t);
    }
  })();
  const res = await attack().finally(() => { done = true; });
  await probes;
  if (failed) throw new Error(failed);
  return { res, probeMs: longest };
}
