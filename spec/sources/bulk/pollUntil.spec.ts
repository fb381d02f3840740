import { TestScheduler } from 'rxjs/testing';
import { defer, map } from 'rxjs';
import { pollUntil } from '../../../src/operators/pollUntil.js';

describe('pollUntil', () => {
  let scheduler: TestScheduler;
  beforeEach(() => { scheduler = new TestScheduler((a, e) => expect(a).toEqual(e)); });

  it('re-subscribes after growing waits (capped) until a value is done, emitting it and completing', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-(a|)', { a: 'x' });
      let n = 0;
      const counted = defer(() => source).pipe(map(() => ++n));
      expectObservable(counted.pipe(pollUntil(v => v === 3, { initialMs: 10, factor: 2, maxMs: 15, scheduler })))
        .toBe('-a 10ms b 15ms (c|)', { a: 1, b: 2, c: 3 });
      expectSubscriptions(source.subscriptions).toBe(['^!', '11ms ^!', '27ms ^!']);
    });
  });
});
