import { TestScheduler } from 'rxjs/testing';
import { filter, lastValueFrom, toArray } from 'rxjs';
import { bulkInsert$ } from '../../../src/sources/bulk/bulkInsert.js';
import { bulkQuery$ } from '../../../src/sources/bulk/bulkQuery.js';
import { bulkDelete$ } from '../../../src/sources/bulk/bulkDelete.js';
import { ValidationError } from '../../../src/client/errors.js';
import { fakeOrg } from './fakeOrg.js';

const quote = (c: string) => (/[",\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);

describe('bulk ingest reconciliation and upload parts (fake org)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => { scheduler = new TestScheduler((a, e) => expect(a).toEqual(e)); });

  it('matches shuffled results back to their inputs, duplicates included, and counts the unreported as unprocessed', () => {
    const records = [
      { Name: 'Dup', Phone: '1' }, { Name: 'Bad, "one"', Phone: null }, { Name: 'Dup', Phone: '1' }, { Name: 'Ok' }, { Name: 'Lost' },
    ];
    const successfulCsv = () => '"sf__Id","sf__Created",Name,Phone\n'
      + '001000000000003AAA,true,Ok,\n001000000000001AAA,true,Dup,1\n001000000000002AAA,true,Dup,1\n';
    const failedCsv = () => '"sf__Id","sf__Error",Phone,Name\n'       // columns echoed in another order: still matched
      + `,REQUIRED_FIELD_MISSING:Required fields are missing: [Industry],#N/A,${quote('Bad, "one"')}\n`;
    scheduler.run(({ expectObservable }) => {
      const org = fakeOrg(scheduler, { successfulCsv, failedCsv });
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
      expect(org.parts[0].split('\n')[0]).toBe('Name,Phone');   // the union of the records' fields, not the first record's
    });
  });

  it('splits the upload into PUTs of at most partSizeBytes, each with the header, in input order', () => {
    scheduler.run(() => {
      const org = fakeOrg(scheduler, { successfulCsv: () => '"sf__Id","sf__Created",Name\n' });
      const records = Array.from({ length: 1000 }, (_, i) => ({ Name: `Account ${i}` }));
      const uploads: { bytes: number; records: number }[] = [];
      bulkInsert$('Account', records, { client: org.client, partSizeBytes: 2048 }).subscribe(e => { if (e.type === 'upload') uploads.push(e); });
      scheduler.flush();
      expect(org.parts.length).toBeGreaterThan(5);
      for (const part of org.parts) {
        expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(2048);
        expect(part.startsWith('Name\n')).toBeTrue();
      }
      expect(org.uploadedRows().map(r => r[0])).toEqual(records.map(r => r.Name));
      expect(uploads.length).toBe(org.parts.length);
      expect(uploads[uploads.length - 1].records).toBe(1000);
      expect(uploads[uploads.length - 1].bytes).toBe(org.parts.reduce((n, p) => n + p.length, 0));
    });
  });

  it('fails fast on bad input, naming the record index and field, before any request', async () => {
    const org = fakeOrg(scheduler, {});
    await expectAsync(lastValueFrom(bulkDelete$('Account', [{ Id: '001000000000001AAA' }, { Name: 'no id' }], { client: org.client })))
      .toBeRejectedWith(jasmine.objectContaining({ recordIndex: 1, field: 'Id' }));
    await expectAsync(lastValueFrom(bulkInsert$('Account', [], { client: org.client }))).toBeRejectedWithError(/no records/);
    expect(org.log).toEqual([]);
  });

  it('refuses records over Bulk API 2.0 size limits (32,000 characters a field, 400,000 a record) before any request', async () => {
    const org = fakeOrg(scheduler, {});
    const tooLongField = [{ Name: 'ok' }, { Name: 'ok', Description: 'x'.repeat(32_001) }];
    await expectAsync(lastValueFrom(bulkInsert$('Account', tooLongField, { client: org.client })))
      .toBeRejectedWith(jasmine.objectContaining({ recordIndex: 1, field: 'Description', reason: jasmine.stringMatching(/32,000/) }));
    const wide: Record<string, string> = {};
    for (let i = 0; i < 14; i++) wide[`Text_${i}__c`] = 'y'.repeat(30_000);
    await expectAsync(lastValueFrom(bulkInsert$('Account', [wide], { client: org.client })))
      .toBeRejectedWith(jasmine.objectContaining({ recordIndex: 0, reason: jasmine.stringMatching(/400,000/) }));
    expect(org.log).toEqual([]);
  });

  it('refuses a streamed record carrying a column outside the header instead of dropping it', async () => {
    const org = fakeOrg(scheduler, {});
    async function* gen() { yield { Name: 'a' }; yield { Name: 'b', Industry: 'Energy' }; }
    const err = await lastValueFrom(bulkInsert$('Account', gen(), { client: org.client, headerSample: 1 })).catch(e => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toEqual(jasmine.objectContaining({ recordIndex: 1, field: 'Industry' }));
    // the job this call created is aborted, not left open
    expect(org.log.map(r => r.method)).toEqual(['POST', 'PATCH']);
    expect(org.log[1].data).toEqual({ state: 'Aborted' });
  });

  it('bulkQuery$ follows Sforce-Locator page by page with maxRecords, empty cells as null', () => {
    scheduler.run(({ expectObservable }) => {
      const org = fakeOrg(scheduler, {
        states: ['InProgress', 'JobComplete'],
        queryPages: {
          '': ['Id,Name\n001000000000001AAA,One\n001000000000002AAA,\n', 'MjA='],
          'MjA=': ['Id,Name\n001000000000003AAA,"Three, ""3"""\n', 'null'],
        },
      });
      const rows$ = bulkQuery$('SELECT Id, Name FROM Account', { client: org.client, maxRecords: 2 }).pipe(toArray());
      expectObservable(rows$).toBe('2500ms (a|)', { a: [
        { Id: '001000000000001AAA', Name: 'One' }, { Id: '001000000000002AAA', Name: null },
        { Id: '001000000000003AAA', Name: 'Three, "3"' },
      ] });
      scheduler.flush();
      expect(org.log.filter(r => r.path.includes('/results')).map(r => r.path))
        .toEqual([jasmine.stringMatching(/results\?maxRecords=2$/), jasmine.stringMatching(/results\?locator=MjA%3D&maxRecords=2$/)]);
    });
  });
});
