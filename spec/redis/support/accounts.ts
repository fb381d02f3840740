/** An emulator seeded with Accounts, and a client of it, as the rxforce/redis specs that sync a real object need them. */
import { lazyLogin } from '../../../src/client/auth/index.js';
import { SalesforceClient } from '../../../src/client/client.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';

/**
 * Starts an emulator answering after `latencyMs` that holds `count` Accounts named `<name> 0`, `<name> 1` …, inserted
 * as its admin user, and a client that logs in to it on first use. The caller stops the emulator.
 */
export async function emulatorWithAccounts(opts: { seed: number; latencyMs: number; count: number; name: string }): Promise<{ emu: Emulator; client: SalesforceClient }> {
  const emu = await startEmulator({ port: 0, seed: opts.seed, latencyMs: opts.latencyMs });
  emu.store.runAs(emu.org.users[0]!.userId, () => {
    for (let i = 0; i < opts.count; i++) emu.store.insert('Account', { Name: `${opts.name} ${i}` });
  });
  const c = emu.credentials;
  const client = new SalesforceClient({ login: lazyLogin({ loginUrl: emu.url, username: c.username, password: c.password,
    consumerKey: c.consumerKey, consumerSecret: c.consumerSecret }), apiVersion: '62.0' });
  return { emu, client };
}
