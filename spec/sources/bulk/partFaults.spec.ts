import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { defer, from, lastValueFrom, Observable, tap, toArray } from 'rxjs';
import { SalesforceClient } from '../../../src/client/client.js';
import { errorFromResponse, NetworkError } from '../../../src/client/errors.js';
import { axiosTransport } from '../../../src/client/transport.js';
import type { SfResponse, TransportRequest } from '../../../src/client/types.js';
import { bulkIngestCsv$ } from '../../../src/node/bulkCsv.js';
import { bulkInsert$ } from '../../../src/sources/bulk/bulkInsert.js';
import { bulkUpsert$ } from '../../../src/sources/bulk/bulkUpsert.js';
import { BulkIngestInterruptedError } from '../../../src/sources/bulk/errors.js';
import { BulkIngestJob } from '../../../src/sources/bulk/ingestJob.js';
import type { BulkIngestEvent, BulkIngestResult } from '../../../src/sources/bulk/types.js';
import { startHarness, type Harness } from '../../emulator/bulk/harness.js';

const polling = { initialMs: 10, factor: 1.5, maxMs: 40 };

type Fault = 'refused' | 'page503' | 'dropped';

/**
 * Faults on the upload PUTs of bulk ingest, against the bulk engine over real HTTP. A refused connection never reaches
 * the org; a 503 page is answered before the org reads the part; a dropped connection reaches the org (the part is
 * stored) and loses only the answer, so the job would hold that part twice if it were simply re-sent.
 */
describe('bulk ingest upload faults', () => {
  let h: Harness;
  let sent: { method: string; path: string }[];
  let faults: (Fault | undefined)[];

  function client(): SalesforceClient {
    const real = axiosTransport();
    const transport = (req: TransportRequest): Observable<SfResponse<unknown>> => {
      const path = new URL(req.url).pathname.replace(/^\/services\/data\/v\d+\.\d\//, '');
      sent.push({ method: req.method, path });
      const fault = req.method === 'PUT' ? faults.shift() : undefined;
      if (fault === 'refused') {
        return defer(() => { throw new NetworkError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED', method: req.method, url: req.url }); });
      }
      if (fault === 'page503') {
        // the edge answers once the body has gone out: a streamed body is read to its end
        return defer(async () => {
          if (req.data instanceof Readable) for await (const chunk of req.data) void chunk;
          throw errorFromResponse({ status: 503, method: req.method, url: req.url, headers: { 'content-type': 'text/html' },
            data: '<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>' });
        });
      }
      if (fault === 'dropped') {
        // the org stores the part; the answer never comes back
        return new Observable<never>(subscriber => real(req).subscribe({
          next: () => subscriber.error(new NetworkError({ code: 'ECONNRESET', message: 'socket hang up', method: req.method, url: req.url, sent: true })),
          error: (e: unknown) => subscriber.error(e),
        }));
      }
      return real(req);
    };
    return new SalesforceClient({
      login: { accessToken: 'x', instanceUrl: h.base.replace(/\/services.*$/, '') }, apiVersion: '62.0', transport,
      retry: { maxAttempts: 3, baseDelayMs: 1, jitter: 'none' },
    });
  }

  const records = (n: number, prefix = 'Row') => Array.from({ length: n }, (_, i) => ({ Name: `${prefix} ${i}`, External_Id__c: `${prefix}-${i}` }));
  const puts = () => sent.filter(r => r.method === 'PUT');
  const creates = () => sent.filter(r => r.method === 'POST' && r.path === 'jobs/ingest').length;
  const names = () => [...h.store.scan('Account')].map(r => String(r.Name));
  const stateOf = async (c: SalesforceClient, id: string) => (await lastValueFrom(BulkIngestJob.attach(id, { client: c }).info$())).state;
  const run = (events$: Observable<BulkIngestEvent<unknown>>) => lastValueFrom(events$.pipe(toArray()));
  const final = (events: BulkIngestEvent<unknown>[]) => events[events.length - 1] as BulkIngestResult<unknown>;

  beforeEach(async () => {
    h = await startHarness(50_000);
    sent = [];
    faults = [];
  });
  afterEach(async () => { await h.stop(); });

  it('re-sends a part whose connection was refused, and says so', async () => {
    faults = ['refused'];
    const events = await run(bulkInsert$('Account', records(30), { client: client(), polling }));
    expect(final(events).successful.length).toBe(30);
    expect(events.filter(e => e.type === 'partResent')).toEqual([
      jasmine.objectContaining({ type: 'partResent', part: 1, attempt: 2, reason: jasmine.stringContaining('ECONNREFUSED') }),
    ]);
    expect(events.some(e => e.type === 'rerun')).toBeFalse();
    expect(creates()).toBe(1);
    expect(names().length).toBe(30);
  });

  it('re-sends a part answered with a 503 page (the org never read it): one job, every record once', async () => {
    faults = ['page503', 'page503'];
    const events = await run(bulkInsert$('Account', records(40), { client: client(), polling, partSizeBytes: 400 }));
    const result = final(events);
    expect(result.job.state).toBe('JobComplete');
    expect(result.successful.length).toBe(40);
    expect(result.failed).toEqual([]);
    const resent = events.filter(e => e.type === 'partResent');
    expect(resent.map(e => e.type === 'partResent' && [e.part, e.attempt])).toEqual([[1, 2], [1, 3]]);
    expect(creates()).toBe(1);
    expect(puts().length).toBeGreaterThan(2);
    expect(new Set(names()).size).toBe(40);
    expect(names().length).toBe(40);
  });

  it('re-sends a big part (a stream in Node) with a fresh body after a 503 page read the first one', async () => {
    faults = ['page503'];
    const input = Array.from({ length: 3_000 }, (_, i) => ({ Name: `Big ${i}`, Description: 'x'.repeat(400) }));
    const events = await run(bulkInsert$('Account', input, { client: client(), polling }));
    expect(final(events).successful.length).toBe(3_000);
    expect(events.filter(e => e.type === 'partResent').length).toBe(1);
    expect(new Set(names()).size).toBe(3_000);
    expect([...h.store.scan('Account')].every(r => r.Description === 'x'.repeat(400))).toBeTrue();
  });

  it('aborts a job whose part was dropped after sending and runs the ingest again once, in a new job, writing nothing twice', async () => {
    faults = [undefined, 'dropped'];      // the second part reaches the org, its answer is lost
    const c = client();
    const input = records(60);
    const events = await run(bulkUpsert$('Account', input, 'External_Id__c', { client: c, polling, partSizeBytes: 600 }));
    const result = final(events);
    expect(result.job.state).toBe('JobComplete');
    expect(result.successful.length).toBe(60);
    expect(result.successful.map(s => s.record)).toEqual(jasmine.arrayWithExactContents(input));
    const jobIds = events.filter(e => e.type === 'job').map(e => e.type === 'job' && e.job.id);
    const rerun = events.find(e => e.type === 'rerun');
    expect(rerun).toEqual(jasmine.objectContaining({ type: 'rerun', abortedJobId: jobIds[0], jobId: result.job.id,
      reason: jasmine.stringContaining('ECONNRESET') }));
    expect(result.job.id).not.toBe(jobIds[0] as string);
    expect(await stateOf(c, jobIds[0] as string)).toBe('Aborted');
    expect(creates()).toBe(2);
    expect(names().length).toBe(60);                           // the aborted job's parts loaded nothing
    expect(new Set(names()).size).toBe(60);
  });

  it('runs a cold Observable again when the caller says it replays', async () => {
    faults = ['dropped'];
    const input = records(10);
    const events = await run(bulkInsert$('Account', from(input), { client: client(), polling, replayable: true }));
    expect(final(events).successful.map(s => s.record)).toEqual(jasmine.arrayWithExactContents(input));
    expect(events.filter(e => e.type === 'rerun').length).toBe(1);
    expect(names().length).toBe(10);
  });

  it('fails clearly when the input can be read only once: the job is aborted and nothing is loaded', async () => {
    faults = ['dropped'];
    const c = client();
    async function* once() { for (const r of records(20)) yield r; }
    const jobIds: string[] = [];
    const err = await lastValueFrom(bulkInsert$('Account', once(), { client: c, polling, headerSample: 5 }).pipe(
      tap(e => { if (e.type === 'job') jobIds.push(e.job.id); }),
    )).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BulkIngestInterruptedError);
    expect(new Set(jobIds).size).toBe(1);
    const jobId = jobIds[0];
    expect((err as BulkIngestInterruptedError).jobIds).toEqual([jobId]);
    expect((err as Error).message).toContain(`Bulk job ${jobId} was aborted`);
    expect((err as Error).message).toContain('nothing was loaded');
    expect((err as BulkIngestInterruptedError).rerun).toBeFalse();
    expect(await stateOf(c, jobId)).toBe('Aborted');
    expect(creates()).toBe(1);
    expect(names()).toEqual([]);
  });

  it('runs again only once: a second lost answer fails with both jobs aborted and nothing loaded', async () => {
    faults = ['dropped', 'dropped'];
    const c = client();
    const err = await lastValueFrom(bulkInsert$('Account', records(15), { client: c, polling })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BulkIngestInterruptedError);
    const { jobIds, rerun } = err as BulkIngestInterruptedError;
    expect(rerun).toBeTrue();
    expect(jobIds.length).toBe(2);
    expect(jobIds[0]).not.toBe(jobIds[1]);
    for (const id of jobIds) expect(await stateOf(c, id)).toBe('Aborted');
    expect(creates()).toBe(2);
    expect(names()).toEqual([]);
  });

  it('reads a CSV file again for the re-run; a Readable of CSV fails clearly instead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rxforce-parts-'));
    try {
      const file = join(dir, 'accounts.csv');
      const csv = `Name\n${Array.from({ length: 25 }, (_, i) => `File ${i}`).join('\n')}\n`;
      writeFileSync(file, csv);
      faults = ['dropped'];
      const events = await run(bulkIngestCsv$('Account', 'insert', file, { client: client(), polling }));
      expect(final(events).successful.length).toBe(25);
      expect(events.filter(e => e.type === 'rerun').length).toBe(1);
      expect(names().length).toBe(25);

      faults = ['dropped'];
      const err = await lastValueFrom(bulkIngestCsv$('Account', 'insert', Readable.from([csv.replace(/File/g, 'Stream')]),
        { client: client(), polling })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BulkIngestInterruptedError);
      expect(names().filter(n => n.startsWith('Stream'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
