/**
 * The chaos org shared by `bench/chaos.ts` and `spec/reliability/`: a seeded emulator with mixed faults, a client that
 * counts its retries, and the checks that compare what the results say with what the org holds.
 */
import { SalesforceClient } from '../src/client/client.js';
import { passwordLogin } from '../src/client/auth/index.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/emulator/index.js';
import { defineSObject, sf } from '../src/model/index.js';
import type { ListSaveResult } from '../src/sources/collections/types.js';

/** The default org's Account with its External ID field, the unique marker every chaos record carries. */
export const Account = defineSObject('Account', {
  Id: sf.id(),
  Name: sf.string({ length: 255 }),
  External_Id__c: sf.string({ externalId: true, length: 40 }).optional(),
  NumberOfEmployees: sf.int().optional(),
});

/** Mixed faults, as in production incidents: transient pages, dropped connections, short sessions, row locks. */
export const CHAOS = { failRate: 0.1, resetRate: 0.06, lockRate: 0.03, sessionTtlRequests: 20 } as const;
export const CALM = { failRate: 0, resetRate: 0, lockRate: 0, sessionTtlRequests: 0 } as const;

export interface ChaosOrg {
  emu: Emulator;
  client: SalesforceClient;
  /** Re-sends the client's retry policy made (counted by its `onRetry` hook), not counting logins. */
  readonly retries: number;
}

/** An emulated org and a password-login client with fast backoff (the policy is the default one otherwise). */
export async function startChaosOrg(opts: EmulatorOptions = {}): Promise<ChaosOrg> {
  const emu = await startEmulator({ port: 0, seed: 20_240, ...opts });
  const { username, password, securityToken, consumerKey, consumerSecret } = emu.credentials;
  let retries = 0;
  const client = new SalesforceClient({
    login: passwordLogin({ loginUrl: emu.url, username, password, securityToken, consumerKey, consumerSecret }),
    retry: { baseDelayMs: 2, maxDelayMs: 20, maxAttempts: 6, onRetry: () => { retries++; } },
  });
  return { emu, client, get retries() { return retries; } };
}

export type Outcome = 'success' | 'failure' | 'notAttempted' | 'ambiguous';

/** Which of the four outcomes a list result is. */
export function outcomeOf(r: ListSaveResult): Outcome {
  if (r.success) return 'success';
  const code = r.errors[0]?.statusCode;
  if (code === 'AMBIGUOUS_REQUEST') return 'ambiguous';
  if (code === 'NOT_ATTEMPTED') return 'notAttempted';
  return 'failure';
}

/** Live rows of Account whose External_Id__c starts with prefix, grouped by that marker. */
export function rowsByMarker(emu: Emulator, prefix: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const row of emu.store.scan('Account')) {
    const key = row.External_Id__c;
    if (typeof key !== 'string' || !key.startsWith(prefix)) continue;
    out.set(key, [...(out.get(key) ?? []), row.Id]);
  }
  return out;
}
