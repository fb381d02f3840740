import { asyncScheduler, filter, lastValueFrom, map, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { bulkDelete$ } from '../../src/sources/bulk/bulkDelete.js';
import { bulkInsert$ } from '../../src/sources/bulk/bulkInsert.js';
import { bulkQuery$ } from '../../src/sources/bulk/bulkQuery.js';
import { createTestClient, ingestJobRoutes, queryJobRoutes, TEST_JOB_ID } from '../../src/testing/index.js';

describe('bulk job routes (rxforce/testing)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => { scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected)); });

  it('echo the object and operation the job was created with, and answer results made from the uploaded rows', () => {
    scheduler.run(({ expectObservable }) => {
      const t = createTestClient(scheduler, { routes: ingestJobRoutes({
        polls: ['JobComplete'],
        successful: rows => `"sf__Id";"sf__Created";Id\n` + rows.map(r => `${r.Id};false;${r.Id}\n`).join(''),
      }) });
      const ids = ['001000000000001AAA', '001000000000002AAA'];
      const events$ = bulkDelete$('Contact', ids.map(Id => ({ Id })), { client: t.client, columnDelimiter: 'SEMICOLON' });
      expectObservable(events$.pipe(filter(e => e.type === 'job'), map(e => `${e.job.operation} ${e.job.object} ${e.job.state}`)))
        .toBe('(ab) 996ms (c|)', { a: 'delete Contact Open', b: 'delete Contact UploadComplete', c: 'delete Contact JobComplete' });
      expectObservable(events$.pipe(filter(e => e.type === 'result'), map(e => e.successful.map(s => s.id))))
        .toBe('1s (r|)', { r: ids });
    });
  });

  it('page a query job by Sforce-Locator and refuse a locator the job never gave', async () => {
    const t = createTestClient(asyncScheduler, { retry: false, routes: queryJobRoutes({
      polls: ['JobComplete'], pages: ['Id\n001000000000001AAA\n', 'Id\n001000000000002AAA\n', 'Id\n'],
    }) });
    const rows = await lastValueFrom(bulkQuery$('SELECT Id FROM Account', { client: t.client, polling: { initialMs: 1 } }).pipe(toArray()));
    expect(rows).toEqual([{ Id: '001000000000001AAA' }, { Id: '001000000000002AAA' }]);
    expect(t.requestsTo('GET', '/results').map(r => r.query.locator ?? 'first')).toEqual(['first', btoa('1'), btoa('2')]);
    const stale = await lastValueFrom(t.client.request$({ method: 'GET', path: `jobs/query/${TEST_JOB_ID}/results`, params: { locator: 'bm9wZQ==' } }))
      .catch((e: unknown) => e);
    expect(stale).toEqual(jasmine.objectContaining({ status: 400, errorCode: 'INVALID_QUERY_LOCATOR' }));
  });

  it('keep every uploaded part, so a test sees what the pipeline sent', () => {
    scheduler.run(({ flush }) => {
      const t = createTestClient(scheduler, { routes: ingestJobRoutes({ polls: ['JobComplete'] }) });
      bulkInsert$('Account', [{ Name: 'Acme' }, { Name: 'Globex' }], { client: t.client }).subscribe();
      flush();
      expect(t.requestsTo('PUT', '/batches').map(r => r.body)).toEqual(['Name\nAcme\nGlobex\n']);
    });
  });
});
