import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../../src/emulator/http.js';
import { SfHttpError } from '../../../src/emulator/types.js';
import { Api, passwordLogin, raw } from './helpers.js';

describe('emulator readBody over its limit', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      readBody(req, 1024).then(() => res.writeHead(200).end('ok'), (e: SfHttpError) => {
        res.writeHead(e.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify([{ message: e.message, errorCode: e.errorCode }]));
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  });

  it('lets the server answer 413 with an error body instead of dropping the connection', async () => {
    const res = await raw(url, { method: 'POST', body: Buffer.alloc(256 * 1024, 0x61) });
    expect(res.status).toBe(413);
    expect(res.json()[0].errorCode).toBe('REQUEST_ENTITY_TOO_LARGE');
  });
});

describe('emulator endpoints without a session', () => {
  let api: Api;
  beforeAll(async () => { api = await Api.start(); });
  afterAll(async () => { await api.emu.stop(); });

  const paths = ['/services/oauth2/token', '/services/oauth2/revoke', '/services/oauth2/authorize', '/services/Soap/u/62.0'];

  for (const path of paths) {
    it(`answers 413 to a 1 MB body at ${path}, declared or chunked`, async () => {
      const body = Buffer.alloc(1024 * 1024, 0x61);
      const declared = await raw(`${api.emu.url}${path}`, { method: 'POST', body,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      expect(declared.status).toBe(413);
      expect(declared.json()[0].errorCode).toBe('REQUEST_ENTITY_TOO_LARGE');
      const chunked = await raw(`${api.emu.url}${path}`, { method: 'POST', body,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' } });
      expect(chunked.status).toBe(413);
    });
  }

  it('still logs in with an ordinary form', async () => {
    expect(await passwordLogin(api.emu)).toMatch(/^00D/);
  });
});
