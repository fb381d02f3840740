import { Observable } from 'rxjs';
import { SalesforceClient } from '../../../src/client/client.js';
import type { TransportRequest } from '../../../src/client/types.js';
import type { SalesforceClient as Client } from '../../../src/client/client.js';
import type { Emulator } from '../../../src/emulator/index.js';
import { describeGlobal } from '../../../src/sources/describe/describeGlobal.js';
import { queryPages, queryRecords } from '../../../src/sources/query/queryPages.js';
import { select } from '../../../src/soql/index.js';
import { Account } from '../support/fixtures.js';
import { startOrg } from '../../support/org.js';

const SOQL = "SELECT Id, Name FROM Account WHERE Name LIKE 'Pulled %' ORDER BY Name";

describe('queryPages and queryRecords (pull)', () => {
  let emulator: Emulator;
  let client: Client;
  const requests = () => emulator.stats.apiRequests;
  const pause = () => new Promise((resolve) => setTimeout(resolve, 30));

  beforeAll(async () => {
    ({ emulator, client } = await startOrg());
    for (let i = 0; i < 1000; i++) emulator.store.insert('Account', { Name: `Pulled ${String(i).padStart(4, '0')}`, AnnualRevenue: i });
    await describeGlobal({ client }); // log in before counting requests
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('requests each page only when the consumer asks for it, however slow the consumer is', async () => {
    const before = requests();
    const pages = queryPages(SOQL, { client, batchSize: 200 });
    await pause();
    expect(requests() - before).toBe(0); // nothing before the first pull
    const first = await pages.next();
    expect(first.done).toBeFalse();
    expect(first.value!.records.length).toBe(200);
    expect(first.value!.totalSize).toBe(1000);
    await pause(); // a slow consumer busy with page 1: page 2 is not fetched meanwhile
    expect(requests() - before).toBe(1);
    await pages.next();
    await pause();
    expect(requests() - before).toBe(2);
    await pages.return();
    await pause();
    expect(requests() - before).toBe(2);
  });

  it('pages to the end with every record once, the last page done', async () => {
    const sizes: number[] = [];
    const names: string[] = [];
    let last: boolean | undefined;
    for await (const page of queryPages<{ Name: string }>(SOQL, { client, batchSize: 300 })) {
      sizes.push(page.records.length);
      names.push(...page.records.map((r) => r.Name));
      last = page.done;
    }
    expect(sizes).toEqual([300, 300, 300, 100]);
    expect(last).toBeTrue();
    expect(names.length).toBe(1000);
    expect(new Set(names).size).toBe(1000);
    expect(names[999]).toBe('Pulled 0999');
  });

  it('yields records revived through the model, and stops fetching when the loop breaks', async () => {
    const before = requests();
    const seen: number[] = [];
    for await (const account of queryRecords(select(Account).where({ Name: { startsWith: 'Pulled ' } }).orderBy('Name'), { client, batchSize: 200 })) {
      expect(account.CreatedDate).toBeInstanceOf(Date);
      seen.push(account.AnnualRevenue!);
      if (seen.length === 250) break;
    }
    await pause();
    expect(seen.slice(0, 3)).toEqual([0, 1, 2]);
    expect(requests() - before).toBe(2);
  });

  it('refuses a batchSize outside 200..2000 at the first pull, before any request', async () => {
    const before = requests();
    await expectAsync(queryPages(SOQL, { client, batchSize: 100 }).next()).toBeRejectedWithError(RangeError);
    expect(requests() - before).toBe(0);
  });
});

describe('queryPages with an AbortSignal', () => {
  it('aborts the page request in flight and rejects with the reason', async () => {
    let unsubscribed = false;
    let sent!: () => void;
    const requested = new Promise<void>((resolve) => (sent = resolve));
    const client = new SalesforceClient({
      login: { accessToken: 'token', instanceUrl: 'https://abort.my.salesforce.com' },
      apiVersion: '62.0',
      retry: false,
      // a page that never answers: only the abort ends it
      transport: (_req: TransportRequest) => new Observable<never>(() => {
        sent();
        return () => (unsubscribed = true);
      }),
    });
    const controller = new AbortController();
    const pending = queryPages('SELECT Id FROM Account', { client, signal: controller.signal }).next();
    await requested;
    controller.abort(new Error('stopped by the user'));
    await expectAsync(pending).toBeRejectedWithError('stopped by the user');
    expect(unsubscribed).toBeTrue();
  });
});
