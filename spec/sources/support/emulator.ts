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
