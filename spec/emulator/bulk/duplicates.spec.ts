import { parse } from 'csv-parse/sync';
import { SalesforceClient } from '../../../src/client/client.js';
import { bulkUpdate } from '../../../src/sources/bulk/bulkUpdate.js';
import { bulkUpsert } from '../../../src/sources/bulk/bulkUpsert.js';
import { results, runIngest } from './helpers.js';
import { startHarness, type Harness } from './harness.js';

const rowsOf = (csv: string) => parse(csv, { columns: true }) as Record<string, string>[];

/**
 * One key twice in one chunk of an ingest job: Salesforce processes neither row and reports each as failed
 * (DUPLICATE_VALUE), as the REST collections do for one request.
 */
describe('Bulk API 2.0 ingest with a key repeated in the job', () => {
  let h: Harness;
  beforeEach(async () => { h = await startHarness(); });
  afterEach(async () => { await h.stop(); });

  const insert = (name: string, ext?: string) => {
    const r = h.store.insert('Account', ext ? { Name: name, External_Id__c: ext } : { Name: name });
    if (!r.success) throw new Error(JSON.stringify(r.errors));
    return r.id;
  };
  const named = (name: string) => [...h.store.scan('Account')].filter(r => r.Name === name);

  it('fails every row of an upsert whose external id another row repeats (ignoring case), and writes neither', async () => {
    const existing = insert('Kept', 'dup-1');
    const info = await runIngest(h.http, { object: 'Account', operation: 'upsert', externalIdFieldName: 'External_Id__c' },
      'External_Id__c,Name\ndup-1,First\nuniq-1,Alone\nDUP-1,Second\nnew-1,New\n');
    expect(info).toEqual(jasmine.objectContaining({ state: 'JobComplete', numberRecordsProcessed: 4, numberRecordsFailed: 2 }));
    const failed = rowsOf(await results(h.http, String(info.id), 'failedResults'));
    expect(failed.map(r => [r.Name, r.sf__Id, r.sf__Error])).toEqual([
      ['First', '', 'DUPLICATE_VALUE:Duplicate external id specified: dup-1'],
      ['Second', '', 'DUPLICATE_VALUE:Duplicate external id specified: DUP-1'],
    ]);
    const ok = rowsOf(await results(h.http, String(info.id), 'successfulResults'));
    expect(ok.map(r => r.Name)).toEqual(['Alone', 'New']);
    expect(h.store.get(existing)?.Name).toBe('Kept');
    expect(named('First').length + named('Second').length).toBe(0);
  });

  it('fails every row of an update whose Id another row repeats (15- or 18-character form), naming the Id', async () => {
    const a = insert('A');
    const b = insert('B');
    const info = await runIngest(h.http, { object: 'Account', operation: 'update' },
      `Id,Name\n${a},A1\n${b},B1\n${a.slice(0, 15)},A2\n`);
    expect(info).toEqual(jasmine.objectContaining({ state: 'JobComplete', numberRecordsProcessed: 3, numberRecordsFailed: 2 }));
    const failed = rowsOf(await results(h.http, String(info.id), 'failedResults'));
    expect(failed.map(r => [r.Name, r.sf__Id, r.sf__Error])).toEqual([
      ['A1', a, `DUPLICATE_VALUE:Duplicate id specified: ${a}`],
      ['A2', a.slice(0, 15), `DUPLICATE_VALUE:Duplicate id specified: ${a.slice(0, 15)}`],
    ]);
    expect(h.store.get(a)?.Name).toBe('A');
    expect(h.store.get(b)?.Name).toBe('B1');
  });

  it('applies a key once per row when its rows fall in different chunks of 200, as separate batches do', async () => {
    const filler = Array.from({ length: 250 }, (_, i) => `fill-${i},Filler ${i}`);
    const csv = ['External_Id__c,Name', 'far-1,Early', ...filler, 'far-1,Late'].join('\n') + '\n';
    const info = await runIngest(h.http, { object: 'Account', operation: 'upsert', externalIdFieldName: 'External_Id__c' }, csv);
    expect(info).toEqual(jasmine.objectContaining({ state: 'JobComplete', numberRecordsProcessed: 252, numberRecordsFailed: 0 }));
    expect(h.store.findBy('Account', 'External_Id__c', 'far-1').map(r => r.Name)).toEqual(['Late']);
  });

  it('reports the repeated rows as failed records through the client, matched to the inputs', async () => {
    const client = new SalesforceClient({ login: { accessToken: 'x', instanceUrl: h.base.replace(/\/services.*$/, '') }, apiVersion: '62.0' });
    const polling = { initialMs: 10, factor: 1.5, maxMs: 40 };
    const upserts = [{ External_Id__c: 'c-1', Name: 'One' }, { External_Id__c: 'c-2', Name: 'Two' }, { External_Id__c: 'c-1', Name: 'Again' }];
    const upserted = await bulkUpsert('Account', upserts, 'External_Id__c', { client, polling });
    expect(upserted.successful.map(s => s.record)).toEqual([upserts[1]]);
    expect(upserted.failed).toEqual(jasmine.arrayWithExactContents([
      { record: upserts[0], error: 'DUPLICATE_VALUE:Duplicate external id specified: c-1' },
      { record: upserts[2], error: 'DUPLICATE_VALUE:Duplicate external id specified: c-1' },
    ]));
    expect(h.store.findBy('Account', 'External_Id__c', 'c-1')).toEqual([]);

    const id = upserted.successful[0].id;
    const updates = [{ Id: id, Name: 'Two again' }, { Id: id, Name: 'Two twice' }];
    const updated = await bulkUpdate('Account', updates, { client, polling });
    expect(updated.successful).toEqual([]);
    expect(updated.failed.map(f => f.error)).toEqual([`DUPLICATE_VALUE:Duplicate id specified: ${id}`, `DUPLICATE_VALUE:Duplicate id specified: ${id}`]);
    expect(h.store.get(id)?.Name).toBe('Two');
  });
});
