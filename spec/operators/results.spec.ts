import { TestScheduler } from 'rxjs/testing';
import { onlyProgress, results } from '../../src/operators/results.js';
import type { ListEvent, ListSaveResult } from '../../src/sources/collections/types.js';

describe('results and onlyProgress', () => {
  const batch = { index: 0, size: 1, first: 0, succeeded: 1, failed: 0, attempts: 1 };
  const values: Record<string, ListEvent<ListSaveResult>> = {
    p: { type: 'progress', done: 1, failed: 0, total: 2, batch },
    q: { type: 'progress', done: 2, failed: 1, total: 2, batch: { ...batch, index: 1, first: 1, succeeded: 0, failed: 1 } },
    c: { type: 'complete', results: [{ id: '001', success: true, errors: [] }], done: 2, failed: 1, notAttempted: 0 },
  };
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('results() emits only the final results array', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-p-q-c|', values).pipe(results())).toBe('-----r|', { r: [{ id: '001', success: true, errors: [] }] });
    });
  });

  it('onlyProgress() drops the complete event', () => {
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-p-q-c|', values).pipe(onlyProgress())).toBe('-p-q--|', { p: values.p, q: values.q });
    });
  });
});
