import { SalesforceClient } from '../../../src/client/client.js';
import { passwordLogin } from '../../../src/client/auth/index.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../../src/emulator/index.js';

/** A fresh emulated org on 127.0.0.1 and a client logged in to it with the default user. */
export async function startOrg(opts: EmulatorOptions = {}): Promise<{ emu: Emulator; client: SalesforceClient }> {
  // The default org has Account.External_Id__c (an External ID), so upserts have a key.
  const emu = await startEmulator({ port: 0, seed: 7, ...opts });
  const { username, password, securityToken, consumerKey, consumerSecret } = emu.credentials;
  const client = new SalesforceClient({
    login: passwordLogin({ loginUrl: emu.url, username, password, securityToken, consumerKey, consumerSecret }),
    retry: false,
  });
  return { emu, client };
}
