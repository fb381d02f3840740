import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SalesforceClient } from '../../../src/client/client.js';
import { query$ } from '../../../src/sources/query/query.js';
import { accountRows, page } from '../support/pages.js';

const NEXT = '/services/data/v62.0/query/01gD0000000001AAA-2000';

describe('query$ cancellation', () => {
  let server: Server;
  let held: { req: IncomingMessage; res: ServerResponse } | undefined;
  let closedEarly: Promise<boolean>;
  let signalClosed: (v: boolean) => void;
  let arrived: Promise<void>;
  let signalArrived: () => void;
  let client: SalesforceClient;

  beforeEach(async () => {
    held = undefined;
    closedEarly = new Promise((resolve) => (signalClosed = resolve));
    arrived = new Promise((resolve) => (signalArrived = resolve));
    server = createServer((req, res) => {
      if (req.url?.startsWith('/services/data/v62.0/query?')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(page(accountRows(3), 6, NEXT)));
        return;
      }
      // the next page is held open: only an abort from the client ends it
      held = { req, res };
      res.on('close', () => signalClosed(!res.writableEnded));
      signalArrived();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new SalesforceClient({ login: { accessToken: 'token', instanceUrl: `http://127.0.0.1:${port}` }, apiVersion: '62.0', retry: false });
  });

  afterEach(async () => {
    held?.res.destroy();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  it('aborts the page request in flight when the subscriber unsubscribes', async () => {
    const seen: unknown[] = [];
    let ended = false;
    const subscription = query$('SELECT Id FROM Account', { client }).subscribe({
      next: (r) => seen.push(r),
      error: () => (ended = true),
      complete: () => (ended = true),
    });
    await arrived; // the first page was delivered and the second one requested
    expect(seen.length).toBe(3);
    subscription.unsubscribe();
    const timedOut = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000));
    expect(await Promise.race([closedEarly, timedOut])).toBeTrue(); // closed before any answer was written
    expect(ended).toBeFalse(); // a cancellation is silent: no error, no completion
  });
});
