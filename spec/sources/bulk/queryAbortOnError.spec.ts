import { TestScheduler } from 'rxjs/testing';
import { bulkQuery$ } from '../../../src/sources/bulk/bulkQuery.js';
import { createTestClient, queryJobRoutes, sfError, TEST_JOB_ID } from '../../../src/testing/index.js';

/** A query job that is created, then whose status request fails for good (the client does not retry). */
function failingOrg(scheduler: TestScheduler, status: number) {
  const t = createTestClient(scheduler, { routes: queryJobRoutes({ polls: [sfError(status, 'X', 'down')] }), retry: false });
  const log = () => t.requests.map(r => `${r.method} ${r.path.replace('/services/data/v62.0/', '')}${r.method === 'PATCH' ? ` ${JSON.stringify(r.body)}` : ''}`);
  return { client: t.client, log };
}

describe('bulkQuery$ failing before its job ends', () => {
  it('aborts the job it started, as bulk ingest does, instead of leaving it running', () => {
    const scheduler = new TestScheduler(() => undefined);
    scheduler.run(() => {
      const org = failingOrg(scheduler, 500);
      let failure: unknown;
      bulkQuery$('SELECT Id FROM Account', { client: org.client, scheduler }).subscribe({ error: e => { failure = e; } });
      scheduler.flush();
      expect(failure).toEqual(jasmine.objectContaining({ status: 500 }));
      expect(org.log()).toEqual(['POST jobs/query', `GET jobs/query/${TEST_JOB_ID}`, `PATCH jobs/query/${TEST_JOB_ID} {"state":"Aborted"}`]);
    });
  });

  it('leaves the job alone after a timeout (it can be attached to and read later)', () => {
    const scheduler = new TestScheduler(() => undefined);
    scheduler.run(() => {
      const org = failingOrg(scheduler, 500);
      bulkQuery$('SELECT Id FROM Account', { client: org.client, scheduler, timeoutMs: 10, polling: { initialMs: 1000 } })
        .subscribe({ error: () => undefined });
      scheduler.flush();
      expect(org.log()).toEqual(['POST jobs/query']);
    });
  });
});
