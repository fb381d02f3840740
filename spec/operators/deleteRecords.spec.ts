import { from, lastValueFrom } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { NetworkError, ValidationError } from '../../src/client/errors.js';
import { deleteRecords } from '../../src/operators/deleteRecords.js';
import { results } from '../../src/operators/results.js';
import { ok, type LoggedRequest } from '../../src/testing/index.js';
import { failed, fakeId, listClient, okResults, sizeOf } from './support/lists.js';

describe('deleteRecords', () => {
  it('DELETEs ids and records with Id, ≤ 200 a request, allOrNone in the query', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable }) => {
      const { client, requests: sent } = listClient(scheduler, (req) => cold('-(r|)', { r: ok(okResults(req)) }));
      const inputs = [...Array.from({ length: 250 }, (_v, i) => fakeId(i + 1)), { Id: fakeId(999) }];
      expectObservable(from(inputs).pipe(deleteRecords({ client, allOrNone: true }), results())).toBe('-(r|)', {
        r: jasmine.arrayWithExactContents(inputs.map((x) => ({ id: typeof x === 'string' ? x : x.Id, success: true, errors: [] }))),
      });
      scheduler.flush();
      expect(sent.map(sizeOf)).toEqual([200, 51]);
      const url = new URL(sent[0].url);
      expect(sent[0].method).toBe('DELETE');
      expect(url.pathname).toBe('/services/data/v62.0/composite/sobjects');
      expect(url.searchParams.get('allOrNone')).toBe('true');
      expect(url.searchParams.get('ids')!.split(',')[0]).toBe(fakeId(1));
    });
  });

  it('keeps ids of several objects to 10 chunks per request', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold }) => {
      const { client, requests: sent } = listClient(scheduler, (req) => cold('-(r|)', { r: ok(okResults(req)) }));
      const ids = Array.from({ length: 12 }, (_v, i) => fakeId(i + 1, i % 2 ? '003' : '001'));
      from(ids).pipe(deleteRecords({ client })).subscribe();
      scheduler.flush();
      expect(sent.map(sizeOf)).toEqual([10, 2]);
    });
  });

  it('checks every id before any request', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const { client, requests: sent } = listClient(scheduler, () => {
      throw new Error('no request expected');
    });
    const error = await lastValueFrom(from([fakeId(1), 'not-an-id']).pipe(deleteRecords({ client }))).catch((e: unknown) => e);
    expect(error).toEqual(jasmine.any(ValidationError));
    expect((error as ValidationError).recordIndex).toBe(1);
    expect(sent.length).toBe(0);
  });
});

describe('deleteRecords after the client re-sent a batch', () => {
  const retry = { maxAttempts: 3, baseDelayMs: 5, jitter: 'none' as const };
  const deleted = { statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] };
  /** The org's answer once the first two ids are already in the recycle bin. */
  const secondAnswer = (req: LoggedRequest) =>
    okResults(req).map((r, i) => (i < 2 ? { ...(r as object), success: false, errors: [deleted] } : r));
  const dropped = (req: LoggedRequest, code: string) =>
    new NetworkError({ code, message: 'socket hang up', method: req.method, url: req.url });
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('counts ENTITY_IS_DELETED as deleted when the first attempt was lost after it was sent', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client, requests: sent } = listClient(
        scheduler,
        (req, n) => (n === 0 ? cold('-#', undefined, dropped(req, 'ECONNRESET')) : cold('-(r|)', { r: ok(secondAnswer(req)) })),
        { retry },
      );
      const ids = [1, 2, 3].map((n) => fakeId(n));
      // lost at 1, re-sent after 2 ** 1 × 5 ms, answered 1 ms later, done a frame after
      expectObservable(from(ids).pipe(deleteRecords({ client }), results())).toBe('- 10ms -(r|)', {
        r: ids.map((id) => ({ id, success: true, errors: [] })),
      });
      scheduler.flush();
      expect(sent.length).toBe(2);
    });
  });

  it('keeps ENTITY_IS_DELETED a failure on a first-time answer', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client } = listClient(scheduler, (req) => cold('-(r|)', { r: ok(secondAnswer(req)) }), { retry });
      const ids = [1, 2, 3].map((n) => fakeId(n));
      expectObservable(from(ids).pipe(deleteRecords({ client }), results())).toBe('-(r|)', {
        r: [{ id: ids[0], success: false, errors: [deleted] }, { id: ids[1], success: false, errors: [deleted] }, { id: ids[2], success: true, errors: [] }],
      });
    });
  });

  it('keeps ENTITY_IS_DELETED a failure when the earlier attempts cannot have reached the org', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client, requests: sent } = listClient(
        scheduler,
        (req, n) =>
          n === 0
            ? cold('-#', undefined, dropped(req, 'ECONNREFUSED'))
            : n === 1
              ? cold('-(e|)', { e: failed(503, [{ errorCode: 'SERVER_UNAVAILABLE', message: 'try later' }]) })
              : cold('-(r|)', { r: ok(secondAnswer(req)) }),
        { retry },
      );
      const ids = [1, 2].map((n) => fakeId(n));
      expectObservable(from(ids).pipe(deleteRecords({ client }), results())).toBe('- 10ms - 20ms -(r|)', {
        r: ids.map((id) => ({ id, success: false, errors: [deleted] })),
      });
      scheduler.flush();
      expect(sent.length).toBe(3);
    });
  });
});
