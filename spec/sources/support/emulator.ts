import nock from 'nock';
import { passwordLogin } from '../../../src/client/auth/index.js';
import { SalesforceClient } from '../../../src/client/client.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';

/** A fresh in-memory org and a client logged in to it with the username-password flow. */
export async function startOrg(): Promise<{ emulator: Emulator; client: SalesforceClient }> {
  const emulator = await startEmulator({ port: 0, seed: 7 });
  const { username, password, consumerKey, consumerSecret } = emulator.credentials;
  const client = new SalesforceClient({
    login: passwordLogin({ loginUrl: emulator.url, username, password, consumerKey, consumerSecret }),
  });
  return { emulator, client };
}

/**
 * Real sockets for emulator specs: nock's interceptor, once loaded by any spec, wraps every socket in a mock that
 * passes through, and its passthrough closes streamed responses early now and then (`Error: aborted`). Call in
 * beforeAll; the returned function (for afterAll) puts the interceptor back.
 */
export function withoutNock(): () => void {
  if (!nock.isActive()) return () => undefined;
  nock.restore();
  return () => nock.activate();
}
