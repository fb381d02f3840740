import { from, lastValueFrom } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ValidationError } from '../../src/client/errors.js';
import { deleteRecords } from '../../src/operators/deleteRecords.js';
import { results } from '../../src/operators/results.js';
import { fakeClient, fakeId, okResults, response } from './support/fakeTransport.js';

describe('deleteRecords', () => {
  it('DELETEs ids and records with Id, ≤ 200 a request, allOrNone in the query', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable }) => {
      const { client, sent } = fakeClient(scheduler, (req) => cold('-r|', { r: response(req, okResults(req)) }));
      const inputs = [...Array.from({ length: 250 }, (_v, i) => fakeId(i + 1)), { Id: fakeId(999) }];
      expectObservable(from(inputs).pipe(deleteRecords({ client, allOrNone: true }), results())).toBe('--(r|)', {
        r: jasmine.arrayWithExactContents(inputs.map((x) => ({ id: typeof x === 'string' ? x : x.Id, success: true, errors: [] }))),
      });
      scheduler.flush();
      expect(sent.map((s) => s.size)).toEqual([200, 51]);
      const url = new URL(sent[0].req.url);
      expect(sent[0].req.method).toBe('DELETE');
      expect(url.pathname).toBe('/services/data/v62.0/composite/sobjects');
      expect(url.searchParams.get('allOrNone')).toBe('true');
      expect(url.searchParams.get('ids')!.split(',')[0]).toBe(fakeId(1));
    });
  });

  it('keeps ids of several objects to 10 chunks per request', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold }) => {
      const { client, sent } = fakeClient(scheduler, (req) => cold('-r|', { r: response(req, okResults(req)) }));
      const ids = Array.from({ length: 12 }, (_v, i) => fakeId(i + 1, i % 2 ? '003' : '001'));
      from(ids).pipe(deleteRecords({ client })).subscribe();
      scheduler.flush();
      expect(sent.map((s) => s.size)).toEqual([10, 2]);
    });
  });

  it('checks every id before any request', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const { client, sent } = fakeClient(scheduler, () => {
      throw new Error('no request expected');
    });
    const error = await lastValueFrom(from([fakeId(1), 'not-an-id']).pipe(deleteRecords({ client }))).catch((e: unknown) => e);
    expect(error).toEqual(jasmine.any(ValidationError));
    expect((error as ValidationError).recordIndex).toBe(1);
    expect(sent.length).toBe(0);
  });
});
