import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { bulkInsert$ } from '../../../src/sources/bulk/bulkInsert.js';
import { createTestClient, ingestJobRoutes } from '../../../src/testing/index.js';

/** Lets pending promise callbacks (the async input reader) run. */
const settle = () => new Promise<void>(resolve => setTimeout(resolve, 0));

const fakeOrg = () => createTestClient(new TestScheduler(() => undefined), { routes: ingestJobRoutes(), retry: false });

describe('bulk ingest input release', () => {
  it('unsubscribes from an Observable input that is still open when the subscriber leaves', async () => {
    const org = fakeOrg();
    const input = new Subject<{ Name: string }>();
    const sub = bulkInsert$('Account', input, { client: org.client, headerSample: 1 }).subscribe({ error: () => undefined });
    input.next({ Name: 'Acme' });
    await settle();
    expect(org.requestsTo('POST', /\/jobs\/ingest$/).length).toBe(1); // the job exists and the upload waits for more rows
    sub.unsubscribe();
    await settle();
    expect(input.observed).toBeFalse();
  });

  it('closes an async generator input (its finally runs) when the ingest fails before reading it all', async () => {
    const org = fakeOrg();
    let closed = false;
    async function* rows() {
      try {
        yield { Name: 'Acme' };
        yield { Name: 'Globex', Extra__c: 'not in the sampled header' };
        for (let i = 0; i < 10_000; i++) yield { Name: `Row ${i}` };
      } finally {
        closed = true;
      }
    }
    let failure: unknown;
    bulkInsert$('Account', rows(), { client: org.client, headerSample: 1 }).subscribe({ error: e => { failure = e; } });
    for (let i = 0; i < 5 && failure === undefined; i++) await settle();
    expect(failure).toEqual(jasmine.objectContaining({ name: 'ValidationError' }));
    await settle();
    expect(closed).toBeTrue();
  });
});
