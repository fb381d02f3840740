/**
 * A bare HTTP server around bulkRoutes and a real Store, for specs of the bulk engine on its own: requests reach the
 * routes exactly as the emulator's server hands them over (path after /services/data/vXX.X, a session, the store).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import axios, { type AxiosInstance } from 'axios';
import { errorBody, readBody } from '../../../src/emulator/http.js';
import { bulkRoutes } from '../../../src/emulator/bulk/routes.js';
import { bulkEngineFor, disposeBulkEngine, type BulkClock } from '../../../src/emulator/bulk/jobs.js';
import { Registry } from '../../../src/emulator/schema/registry.js';
import { Store } from '../../../src/emulator/store.js';
import { SfHttpError, type RouteContext } from '../../../src/emulator/types.js';

export interface Harness {
  store: Store;
  http: AxiosInstance;
  base: string;
  stop(): Promise<void>;
}

const USER_ID = '005RX0000000001AAA';

export async function startHarness(recordsPerSecond = 50_000, clock?: BulkClock): Promise<Harness> {
  const store = new Store(new Registry());
  store.setDefaultUser(USER_ID);
  bulkEngineFor(store, { recordsPerSecond, clock });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = /^\/services\/data\/v(\d+\.\d)(\/.*)$/.exec(url.pathname);
    const ctx: RouteContext = {
      req, res, path: m?.[2] ?? url.pathname, version: m?.[1] ?? '62.0', query: url.searchParams,
      session: { userId: USER_ID, orgId: '00DRX0000000001AAA', username: 'admin@rxforce.local', accessToken: 'x' },
      store,
      body: () => readBody(req),
      json: (status, body, headers) => {
        res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
        res.end(JSON.stringify(body));
      },
      text: (status, body, contentType, headers) => {
        res.writeHead(status, { 'Content-Type': contentType, ...headers });
        res.end(body);
      },
      stream: (status, body, contentType, headers) => {
        res.writeHead(status, { 'Content-Type': contentType, ...headers });
        pipeline(body, res).catch(() => undefined);
      },
    };
    Promise.resolve(bulkRoutes(ctx)).then(handled => {
      if (!handled) ctx.json(404, errorBody(new SfHttpError(404, 'NOT_FOUND', 'The requested resource does not exist')));
    }, (e: unknown) => {
      if (e instanceof SfHttpError) ctx.json(e.status, errorBody(e));
      else ctx.json(500, [{ errorCode: 'UNKNOWN_EXCEPTION', message: String(e) }]);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/data/v62.0`;
  const http = axios.create({ baseURL: base, validateStatus: () => true, transformResponse: r => r as unknown });
  return {
    store, http, base,
    stop: async () => {
      // as the emulator's stop: keep-alive sockets are dropped rather than waited for
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      disposeBulkEngine(store);
    },
  };
}
