import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { firstValueFrom } from 'rxjs';
import { SalesforceClient } from '../../src/client/client.js';
import { NetworkError, ResourceNotFoundError, ServerUnavailableError } from '../../src/client/errors.js';
import type { AxiosInstance } from 'axios';
import { defaultTransport as browserDefaultTransport } from '../../src/client/defaultTransport.browser.js';
import { fetchTransport } from '../../src/client/fetchTransport.js';
import { nodeTransport } from '../../src/client/nodeTransport.js';
import { axiosTransport } from '../../src/client/transport.js';
import type { Transport } from '../../src/client/types.js';
import { useNock } from '../support/useNock.js';

const host = 'https://acme.my.salesforce.com';

// Node's default (node:http), axios (a client given an axios instance or config) and the browser build's default
// (fetch) answer alike
for (const [name, transport] of [['node', nodeTransport()], ['axios', axiosTransport()], ['fetch', fetchTransport()]] as [string, Transport][]) {
describe(`${name} transport`, () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => { nock.cleanAll(); nock.enableNetConnect(); });

  it('parses JSON bodies and lower-cases headers', async () => {
    nock(host).get('/services/data/v62.0/limits').reply(200, { DailyApiRequests: { Max: 15000, Remaining: 14998 } },
      { 'Sforce-Limit-Info': 'api-usage=2/15000' });
    const res = await firstValueFrom(transport({ method: 'GET', url: `${host}/services/data/v62.0/limits`, headers: {}, responseType: 'json' }));
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ DailyApiRequests: { Max: 15000, Remaining: 14998 } });
    expect(res.headers['sforce-limit-info']).toBe('api-usage=2/15000');
    expect(res.url).toBe('/services/data/v62.0/limits');
  });

  it('gives 204 an undefined body and treats 304 as an answer', async () => {
    nock(host).patch('/x').reply(204).get('/y').reply(304);
    const patched = await firstValueFrom(transport({ method: 'PATCH', url: `${host}/x`, headers: {}, data: { Name: 'n' }, responseType: 'json' }));
    expect(patched.status).toBe(204);
    expect(patched.data).toBeUndefined();
    const notModified = await firstValueFrom(transport({ method: 'GET', url: `${host}/y`, headers: { 'If-Modified-Since': 'Wed, 21 Oct 2015 07:28:00 GMT' }, responseType: 'json' }));
    expect(notModified.status).toBe(304);
  });

  it('reads text, bytes and streams', async () => {
    nock(host).get('/csv').reply(200, '"Id","Name"\n"001","A"\n', { 'Content-Type': 'text/csv' })
      .get('/blob').reply(200, Buffer.from([0, 1, 2, 255]))
      .get('/stream').reply(200, 'streamed body');
    const text = await firstValueFrom(transport({ method: 'GET', url: `${host}/csv`, headers: {}, responseType: 'text' }));
    expect(text.data).toBe('"Id","Name"\n"001","A"\n');
    const bytes = await firstValueFrom(transport({ method: 'GET', url: `${host}/blob`, headers: {}, responseType: 'arraybuffer' }));
    expect([...new Uint8Array(bytes.data as ArrayBuffer)]).toEqual([0, 1, 2, 255]);
    const stream = await firstValueFrom(transport({ method: 'GET', url: `${host}/stream`, headers: {}, responseType: 'stream' }));
    let body = '';
    const decoder = new TextDecoder();
    for await (const chunk of stream.data as AsyncIterable<Uint8Array>) body += decoder.decode(chunk, { stream: true });
    expect(body).toBe('streamed body');
  });

  it('turns non-2xx into typed errors, also when a stream was asked for', async () => {
    nock(host).get('/missing').reply(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }])
      .get('/down').reply(503, '<html><body>Down for maintenance</body></html>', { 'Content-Type': 'text/html' });
    const missing = await firstValueFrom(transport({ method: 'GET', url: `${host}/missing`, headers: {}, responseType: 'stream' })).catch(e => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundError);
    expect(missing.errorCode).toBe('NOT_FOUND');
    const down = await firstValueFrom(transport({ method: 'GET', url: `${host}/down`, headers: {}, responseType: 'json' })).catch(e => e);
    expect(down).toBeInstanceOf(ServerUnavailableError);
    expect(down.message).toBe('Down for maintenance');
  });

  it('keeps the code of a connection reset', async () => {
    nock(host).get('/reset').replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const err = await firstValueFrom(transport({ method: 'GET', url: `${host}/reset`, headers: {}, responseType: 'json' })).catch(e => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.code).toBe('ECONNRESET');
    expect(err.sent).toBeTrue();
  });

  it('retries transient answers of an idempotent request, one scope per attempt', async () => {
    nock(host).get('/services/data/v62.0/sobjects/Account/describe').reply(503, '')
      .get('/services/data/v62.0/sobjects/Account/describe').reply(502, '')
      .get('/services/data/v62.0/sobjects/Account/describe').reply(200, { name: 'Account' });
    const client = new SalesforceClient({ login: { accessToken: 'x', instanceUrl: host }, apiVersion: '62.0', retry: { baseDelayMs: 1 }, transport });
    const res = await client.request({ method: 'GET', path: 'sobjects/Account/describe' });
    expect(res.data).toEqual({ name: 'Account' });
    expect(nock.isDone()).toBeTrue();
  });
});

describe(`${name} transport on a real socket`, () => {
  useNock();
  let server: http.Server;
  let base: string;
  let closedEarly: Promise<boolean>;
  let arrived: Promise<void>;

  beforeEach(async () => {
    let resolveClosed: (v: boolean) => void = () => undefined;
    let resolveArrived: () => void = () => undefined;
    closedEarly = new Promise(r => { resolveClosed = r; });
    arrived = new Promise(r => { resolveArrived = r; });
    server = http.createServer((req, res) => {
      resolveArrived();
      const timer = setTimeout(() => { res.end('{}'); resolveClosed(false); }, 2000);
      req.on('close', () => { if (!res.writableEnded) { clearTimeout(timer); resolveClosed(true); } });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise(r => server.close(r));
  });

  it('aborts the HTTP request on unsubscribe, without an error', async () => {
    const events: string[] = [];
    const sub = transport({ method: 'GET', url: `${base}/slow`, headers: {}, responseType: 'json' })
      .subscribe({ next: () => events.push('next'), error: () => events.push('error'), complete: () => events.push('complete') });
    await arrived; // the request is on the server, unanswered
    sub.unsubscribe();
    expect(await closedEarly).toBeTrue();
    await new Promise(r => setTimeout(r, 20));
    expect(events).toEqual([]);
  });

  it('reports ECONNREFUSED as a NetworkError that was provably not sent', async () => {
    const port = (server.address() as AddressInfo).port;
    server.closeAllConnections();
    await new Promise(r => server.close(r));
    server = http.createServer();
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r)); // for afterEach
    const err = await firstValueFrom(transport({ method: 'POST', url: `http://127.0.0.1:${port}/x`, headers: {}, data: {}, responseType: 'json' })).catch(e => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.sent).toBeFalse();
  });
});
}

describe('the node and fetch transports send what the axios transport sends', () => {
  let server: http.Server;
  let base: string;
  let received: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[];

  beforeEach(async () => {
    received = [];
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.setHeader('Content-Type', 'application/json');
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise(r => server.close(r));
  });

  /** What the server saw of one request sent by each transport: method, path, body and the headers that matter. */
  async function seenFrom(req: { method: 'POST' | 'PATCH' | 'GET'; headers: Record<string, string>; data?: unknown }) {
    const seen = [];
    for (const transport of [axiosTransport(), nodeTransport(), fetchTransport()]) {
      received = [];
      const res = await firstValueFrom(transport({ ...req, url: `${base}/services/x?q=1`, responseType: 'json' }));
      expect(res.data).toEqual({ ok: true });
      const r = received[0]!;
      seen.push({ method: r.method, url: r.url, body: r.body, accept: r.headers.accept, contentType: r.headers['content-type'],
        authorization: r.headers.authorization, callOptions: r.headers['sforce-call-options'] });
    }
    return seen;
  }

  it('a JSON body with its Content-Type, the default Accept, and the caller\'s headers', async () => {
    const [viaAxios, viaNode, viaFetch] = await seenFrom({ method: 'PATCH', headers: { Authorization: 'Bearer 00Dx!tok', 'Sforce-Call-Options': 'client=x' },
      data: { Name: 'Acme — ünïcode', Tags: ['a', 'b'], Count: 3, Empty: null } });
    expect(viaNode).toEqual(viaAxios!);
    expect(viaFetch).toEqual(viaAxios!);
    expect(viaFetch!.contentType).toBe('application/json');
    expect(JSON.parse(viaFetch!.body)).toEqual({ Name: 'Acme — ünïcode', Tags: ['a', 'b'], Count: 3, Empty: null });
  });

  it('a form body as given, with the caller\'s Content-Type and Accept', async () => {
    const [viaAxios, viaNode, viaFetch] = await seenFrom({ method: 'POST', data: 'grant_type=password&username=u%40x.com',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' } });
    expect(viaNode).toEqual(viaAxios!);
    expect(viaFetch).toEqual(viaAxios!);
    expect(viaFetch!.body).toBe('grant_type=password&username=u%40x.com');
  });

  it('CSV text and bytes as they are, and no body on a GET', async () => {
    const csv = '"Name"\n"Ann ""the"" Acme"\n';
    const [textAxios, textNode, textFetch] = await seenFrom({ method: 'POST', data: csv, headers: { 'Content-Type': 'text/csv' } });
    expect(textNode).toEqual(textAxios!);
    expect(textFetch).toEqual(textAxios!);
    expect(textFetch!.body).toBe(csv);
    const [bytesAxios, bytesNode, bytesFetch] = await seenFrom({ method: 'POST', data: new TextEncoder().encode(csv), headers: { 'Content-Type': 'text/csv' } });
    expect(bytesNode).toEqual(bytesAxios!);
    expect(bytesFetch).toEqual(bytesAxios!);
    const [getAxios, getNode, getFetch] = await seenFrom({ method: 'GET', headers: {} });
    expect(getNode).toEqual(getAxios!);
    expect(getFetch).toEqual(getAxios!);
    expect(getFetch!.body).toBe('');
  });

  it('a streamed body read whole, the same bytes again on a retry', async () => {
    async function* rows() { yield '"Name"\n'; yield new TextEncoder().encode('"Acme"\n'); }
    const body = rows();
    const transport = fetchTransport();
    for (let attempt = 0; attempt < 2; attempt++) {
      await firstValueFrom(transport({ method: 'POST', url: `${base}/x`, headers: { 'Content-Type': 'text/csv' }, data: body, responseType: 'json' }));
    }
    expect(received.map(r => r.body)).toEqual(['"Name"\n"Acme"\n', '"Name"\n"Acme"\n']);
  });
});

describe('the browser build\'s default transport', () => {
  it('sends with fetch, or with the page\'s own axios instance and its config', async () => {
    const calls: string[] = [];
    const fakeAxios = { request: async (config: { url: string; timeout?: number }) => {
      calls.push(`${config.url} timeout=${config.timeout}`);
      return { status: 200, headers: { 'content-type': 'application/json' }, data: '{"via":"axios"}' };
    } } as unknown as AxiosInstance;
    const viaAxios = browserDefaultTransport({ axios: fakeAxios, axiosConfig: { timeout: 5 } });
    const res = await firstValueFrom(viaAxios({ method: 'GET', url: `${host}/y`, headers: {}, responseType: 'json' }));
    expect(res.data).toEqual({ via: 'axios' });
    expect(calls).toEqual([`${host}/y timeout=5`]);
  });

  it('refuses axiosConfig without an axios instance, since the browser build carries no axios', () => {
    expect(() => browserDefaultTransport({ axiosConfig: { timeout: 5 } })).toThrowError(TypeError, /axios instance/);
    expect(() => browserDefaultTransport({})).not.toThrow();
  });
});
