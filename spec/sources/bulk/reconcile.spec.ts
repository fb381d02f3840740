import { TestScheduler } from 'rxjs/testing';
import { filter, lastValueFrom, toArray } from 'rxjs';
import { bulkInsert$ } from '../../../src/sources/bulk/bulkInsert.js';
import { bulkQuery$ } from '../../../src/sources/bulk/bulkQuery.js';
import { bulkDelete$ } from '../../../src/sources/bulk/bulkDelete.js';
import { ValidationError } from '../../../src/client/errors.js';
import { createTestClient, ingestJobRoutes, queryJobRoutes, type IngestJobScript } from '../../../src/testing/index.js';

const quote = (c: string) => (/[",\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);

describe('bulk ingest reconciliation and upload parts (fake org)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => { scheduler = new TestScheduler((a, e) => expect(a).toEqual(e)); });
  const fakeOrg = (script: IngestJobScript = {}) => {
    const t = createTestClient(scheduler, { routes: ingestJobRoutes({ polls: ['JobComplete'], ...script }), retry: false });
    return Object.assign(t, { parts: () => t.requestsTo('PUT', '/batches').map(r => String(r.body)) });
  };

  it('matches shuffled results back to their inputs, duplicates included, and counts the unreported as unprocessed', () => {
    const records = [
      { Name: 'Dup', Phone: '1' }, { Name: 'Bad, "one"', Phone: null }, { Name: 'Dup', Phone: '1' }, { Name: 'Ok' }, { Name: 'Lost' },
    ];
    const successfulCsv = () => '"sf__Id","sf__Created",Name,Phone\n'
      + '001000000000003AAA,true,Ok,\n001000000000001AAA,true,Dup,1\n001000000000002AAA,true,Dup,1\n';
    const failedCsv = () => '"sf__Id","sf__Error",Phone,Name\n'       // columns echoed in another order: still matched
      + `,REQUIRED_FIELD_MISSING:Required fields are missing: [Industry],#N/A,${quote('Bad, "one"')}\n`;
    scheduler.run(({ expectObservable }) => {
      const org = fakeOrg({ successful: successfulCsv, failed: failedCsv });
      const result$ = bulkInsert$('Account', records, { client: org.client }).pipe(filter(e => e.type === 'result'));
      expectObservable(result$).toBe('1s (r|)', { r: jasmine.objectContaining({
        successful: [
          { record: records[3], id: '001000000000003AAA', created: true },
          { record: records[0], id: '001000000000001AAA', created: true },
          { record: records[2], id: '001000000000002AAA', created: true },
        ],
        failed: [{ record: records[1], error: 'REQUIRED_FIELD_MISSING:Required fields are missing: [Industry]' }],
        unprocessed: [records[4]],
      }) });
      scheduler.flush();
      expect(org.parts()[0].split('\n')[0]).toBe('Name,Phone');   // the union of the records' fields, not the first record's
    });
  });

  it('splits the upload into PUTs of at most partSizeBytes, each with the header, in input order', () => {
    scheduler.run(() => {
      const org = fakeOrg({ successful: '"sf__Id","sf__Created",Name\n' });
      const records = Array.from({ length: 1000 }, (_, i) => ({ Name: `Account ${i}` }));
      const uploads: { bytes: number; records: number }[] = [];
      bulkInsert$('Account', records, { client: org.client, partSizeBytes: 2048 }).subscribe(e => { if (e.type === 'upload') uploads.push(e); });
      scheduler.flush();
      const parts = org.parts();
      expect(parts.length).toBeGreaterThan(5);
      for (const part of parts) {
        expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(2048);
        expect(part.startsWith('Name\n')).toBeTrue();
      }
      expect(parts.flatMap(p => p.trimEnd().split('\n').slice(1))).toEqual(records.map(r => r.Name));
      expect(uploads.length).toBe(parts.length);
      expect(uploads[uploads.length - 1].records).toBe(1000);
      expect(uploads[uploads.length - 1].bytes).toBe(parts.reduce((n, p) => n + p.length, 0));
    });
  });

  it('fails fast on bad input, naming the record index and field, before any request', async () => {
    const org = fakeOrg();
    await expectAsync(lastValueFrom(bulkDelete$('Account', [{ Id: '001000000000001AAA' }, { Name: 'no id' }], { client: org.client })))
      .toBeRejectedWith(jasmine.objectContaining({ recordIndex: 1, field: 'Id' }));
    await expectAsync(lastValueFrom(bulkInsert$('Account', [], { client: org.client }))).toBeRejectedWithError(/no records/);
    expect(org.requests).toEqual([]);
  });

  it('refuses records over Bulk API 2.0 size limits (32,000 characters a field, 400,000 a record) before any request', async () => {
    const org = fakeOrg();
    const tooLongField = [{ Name: 'ok' }, { Name: 'ok', Description: 'x'.repeat(32_001) }];
    await expectAsync(lastValueFrom(bulkInsert$('Account', tooLongField, { client: org.client })))
      .toBeRejectedWith(jasmine.objectContaining({ recordIndex: 1, field: 'Description', reason: jasmine.stringMatching(/32,000/) }));
    const wide: Record<string, string> = {};
    for (let i = 0; i < 14; i++) wide[`Text_${i}__c`] = 'y'.repeat(30_000);
    await expectAsync(lastValueFrom(bulkInsert$('Account', [wide], { client: org.client })))
      .toBeRejectedWith(jasmine.objectContaining({ recordIndex: 0, reason: jasmine.stringMatching(/400,000/) }));
    expect(org.requests).toEqual([]);
  });

  it('refuses a value no CSV cell can hold (a symbol, a function), naming record and field, before any request', async () => {
    const org = fakeOrg();
    const records = [{ Name: 'ok' }, { Name: 'ok', Description: Symbol('not a value') }];
    await expectAsync(lastValueFrom(bulkInsert$('Account', records, { client: org.client })))
      .toBeRejectedWith(jasmine.objectContaining({ recordIndex: 1, field: 'Description', reason: jasmine.stringMatching(/symbol/) }));
    expect(org.requests).toEqual([]);
  });

  it('refuses a streamed record carrying a column outside the header instead of dropping it', async () => {
    const org = fakeOrg();
    async function* gen() { yield { Name: 'a' }; yield { Name: 'b', Industry: 'Energy' }; }
    const err = await lastValueFrom(bulkInsert$('Account', gen(), { client: org.client, headerSample: 1 })).catch(e => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toEqual(jasmine.objectContaining({ recordIndex: 1, field: 'Industry' }));
    // the job this call created is aborted, not left open
    expect(org.requests.map(r => r.method)).toEqual(['POST', 'PATCH']);
    expect(org.requests[1].body).toEqual({ state: 'Aborted' });
  });

  it('bulkQuery$ follows Sforce-Locator page by page with maxRecords, empty cells as null', () => {
    scheduler.run(({ expectObservable }) => {
      const org = createTestClient(scheduler, { retry: false, routes: queryJobRoutes({
        polls: ['InProgress', 'JobComplete'],
        pages: ['Id,Name\n001000000000001AAA,One\n001000000000002AAA,\n', 'Id,Name\n001000000000003AAA,"Three, ""3"""\n'],
      }) });
      const rows$ = bulkQuery$('SELECT Id, Name FROM Account', { client: org.client, maxRecords: 2 }).pipe(toArray());
      expectObservable(rows$).toBe('2500ms (a|)', { a: [
        { Id: '001000000000001AAA', Name: 'One' }, { Id: '001000000000002AAA', Name: null },
        { Id: '001000000000003AAA', Name: 'Three, "3"' },
      ] });
      scheduler.flush();
      // the second page is asked for with the locator the first one carried (base64 of the rows served: '2')
      expect(org.requestsTo('GET', '/results').map(r => r.path))
        .toEqual([jasmine.stringMatching(/results\?maxRecords=2$/), jasmine.stringMatching(/results\?locator=Mg%3D%3D&maxRecords=2$/)]);
    });
  });
});
