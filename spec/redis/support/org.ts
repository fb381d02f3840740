/**
 * A stand-in org for the rxforce/redis specs: an HTTP server on loopback that answers every REST call after a delay,
 * counts the requests in flight (the figure an org's concurrency limit is about) and sends `Sforce-Limit-Info`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingOrg {
  url: string;
  /** Requests answered or in flight so far. */
  readonly requests: number;
  readonly inFlight: number;
  readonly peakInFlight: number;
  /** What the next answers say of the org's API usage. */
  usage: { used: number; max: number };
  /** Delay before each answer, in ms. */
  delayMs: number;
  /** Access tokens the org answers 401 INVALID_SESSION_ID to. */
  refused: Set<string>;
  close(): Promise<void>;
}

export async function startCountingOrg(delayMs = 40): Promise<CountingOrg> {
  let requests = 0;
  let inFlight = 0;
  let peak = 0;
  const org: CountingOrg = {
    url: '', usage: { used: 10, max: 1000 }, delayMs, refused: new Set<string>(),
    get requests() { return requests; },
    get inFlight() { return inFlight; },
    get peakInFlight() { return peak; },
    close: () => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  const server: Server = createServer((req, res) => {
    requests++;
    inFlight++;
    peak = Math.max(peak, inFlight);
    req.resume();
    setTimeout(() => {
      inFlight--;
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (org.refused.has(token)) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify([{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]));
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/json',
        'sforce-limit-info': `api-usage=${org.usage.used}/${org.usage.max}`,
      });
      res.end(JSON.stringify({ ok: true }));
    }, org.delayMs);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  org.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return org;
}
