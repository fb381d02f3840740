import { lastValueFrom, Observable } from 'rxjs';
import { SalesforceClient } from '../../../src/client/client.js';
import { NetworkError, SalesforceApiError } from '../../../src/client/errors.js';
import { axiosTransport } from '../../../src/client/transport.js';
import type { SfResponse, TransportRequest } from '../../../src/client/types.js';
import { bulkInsert } from '../../../src/sources/bulk/bulkInsert.js';
import { BulkIngestJob } from '../../../src/sources/bulk/ingestJob.js';
import { startHarness, type Harness } from '../../emulator/bulk/harness.js';

const polling = { initialMs: 10, factor: 1.5, maxMs: 40 };

/**
 * The close of an upload (PATCH UploadComplete) reaches the org but its answer is lost on the way back (the
 * connection resets): the client re-sends it, and the re-sent close finds the job already closed.
 */
describe('bulk ingest close with a lost answer', () => {
  let h: Harness;
  let sent: { method: string; path: string; data: unknown }[];
  let loseCloses: number;
  let loseCreates: number;

  function client(): SalesforceClient {
    const real = axiosTransport();
    const transport = (req: TransportRequest): Observable<SfResponse<unknown>> => {
      const path = new URL(req.url).pathname.replace(/^\/services\/data\/v\d+\.\d\//, '');
      sent.push({ method: req.method, path, data: req.data });
      const closing = req.method === 'PATCH' && (req.data as { state?: string }).state === 'UploadComplete';
      const creating = req.method === 'POST' && path === 'jobs/ingest';
      if (creating && loseCreates > 0) loseCreates--;
      else if (closing && loseCloses > 0) loseCloses--;
      else return real(req);
      // the org applies the request; the answer never comes back
      return new Observable<never>(subscriber => real(req).subscribe({
        next: () => subscriber.error(new NetworkError({ code: 'ECONNRESET', message: 'socket hang up', method: req.method, url: req.url, sent: true })),
        error: (e: unknown) => subscriber.error(e),
      }));
    };
    return new SalesforceClient({
      login: { accessToken: 'x', instanceUrl: h.base.replace(/\/services.*$/, '') }, apiVersion: '62.0', transport,
      retry: { maxAttempts: 3, baseDelayMs: 1, jitter: 'none' },
    });
  }

  beforeEach(async () => {
    h = await startHarness(20_000);
    sent = [];
    loseCloses = 0;
    loseCreates = 0;
  });
  afterEach(async () => { await h.stop(); });

  it('counts a re-sent close that finds the job closed as closed, and every record lands once', async () => {
    loseCloses = 1;
    const records = Array.from({ length: 50 }, (_, i) => ({ Name: `Lost answer ${i}` }));
    const result = await bulkInsert('Account', records, { client: client(), polling });
    expect(result.job.state).toBe('JobComplete');
    expect(result.successful.length).toBe(50);
    expect(result.failed).toEqual([]);
    expect(result.unprocessed).toEqual([]);
    expect(h.store.count('Account')).toBe(50);
    const patches = sent.filter(r => r.method === 'PATCH').map(r => (r.data as { state: string }).state);
    expect(patches).toEqual(['UploadComplete', 'UploadComplete']);   // re-sent once, never aborted
  });

  it('re-sends a job create whose answer was lost: the first job stays empty, every record lands once', async () => {
    loseCreates = 1;
    const records = Array.from({ length: 20 }, (_, i) => ({ Name: `Lost create ${i}` }));
    const result = await bulkInsert('Account', records, { client: client(), polling });
    expect(result.successful.length).toBe(20);
    expect(sent.filter(r => r.method === 'POST' && r.path === 'jobs/ingest').length).toBe(2);
    expect(h.store.count('Account')).toBe(20);
  });

  it('still fails a close when the job was not closed (aborted meanwhile)', async () => {
    const c = client();
    const job = await BulkIngestJob.create({ object: 'Account', operation: 'insert' }, { client: c });
    await lastValueFrom(job.upload$('Name\nNever closed\n'));
    await lastValueFrom(job.abort$());
    const err = await lastValueFrom(job.close$()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SalesforceApiError);
    expect((err as SalesforceApiError).status).toBe(400);
    expect(sent.filter(r => r.method === 'GET').length).toBe(1);     // the state was checked before failing
    expect(h.store.count('Account')).toBe(0);
  });
});
