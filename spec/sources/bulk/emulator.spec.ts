import { lastValueFrom, filter, toArray } from 'rxjs';
import { SalesforceClient } from '../../../src/client/client.js';
import { bulkInsert, bulkInsert$ } from '../../../src/sources/bulk/bulkInsert.js';
import { bulkQuery$ } from '../../../src/sources/bulk/bulkQuery.js';
import { BulkTimeoutError } from '../../../src/sources/bulk/errors.js';
import { BulkIngestJob } from '../../../src/sources/bulk/ingestJob.js';
import { startHarness, type Harness } from '../../emulator/bulk/harness.js';

const polling = { initialMs: 10, factor: 1.5, maxMs: 40 };

describe('bulk against the emulator bulk engine', () => {
  let h: Harness;
  let client: SalesforceClient;
  beforeEach(async () => {
    h = await startHarness(20_000);
    client = new SalesforceClient({ login: { accessToken: 'x', instanceUrl: h.base.replace(/\/services.*$/, '') }, apiVersion: '62.0' });
  });
  afterEach(async () => { await h.stop(); });

  it('accounts for every record when some rows fail, matched back to the inputs', async () => {
    const records = [
      { Name: 'Acme, "Inc"', Industry: 'Energy' },
      { Name: null, Industry: 'Energy' },                      // #N/A on a required field
      { Name: 'Line\nbreak 日本', Industry: null },
      { Name: 'Acme, "Inc"', Industry: 'Energy' },              // duplicate row
      { Name: 'x'.repeat(300) },                               // longer than Name allows
    ];
    const result = await bulkInsert('Account', records, { client, polling });
    expect(result.job.state).toBe('JobComplete');
    expect(result.successful.map(s => s.record)).toEqual(jasmine.arrayWithExactContents([records[0], records[2], records[3]]));
    expect(new Set(result.successful.map(s => s.id)).size).toBe(3);
    expect(result.failed.map(f => f.record)).toEqual(jasmine.arrayWithExactContents([records[1], records[4]]));
    expect(result.failed.find(f => f.record === records[1])!.error).toMatch(/^REQUIRED_FIELD_MISSING:/);
    expect(result.failed.find(f => f.record === records[4])!.error).toMatch(/^STRING_TOO_LONG:/);
    expect(result.unprocessed).toEqual([]);
    const stored = h.store.get(result.successful.find(s => s.record === records[2])!.id)!;
    expect(stored.Name).toBe('Line\nbreak 日本');
  });

  it('uploads in several parts when partSizeBytes is lowered, and every row lands', async () => {
    const records = Array.from({ length: 400 }, (_, i) => ({ Name: `Part Account ${i}`, Description: 'é'.repeat(i % 7) }));
    const events = await lastValueFrom(bulkInsert$('Account', records, { client, polling, partSizeBytes: 2_000 }).pipe(toArray()));
    const uploads = events.filter(e => e.type === 'upload');
    expect(uploads.length).toBeGreaterThanOrEqual(5);            // ~10 KB of rows in ≤ 2 KB parts
    const result = events[events.length - 1];
    expect(result.type === 'result' && result.successful.length).toBe(400);
    expect(h.store.count('Account')).toBe(400);
  });

  it('sends a part of several megabytes of multi-byte text whole, every character intact', async () => {
    const records = Array.from({ length: 6_000 }, (_, i) => ({ Name: `Grand ${i} 日本`, Description: `ü€${'é'.repeat(200)}${i}` }));
    const events = await lastValueFrom(bulkInsert$('Account', records, { client, polling, results: 'stream' }).pipe(toArray()));
    expect(events.filter(e => e.type === 'upload').length).toBe(1);
    const summary = events[events.length - 1];
    expect(summary.type === 'summary' && summary.successful).toBe(6_000);
    const stored = h.store.findBy('Account', 'Name', 'Grand 5999 日本');
    expect(stored.map(r => r.Description)).toEqual([`ü€${'é'.repeat(200)}5999`]);
  });

  it('resumes a job by id after a client-side timeout', async () => {
    await h.stop();
    h = await startHarness(500);                              // slow processing: 2,000 rows take ~4 s
    client = new SalesforceClient({ login: { accessToken: 'x', instanceUrl: h.base.replace(/\/services.*$/, '') }, apiVersion: '62.0' });
    const records = Array.from({ length: 2000 }, (_, i) => ({ Name: `Slow ${i}` }));
    const err = await lastValueFrom(bulkInsert$('Account', records, { client, polling, timeoutMs: 50 })).catch(e => e);
    expect(err).toBeInstanceOf(BulkTimeoutError);
    const timeout = err as BulkTimeoutError;
    const job = BulkIngestJob.attach(timeout.jobId, { client });
    const info = await lastValueFrom(job.info$());
    expect(info.state).not.toBe('Aborted');                  // the timeout never aborted or failed the job
    await job.abort$().toPromise();
    const unprocessed = (await lastValueFrom(job.unprocessed$().pipe(toArray()))).flat();
    const done = (await lastValueFrom(job.successfulResults$().pipe(toArray()))).flat();
    expect(unprocessed.length + done.length).toBe(2000);
  });

  it('bulkQuery$ pages through Sforce-Locator with maxRecords and types empty cells as null', async () => {
    await bulkInsert('Account', Array.from({ length: 250 }, (_, i) => ({ Name: `Q ${i}`, Industry: i % 2 ? 'Energy' : null })), { client, polling });
    const rows = await lastValueFrom(bulkQuery$<{ Id: string; Name: string; Industry: string | null }>(
      'SELECT Id, Name, Industry FROM Account', { client, polling, maxRecords: 100 }).pipe(toArray()));
    expect(rows.length).toBe(250);
    expect(new Set(rows.map(r => r.Name)).size).toBe(250);
    expect(rows.filter(r => r.Industry === null).length).toBe(125);
  });

  it('bulkQuery$ downloads resultPages in parallel', async () => {
    await bulkInsert('Account', Array.from({ length: 300 }, (_, i) => ({ Name: `P ${i}` })), { client, polling });
    const rows = await lastValueFrom(bulkQuery$('SELECT Id, Name FROM Account', { client, polling, maxRecords: 50, parallel: 3 }).pipe(toArray()));
    expect(rows.length).toBe(300);
  });

  it('streams results without keeping the inputs when results: "stream"', async () => {
    async function* gen() { for (let i = 0; i < 500; i++) yield { Name: i === 7 ? null : `S ${i}` }; }
    const events = await lastValueFrom(bulkInsert$('Account', gen(), { client, polling, results: 'stream' }).pipe(toArray()));
    const summary = events[events.length - 1];
    expect(summary).toEqual(jasmine.objectContaining({ type: 'summary', successful: 499, failed: 1, unprocessed: 0 }));
    const failedRows = events.filter(e => e.type === 'failed').flatMap(e => e.type === 'failed' ? e.rows : []);
    expect(failedRows.map(r => r.row.Name)).toEqual(['#N/A']);
  });

  it('leaves no job open when the caller unsubscribes mid-way', async () => {
    await h.stop();
    h = await startHarness(200);
    client = new SalesforceClient({ login: { accessToken: 'x', instanceUrl: h.base.replace(/\/services.*$/, '') }, apiVersion: '62.0' });
    const records = Array.from({ length: 1000 }, (_, i) => ({ Name: `U ${i}` }));
    let jobId = '';
    const sub = bulkInsert$('Account', records, { client, polling }).pipe(filter(e => e.type === 'job')).subscribe(e => {
      if (e.type === 'job') jobId = e.job.id;
      if (e.type === 'job' && e.job.state === 'InProgress') sub.unsubscribe();
    });
    for (let i = 0; i < 100 && !sub.closed; i++) await new Promise(r => setTimeout(r, 10));
    await new Promise(r => setTimeout(r, 100));
    const info = await lastValueFrom(BulkIngestJob.attach(jobId, { client }).info$());
    expect(info.state).toBe('Aborted');
  });
});
