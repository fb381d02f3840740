import { createIngest, results, setState, upload, waitForJob } from './helpers.js';
import { startHarness, type Harness } from './harness.js';

describe('Bulk API 2.0 ingest at scale', () => {
  let h: Harness;
  beforeEach(async () => { h = await startHarness(1_000_000); });
  afterEach(async () => { await h.stop(); });

  it('inserts 100,000 rows streamed from two uploads', async () => {
    const { id } = await createIngest(h.http, { object: 'Account', operation: 'insert' });
    for (let part = 0; part < 2; part++) {
      const lines = ['Name,External_Id__c,NumberOfEmployees'];
      for (let i = part * 50_000; i < (part + 1) * 50_000; i++) lines.push(`"Account ${i}, Inc",EXT-${i},${i % 1000}`);
      expect((await upload(h.http, String(id), lines.join('\n') + '\n')).status).toBe(201);
    }
    await setState(h.http, 'ingest', String(id), 'UploadComplete');
    const info = await waitForJob(h.http, 'ingest', String(id));
    expect(info).toEqual(jasmine.objectContaining({ state: 'JobComplete', numberRecordsProcessed: 100_000, numberRecordsFailed: 0 }));
    expect(h.store.count('Account')).toBe(100_000);
    expect(h.store.findBy('Account', 'External_Id__c', 'EXT-99999')[0]?.Name).toBe('Account 99999, Inc');
    const ok = await results(h.http, String(id), 'successfulResults');
    expect(ok.split('\n').length).toBe(100_002); // header + rows + final newline
  }, 30_000);
});
