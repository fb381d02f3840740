/** An emulator seeded with Accounts, and a client of it, as the rxforce/redis specs that sync a real object need them. */
import type { SalesforceClient } from '../../../src/client/client.js';
import type { Emulator } from '../../../src/emulator/index.js';
import { startOrg } from '../../support/org.js';

/**
 * Starts an org (spec/support/org.ts) answering after `latencyMs` that holds `count` Accounts named `<name> 0`,
 * `<name> 1` …, inserted as its admin user, with a client on API v62.0. The caller stops the emulator.
 */
export async function emulatorWithAccounts(opts: { seed: number; latencyMs: number; count: number; name: string }): Promise<{ emu: Emulator; client: SalesforceClient }> {
  const { emulator: emu, client } = await startOrg({ seed: opts.seed, latencyMs: opts.latencyMs, client: { apiVersion: '62.0' } });
  emu.store.runAs(emu.org.users[0]!.userId, () => {
    for (let i = 0; i < opts.count; i++) emu.store.insert('Account', { Name: `${opts.name} ${i}` });
  });
  return { emu, client };
}
