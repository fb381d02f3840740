/** The demo org's seed: accounts, contacts and opportunities as committed CSV files under `data/seed/`. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SalesforceClient } from '../client/client.js';
import type { CliIo } from './io.js';
import { runLoad, type LoadSummary } from './load.js';

/** `data/seed` of this package, found from here whether running from `src/` or `dist/esm/`. */
export function seedDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'rxforce') return join(dir, 'data', 'seed');
    dir = dirname(dir);
  }
  throw new Error('cannot find the rxforce package (data/seed)');
}

export const SEED_FILES = [
  { sobject: 'Account', file: 'accounts.csv', op: 'upsert' as const, externalId: 'External_Id__c' },
  { sobject: 'Contact', file: 'contacts.csv', op: 'insert' as const },
  { sobject: 'Opportunity', file: 'opportunities.csv', op: 'insert' as const },
];

/** Bulk-loads the seed (accounts by external id first, so contacts and opportunities can reference them). */
export async function loadSeed(client: SalesforceClient, io: CliIo): Promise<{ sobject: string; summary: LoadSummary }[]> {
  const dir = seedDir();
  const out: { sobject: string; summary: LoadSummary }[] = [];
  for (const s of SEED_FILES) {
    const summary = await runLoad(client, s.op, s.sobject, join(dir, s.file), { externalId: s.externalId, label: `bulk ${s.op} ${s.sobject}` }, io);
    out.push({ sobject: s.sobject, summary });
  }
  return out;
}
