import { takeUntil, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { replicate$, replicateAll$, ValidationError, type ReplicationEvent } from '../../src/index.js';
import { createTestClient, replicationOrg } from '../../src/testing/index.js';

describe('replicateAll$ (virtual time)', () => {
  /** Events, and the objects each virtual instant's requests were about, of three objects replicated side by side. */
  function runThree(concurrency: number): { events: ReplicationEvent[]; objectsAt: Map<number, Set<string>> } {
    const events: ReplicationEvent[] = [];
    const objectsAt = new Map<number, Set<string>>();
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold }) => {
      const orgs = ['Account', 'Contact', 'Lead'].map(object => replicationOrg(scheduler, { object, fields: [{ name: 'Name', type: 'string' }] }));
      orgs.forEach((org, i) => { for (let n = 0; n <= i; n++) org.insert({ Name: `${i}.${n}` }); });
      // every answer takes 10 ms, so rounds overlap unless the limit holds them apart
      const slow = orgs.flatMap(org => org.routes).map(route => ({
        ...route, replies: [(req: Parameters<Extract<typeof route.replies[0], (...a: never[]) => unknown>>[0]) =>
          cold('10ms (a|)', { a: (route.replies[0] as (r: typeof req) => import('../../src/testing/index.js').CannedResponse)(req) })],
      }));
      const t = createTestClient(scheduler, { routes: slow });
      replicateAll$(['Account', 'Contact', { object: 'Lead', pollInterval: 500 }], {
        client: t.client, pollInterval: 1000, concurrency,
      }).pipe(takeUntil(timer(2500, scheduler))).subscribe({ next: e => events.push(e), error: (err: unknown) => fail(err) });
      scheduler.schedule(() => {
        for (const r of t.requests) {
          const object = /FROM\+(\w+)|sobjects\/(\w+)/.exec(decodeURIComponent(r.path))!.slice(1).find(Boolean)!;
          objectsAt.set(r.time, (objectsAt.get(r.time) ?? new Set()).add(object));
        }
      }, 2499);
    });
    return { events, objectsAt };
  }

  it('runs several objects, at most `concurrency` rounds at once, and merges their events', () => {
    const { events, objectsAt } = runThree(1);
    // one round at a time: no instant sees requests about two objects
    expect([...objectsAt.values()].every(objects => objects.size === 1)).toBeTrue();
    expect(runThree(3).objectsAt.get(0)!.size).toBe(3);
    const loaded = (object: string) => events.filter(e => e.type === 'upsert' && e.object === object).length;
    expect([loaded('Account'), loaded('Contact'), loaded('Lead')]).toEqual([1, 2, 3]);
    const rounds = (object: string) => events.filter(e => e.type === 'round' && e.object === object).length;
    // Lead polls twice as often as the others
    expect(rounds('Lead')).toBeGreaterThan(rounds('Account'));
  });

  it('refuses bad options before any request', () => {
    expect(() => replicateAll$([], {})).toThrowError(ValidationError, /at least one object/);
    expect(() => replicateAll$(['Account', 'account'], {})).toThrowError(ValidationError, /named twice/);
    expect(() => replicateAll$(['Account'], { concurrency: 0 })).toThrowError(ValidationError, /concurrency/);
    const checkpoint = { object: 'Account', field: 'SystemModstamp' as const, watermark: '2024-05-01T00:00:00Z', where: null, loadedAt: '2024-05-01T00:00:00Z' };
    expect(() => replicateAll$(['Account', 'Contact'], { checkpoint })).toThrowError(ValidationError, /single checkpoint/);
    expect(() => replicate$('Account; DROP', {})).toThrowError(ValidationError, /not an object API name/);
    expect(() => replicate$('Account', { fields: ['Owner.Name'] })).toThrowError(ValidationError, /field Owner\.Name/);
    expect(() => replicate$('Account', { pollInterval: -1 })).toThrowError(ValidationError, /pollInterval/);
    expect(() => replicate$('Account', { checkpoint: { ...checkpoint, watermark: 'yesterday' } })).toThrowError(ValidationError, /watermark is no date/);
  });
});
