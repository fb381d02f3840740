import { lastValueFrom, toArray } from 'rxjs';
import type { SalesforceClient } from '../../../src/client/client.js';
import type { Emulator } from '../../../src/emulator/index.js';
import { bulkQuery$, defineSObject, query$, sf } from '../../../src/index.js';
import { select } from '../../../src/soql/index.js';
import { startOrg } from '../../support/org.js';

const Account = defineSObject('Account', {
  Id: sf.id(),
  Name: sf.string({ length: 255 }),
  AnnualRevenue: sf.currency().nullable().optional(),
});

describe('a query builder passed to query$ and bulkQuery$', () => {
  let emulator: Emulator;
  let client: SalesforceClient;

  beforeAll(async () => {
    ({ emulator, client } = await startOrg());
    for (let i = 0; i < 30; i++) emulator.store.insert('Account', { Name: `Sugar ${i}`, AnnualRevenue: i % 2 ? i * 1000 : null });
  });
  afterAll(async () => emulator.stop());

  it('runs the builder through REST, typed by the model', async () => {
    const rows = await lastValueFrom(
      query$(select(Account).where({ Name: { like: 'Sugar %' }, AnnualRevenue: { gt: 10_000 } }), { client }).pipe(toArray()),
    );
    expect(rows.map(r => r.AnnualRevenue).sort((a, b) => Number(a) - Number(b))).toEqual([11_000, 13_000, 15_000, 17_000, 19_000, 21_000, 23_000, 25_000, 27_000, 29_000]);
  });

  it('runs the builder as a bulk query job, empty cells typed as null', async () => {
    const rows = await lastValueFrom(bulkQuery$(select(Account).where({ Name: { like: 'Sugar %' } }), { client, polling: { initialMs: 10, maxMs: 50 } }).pipe(toArray()));
    expect(rows.length).toBe(30);
    const zero = rows.find(r => r.Name === 'Sugar 0');
    expect(zero?.AnnualRevenue).toBeNull();
    expect(rows.find(r => r.Name === 'Sugar 3')?.AnnualRevenue).toBe(3000);
  });
});
