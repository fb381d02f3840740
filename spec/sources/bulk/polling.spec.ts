import { TestScheduler } from 'rxjs/testing';
import { filter, map, takeUntil, timer, toArray } from 'rxjs';
import { bulkInsert$ } from '../../../src/sources/bulk/bulkInsert.js';
import { BulkJobFailedError, BulkTimeoutError } from '../../../src/sources/bulk/errors.js';
import { BulkIngestJob } from '../../../src/sources/bulk/ingestJob.js';
import { createTestClient, ingestJobRoutes, TEST_JOB_ID as JOB_ID, type IngestJobScript } from '../../../src/testing/index.js';

const rows = [{ Name: 'Acme' }, { Name: 'Globex' }];
const successAll = (u: Array<Record<string, string>>) => '"sf__Id","sf__Created",Name\n' + u.map((r, i) => `001000000000000AA${i},true,${r.Name}`).join('\n') + '\n';

describe('bulk ingest polling (virtual time)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => { scheduler = new TestScheduler((a, e) => expect(a).toEqual(e)); });
  const fakeOrg = (script: IngestJobScript) => createTestClient(scheduler, { routes: ingestJobRoutes(script), retry: false });
  const polls = (org: ReturnType<typeof fakeOrg>) => org.requestsTo('GET', new RegExp(`/jobs/ingest/${JOB_ID}$`));
  const patches = (org: ReturnType<typeof fakeOrg>) => org.requestsTo('PATCH', new RegExp(`/jobs/ingest/${JOB_ID}$`));

  it('polls with the backoff schedule, capped at maxMs, and emits each state then the result', () => {
    scheduler.run(({ expectObservable }) => {
      const org = fakeOrg({ polls: ['InProgress', 'InProgress', 'InProgress', 'InProgress', 'JobComplete'], successful: successAll });
      const events$ = bulkInsert$('Account', rows, { client: org.client, polling: { initialMs: 1000, factor: 2, maxMs: 3000 } });
      // Open, upload and UploadComplete at 0; GETs at 1s, 3s, 6s, 9s, 12s; InProgress repeats are not re-emitted
      expectObservable(events$.pipe(map(e => e.type === 'job' ? e.job.state : e.type))).toBe(
        '(abc) 995ms d 10999ms (ef|)',
        { a: 'Open', b: 'upload', c: 'UploadComplete', d: 'InProgress', e: 'JobComplete', f: 'result' },
      );
      scheduler.flush();
      expect(polls(org).map(r => r.time))
        .toEqual([1000, 3000, 6000, 9000, 12000]);
    });
  });

  it('ends a Failed job with BulkJobFailedError carrying the errorMessage', () => {
    scheduler.run(({ expectObservable }) => {
      const org = fakeOrg({ polls: [{ state: 'Failed', errorMessage: 'InvalidBatch : Field name not found : Nme' }] });
      const events$ = bulkInsert$('Account', rows, { client: org.client }).pipe(filter(e => e.type === 'result'));
      expectObservable(events$).toBe('1s #', undefined, jasmine.objectContaining({
        name: 'BulkJobFailedError', jobId: JOB_ID, errorMessage: 'InvalidBatch : Field name not found : Nme',
      }) as unknown as BulkJobFailedError);
    });
  });

  it('aborts the job on the server when the subscriber leaves before a terminal state', () => {
    scheduler.run(({ expectObservable }) => {
      const org = fakeOrg({ polls: ['InProgress'] });
      const events$ = bulkInsert$('Account', rows, { client: org.client }).pipe(filter(e => e.type === 'result'));
      expectObservable(events$, '^ 1500ms !').toBe('');
      scheduler.flush();
      expect(patches(org).map(r => [r.time, r.body])).toEqual([[0, { state: 'UploadComplete' }], [1501, { state: 'Aborted' }]]);
    });
  });

  it('leaves the job alone with abortOnUnsubscribe: false, and after a terminal state', () => {
    scheduler.run(() => {
      const org = fakeOrg({ polls: ['InProgress'] });
      bulkInsert$('Account', rows, { client: org.client, abortOnUnsubscribe: false }).pipe(takeUntil(timer(5000))).subscribe();
      const done = fakeOrg({ polls: ['JobComplete'], successful: successAll });
      bulkInsert$('Account', rows, { client: done.client }).subscribe();
      scheduler.flush();
      expect(patches(org).map(r => r.body)).toEqual([{ state: 'UploadComplete' }]);
      expect(patches(done).map(r => r.body)).toEqual([{ state: 'UploadComplete' }]);
    });
  });

  it('times out with the job id and last state, without failing or aborting the job', () => {
    scheduler.run(({ expectObservable }) => {
      const org = fakeOrg({ polls: ['InProgress'] });
      const events$ = bulkInsert$('Account', rows, { client: org.client, timeoutMs: 10_000 }).pipe(filter(e => e.type === 'result'));
      expectObservable(events$).toBe('10s #', undefined, jasmine.objectContaining({
        name: 'BulkTimeoutError', jobId: JOB_ID, lastState: 'InProgress', timeoutMs: 10_000,
      }) as unknown as BulkTimeoutError);
      scheduler.flush();
      expect(patches(org).map(r => r.body)).toEqual([{ state: 'UploadComplete' }]);
    });
  });

  it('resumes a job by id: attach, poll to completion, read the streamed results', () => {
    scheduler.run(({ expectObservable }) => {
      const org = fakeOrg({ polls: ['InProgress', 'JobComplete'], successful: () => '"sf__Id","sf__Created",Name\n001000000000001AAA,false,"A, ""quoted"" name"\n' });
      const job = BulkIngestJob.attach(JOB_ID, { client: org.client });
      expectObservable(job.poll$({ polling: { initialMs: 2000 } }).pipe(map(j => j.state))).toBe('a 1999ms (b|)', { a: 'InProgress', b: 'JobComplete' });
      expectObservable(job.successfulResults$().pipe(toArray())).toBe('(a|)', {
        a: [[{ id: '001000000000001AAA', created: false, row: { Name: 'A, "quoted" name' } }]],
      });
    });
  });
});
