import { takeWhile } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  replicate$, type CachedDescribe, type Checkpoint, type ReplicationEvent,
} from '../../src/index.js';
import { createTestClient, replicationOrg, type ReplicationOrg } from '../../src/testing/index.js';

/**
 * Runs of one object sharing a describe cache, as a sync worker's rounds do: each run after the first asks the org
 * only whether the object changed (If-Modified-Since, answered 304), and a field added in between is still seen.
 */
describe('replicate$ with a describe cache (virtual time)', () => {
  it('asks whether the cached describe is current instead of describing again, and picks up a field added since', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const runs: ReplicationEvent[][] = [[], [], []];
    const cache = new Map<string, CachedDescribe>();
    const cached: (CachedDescribe | undefined)[] = [];
    let org!: ReplicationOrg;
    let log!: { time: number; path: string; headers: Record<string, string> }[];
    scheduler.run(() => {
      org = replicationOrg(scheduler, { object: 'Account', fields: [{ name: 'Name', type: 'string' }] });
      org.insert({ Name: 'Acme' });
      const test = createTestClient(scheduler, { routes: org.routes });
      log = test.requests;
      // each run resumes from the checkpoint the previous one ended with
      let checkpoint: Checkpoint | null = null;
      const run = (i: number) => replicate$('Account', { client: test.client, checkpoint, describeCache: cache, pollInterval: 1000 }).pipe(
        // one round, as a worker runs it
        takeWhile(e => e.type !== 'round', true),
      ).subscribe({ next: e => { runs[i].push(e); if (e.type === 'checkpoint') checkpoint = e.checkpoint; }, complete: () => cached.push(cache.get('Account')), error: (err: unknown) => fail(err) });
      // the object was last changed when the org started, at 0
      scheduler.schedule(() => run(0), 2_000);
      scheduler.schedule(() => run(1), 5_000);
      scheduler.schedule(() => org.addField({ name: 'Rating__c', type: 'string' }), 8_000);
      scheduler.schedule(() => run(2), 10_000);
    });
    const describes = log.filter(r => r.path.endsWith('/sobjects/Account/describe'));
    expect(describes.map(r => r.time)).toEqual([2_000, 5_000, 10_000]);
    expect(describes[0].headers['If-Modified-Since']).toBeUndefined();
    expect(describes[1].headers['If-Modified-Since']).toBeDefined();
    // both ask about the first describe: the 304 left the cache as it was
    expect(describes[2].headers['If-Modified-Since']).toBe(describes[1].headers['If-Modified-Since']);
    // the second run got a 304 and kept the cached describe; the third a new one, which replaced it
    expect(cached.length).toBe(3);
    expect(cached[1]).toBe(cached[0]);
    expect(cached[2]).not.toBe(cached[0]);
    expect(cached[2]!.describe.fields.map(f => f.name)).toContain('Rating__c');
    const fieldsOf = (events: ReplicationEvent[]) => events.flatMap(e => (e.type === 'schema' ? [e.fields.map(f => f.name)] : []));
    expect(fieldsOf(runs[0])).toEqual([['Id', 'SystemModstamp', 'IsDeleted', 'Name']]);
    expect(fieldsOf(runs[1])).toEqual([['Id', 'SystemModstamp', 'IsDeleted', 'Name']]);
    expect(fieldsOf(runs[2])).toEqual([['Id', 'SystemModstamp', 'IsDeleted', 'Name', 'Rating__c']]);
    // every run still ended with its round
    expect(runs.map(events => events[events.length - 1]?.type)).toEqual(['round', 'round', 'round']);
  });

  it('refuses a describe cache that cannot get and set, before any request', () => {
    expect(() => replicate$('Account', { describeCache: {} as never })).toThrowError(/describeCache must have get and set/);
  });
});
