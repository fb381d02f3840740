import { lastValueFrom, of, tap } from 'rxjs';
import { SalesforceClient } from '../../../src/client/client.js';
import { bulkInsert$ } from '../../../src/sources/bulk/bulkInsert.js';
import { BulkIngestJob } from '../../../src/sources/bulk/ingestJob.js';
import { uploadParts$ } from '../../../src/sources/bulk/upload.js';
import { puller } from '../../../src/util/rx/puller.js';
import { startHarness, type Harness } from '../../emulator/bulk/harness.js';
import { recordUnhandledErrors, settle } from '../../support/unhandledErrors.js';

/**
 * An exception while a part is being built (a value the CSV writer refuses, a record whose conversion throws) is the
 * upload's error: it reaches the subscriber, nothing is reported as unhandled, and the job it was for is aborted.
 */
describe('bulk upload part building', () => {
  const unhandled = recordUnhandledErrors();

  it('routes a record that is not text to the error channel instead of leaving the upload hanging', async () => {
    const lines = ['Acme\n', Symbol('not a line') as unknown as string];
    const puts: unknown[] = [];
    const err = await lastValueFrom(uploadParts$({
      pull: puller(lines), header: 'Name\n', partSizeBytes: 1024,
      put: body => { puts.push(body); return of(undefined); },
    })).catch((e: unknown) => e);
    await settle();
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toMatch(/value/i);
    expect(puts).toEqual([]);                                   // the part was never sent
    expect(unhandled()).toEqual([]);
  });

  describe('through the client', () => {
    let h: Harness;
    beforeEach(async () => { h = await startHarness(); });
    afterEach(async () => { await h.stop(); });

    it('fails the ingest with the converter\'s exception and aborts the job it created; nothing is loaded', async () => {
      const client = new SalesforceClient({ login: { accessToken: 'x', instanceUrl: h.base.replace(/\/services.*$/, '') }, apiVersion: '62.0' });
      function* records() {
        yield { Name: 'First' };
        yield { Name: 'Second' };
        yield { get Name(): string { throw new Error('cannot convert record 3'); } };
      }
      const jobIds: string[] = [];
      const err = await lastValueFrom(bulkInsert$('Account', records(), { client, headerSample: 1 }).pipe(
        tap(e => { if (e.type === 'job') jobIds.push(e.job.id); }),
      )).catch((e: unknown) => e);
      expect((err as Error).message).toContain('cannot convert record 3');
      expect(jobIds.length).toBe(1);
      let state = '';
      for (let i = 0; i < 50 && state !== 'Aborted'; i++) {
        state = (await lastValueFrom(BulkIngestJob.attach(jobIds[0], { client }).info$())).state;
        if (state !== 'Aborted') await settle();
      }
      expect(state).toBe('Aborted');
      expect(h.store.count('Account')).toBe(0);
      await settle();
      expect(unhandled()).toEqual([]);
    });
  });
});
