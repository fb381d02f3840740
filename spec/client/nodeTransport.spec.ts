import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { firstValueFrom, of } from 'rxjs';
import type { AxiosInstance } from 'axios';
import { SalesforceClient } from '../../src/client/client.js';
import { NetworkError, ServerUnavailableError } from '../../src/client/errors.js';
import { nodeTransport } from '../../src/client/nodeTransport.js';
import type { SfResponse, Transport, TransportRequest } from '../../src/client/types.js';

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }

/** Servers started by `serve`, closed after each spec by `closeServersAfterEach`. */
const servers: { close(): Promise<void> }[] = [];
const closeServersAfterEach = () => afterEach(async () => { for (const s of servers.splice(0)) await s.close(); });

/** A local server answering each request with `handler`, recording what it received; closed after the spec. */
async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async () => { server.closeAllConnections(); await new Promise(r => server.close(r)); };
  servers.push({ close });
  return { seen, base, server, close };
}

const get = (url: string, responseType: TransportRequest['responseType'] = 'json'): TransportRequest =>
  ({ method: 'GET', url, headers: {}, responseType });

async function text(stream: unknown): Promise<string> {
  let out = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) out += chunk.toString('utf8');
  return out;
}

describe('node transport, beyond what every transport does', () => {
  closeServersAfterEach();
  const json = JSON.stringify({ records: [{ Id: '001000000000001AAA', Name: 'Ünïcode Acme' }], done: true });
  const encoders: Record<string, (b: Buffer) => Buffer> = {
    gzip: b => zlib.gzipSync(b), deflate: b => zlib.deflateSync(b), 'deflate (raw)': b => zlib.deflateRawSync(b), br: b => zlib.brotliCompressSync(b),
  };

  for (const [name, encode] of Object.entries(encoders)) {
    it(`decodes a ${name} answer, as text and as a stream, and drops its Content-Encoding`, async () => {
      const s = await serve((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': name.split(' ')[0]! });
        res.end(encode(Buffer.from(json)));
      });
      const transport = nodeTransport();
      const parsed = await firstValueFrom(transport(get(`${s.base}/q`)));
      expect(parsed.data).toEqual(JSON.parse(json));
      expect(parsed.headers['content-encoding']).toBeUndefined();
      const streamed = await firstValueFrom(transport(get(`${s.base}/q`, 'stream')));
      expect(await text(streamed.data)).toBe(json);
      expect(s.seen[0]!.headers['accept-encoding']).toBe('gzip, compress, deflate, br');
    });
  }

  it('sends the default Accept and a User-Agent, keeps the caller\'s, and never lets a header value split the request', async () => {
    const s = await serve((_req, res) => res.end('{}'));
    const transport = nodeTransport();
    await firstValueFrom(transport(get(`${s.base}/a`)));
    await firstValueFrom(transport({ ...get(`${s.base}/b`), headers: { accept: 'text/csv', 'Sforce-Call-Options': 'client=x\r\nX-Injected: 1 ' } }));
    expect(s.seen[0]!.headers.accept).toBe('application/json, text/plain, */*');
    expect(s.seen[0]!.headers['user-agent']).toBe('rxforce');
    expect(s.seen[1]!.headers.accept).toBe('text/csv');
    expect(s.seen[1]!.headers['sforce-call-options']).toBe('client=xX-Injected: 1');
    expect(s.seen[1]!.headers['x-injected']).toBeUndefined();
  });

  it('streams a Node Readable body with the Content-Length the caller gives', async () => {
    const s = await serve((_req, res) => res.end(''));
    const pieces = ['"Name"\n', '"Acme ""one"""\n', '"Ünïcode"\n'].map(p => Buffer.from(p));
    const bytes = pieces.reduce((n, p) => n + p.length, 0);
    const res = await firstValueFrom(nodeTransport()({ method: 'PUT', url: `${s.base}/jobs/ingest/750/batches`,
      headers: { 'Content-Type': 'text/csv', 'Content-Length': String(bytes) }, data: Readable.from(pieces, { objectMode: false }), responseType: 'text' }));
    expect(res.status).toBe(200);
    expect(s.seen[0]!.body).toBe('"Name"\n"Acme ""one"""\n"Ünïcode"\n');
    expect(s.seen[0]!.headers['content-length']).toBe(String(bytes));
  });

  it('fails with a NetworkError when a streamed body fails, and the server sees the upload cut short', async () => {
    let cut: (v: boolean) => void = () => undefined;
    const cutShort = new Promise<boolean>(r => { cut = r; });
    const server = http.createServer((req, res) => {
      req.on('error', () => undefined);
      req.on('aborted', () => cut(true));
      req.on('close', () => { if (!req.complete) cut(true); });
      req.on('end', () => { cut(false); res.end(''); });
      req.resume();
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    try {
      async function* failing() { yield Buffer.from('"Name"\n'); await new Promise(r => setTimeout(r, 20)); throw Object.assign(new Error('disk gone'), { code: 'EIO' }); }
      const err = await firstValueFrom(nodeTransport()({ method: 'PUT', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`,
        headers: { 'Content-Type': 'text/csv', 'Content-Length': '1000' }, data: Readable.from(failing()), responseType: 'text' })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as NetworkError).code).toBe('EIO');
      expect(await cutShort).toBeTrue();
    } finally {
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    }
  });

  it('reports a connection dropped in the middle of an answer as a NetworkError that was sent', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      res.write('{"records":[');
      setTimeout(() => res.socket!.destroy(), 20);
    });
    const err = await firstValueFrom(nodeTransport()(get(`${s.base}/q`))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).code).toBe('ECONNRESET');
    expect((err as NetworkError).sent).toBeTrue();
  });

  it('reads only the start of a large error body asked for as a stream, and answers the next request', async () => {
    const page = `<html><body>${'Down for maintenance. '.repeat(10_000)}</body></html>`;
    const s = await serve((req, res) => {
      if (req.url === '/down') { res.writeHead(503, { 'Content-Type': 'text/html' }); res.end(page); return; }
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('[{"errorCode":"NOT_FOUND","message":"gone"}]');
    });
    const transport = nodeTransport();
    const down = await firstValueFrom(transport(get(`${s.base}/down`, 'stream'))).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(ServerUnavailableError);
    const missing = await firstValueFrom(transport(get(`${s.base}/missing`))).catch((e: unknown) => e) as { status: number; errorCode: string };
    expect(missing.status).toBe(404);
    expect(missing.errorCode).toBe('NOT_FOUND');
  });

  it('refuses a URL it cannot send to before anything leaves', async () => {
    const err = await firstValueFrom(nodeTransport()(get('ftp://acme.example.com/x'))).catch((e: unknown) => e) as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.sent).toBeFalse();
  });

  describe('hands to its fallback', () => {
    const saved: Record<string, string | undefined> = {};
    const names = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'npm_config_proxy', 'npm_config_http_proxy', 'npm_config_https_proxy'];
    beforeEach(() => { for (const n of names) { saved[n] = process.env[n]; delete process.env[n]; } });
    afterEach(() => { for (const n of names) { if (saved[n] === undefined) delete process.env[n]; else process.env[n] = saved[n]; } });

    function recording() {
      const handed: TransportRequest[] = [];
      const fallback: Transport = req => { handed.push(req); return of({ status: 200, headers: {}, data: 'fallback', method: req.method, url: req.url } as SfResponse<unknown>); };
      return { handed, transport: nodeTransport({ fallback }) };
    }

    it('a request while the environment names a proxy (axios honours it)', async () => {
      const { handed, transport } = recording();
      process.env.HTTPS_PROXY = 'http://proxy.internal:3128';
      const res = await firstValueFrom(transport(get('https://acme.my.salesforce.com/services/data/')));
      expect(res.data).toBe('fallback');
      expect(handed.length).toBe(1);
    });

    it('bodies it does not send itself, and fails clearly without a fallback', async () => {
      const { handed, transport } = recording();
      const form = new FormData();
      form.append('a', 'b');
      for (const data of [form, new URLSearchParams({ a: 'b' }), new Blob(['x']), { a: 'b' }]) {
        const headers: Record<string, string> = data.constructor === Object ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {};
        await firstValueFrom(transport({ method: 'POST', url: 'https://acme.my.salesforce.com/x', headers, data, responseType: 'json' }));
      }
      expect(handed.length).toBe(4);
      const err = await firstValueFrom(nodeTransport()({ method: 'POST', url: 'https://acme.my.salesforce.com/x', headers: {}, data: form, responseType: 'json' }))
        .catch((e: unknown) => e) as NetworkError;
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.sent).toBeFalse();
    });
  });
});

describe('a client\'s default transport in Node', () => {
  closeServersAfterEach();
  it('sends with node:http, or with axios when given an axios instance or axios config', async () => {
    const s = await serve((_req, res) => { res.setHeader('Content-Type', 'application/json'); res.end('{"ok":true}'); });
    const session = { accessToken: '00D000000000001!token', instanceUrl: s.base };
    const plain = new SalesforceClient({ login: session, apiVersion: '62.0' });
    expect((await plain.request({ method: 'GET', path: 'limits' })).data).toEqual({ ok: true });
    const configured = new SalesforceClient({ login: session, apiVersion: '62.0', axiosConfig: { headers: { 'X-Configured': 'yes' } } });
    expect((await configured.request({ method: 'GET', path: 'limits' })).data).toEqual({ ok: true });
    expect(s.seen.map(r => [r.headers['user-agent']?.split('/')[0], r.headers['x-configured']])).toEqual([['rxforce', undefined], ['axios', 'yes']]);
    const calls: string[] = [];
    const fakeAxios = { request: async (config: { url: string }) => {
      calls.push(config.url);
      return { status: 200, headers: { 'content-type': 'application/json' }, data: '{"via":"axios"}' };
    } } as unknown as AxiosInstance;
    const given = new SalesforceClient({ login: session, apiVersion: '62.0', axios: fakeAxios });
    expect((await given.request({ method: 'GET', path: 'limits' })).data).toEqual({ via: 'axios' });
    expect(calls).toEqual([`${s.base}/services/data/v62.0/limits`]);
  });

  it('gives up a request that gets no answer within requestTimeoutMs, and the server sees it closed', async () => {
    let closed: (v: boolean) => void = () => undefined;
    const seenClosed = new Promise<boolean>(r => { closed = r; });
    const server = http.createServer((req, res) => {
      req.on('close', () => closed(!res.writableEnded));
      req.resume();
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    try {
      const client = new SalesforceClient({ login: { accessToken: 'x', instanceUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
        apiVersion: '62.0', requestTimeoutMs: 50, retry: false });
      const err = await client.request({ method: 'GET', path: 'limits' }).catch((e: unknown) => e) as NetworkError;
      expect(err).toBeInstanceOf(NetworkError);
      expect(err.code).toBe('ETIMEDOUT');
      expect(await seenClosed).toBeTrue();
    } finally {
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    }
  });
});
