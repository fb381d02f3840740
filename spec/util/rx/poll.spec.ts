import { defer, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { backoffDelays, pollWithBackoff } from '../../../src/util/rx/poll.js';

describe('util/rx pollWithBackoff', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('polls now, then after waits growing by factor up to the cap, and ends with the value that is done', () => {
    scheduler.run(({ expectObservable }) => {
      let n = 0;
      const fetch$ = () => defer(() => of(++n));
      const polled$ = pollWithBackoff(fetch$, v => v === 5, { initialMs: 10, factor: 2, maxMs: 30 }, scheduler);
      // waits 10, 20, 30 (capped), 30
      expectObservable(polled$).toBe('a 9ms b 19ms c 29ms d 29ms (e|)', { a: 1, b: 2, c: 3, d: 4, e: 5 });
    });
  });

  it('waits first when not immediate', () => {
    scheduler.run(({ expectObservable }) => {
      const polled$ = pollWithBackoff(() => of('done'), () => true, { initialMs: 5 }, scheduler, { immediate: false });
      expectObservable(polled$).toBe('5ms (a|)', { a: 'done' });
    });
  });

  it('keeps its backoff per subscription: a second subscriber starts from the first wait', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const polled$ = pollWithBackoff(() => cold('(a|)'), () => false, { initialMs: 10, factor: 3, maxMs: 1_000 }, scheduler);
      expectObservable(polled$, '^ 50ms !').toBe('a 9ms a 29ms a', { a: 'a' });
      expectObservable(polled$, '- 40ms ^ 20ms !').toBe('- 40ms a 9ms a', { a: 'a' });
    });
  });

  it('sends a failing poll to the error channel and stops polling', () => {
    scheduler.run(({ expectObservable }) => {
      let calls = 0;
      const fetch$ = () => defer(() => (++calls === 2 ? throwError(() => new Error('down')) : of(calls)));
      expectObservable(pollWithBackoff(fetch$, () => false, { initialMs: 10 }, scheduler)).toBe('a 9ms #', { a: 1 }, new Error('down'));
    });
  });

  it('does nothing before subscribe and stops calling when unsubscribed', () => {
    scheduler.run(({ expectObservable, flush }) => {
      let calls = 0;
      const polled$ = pollWithBackoff(() => defer(() => of(++calls)), () => false, { initialMs: 10, factor: 1, maxMs: 10 }, scheduler);
      flush();
      expect(calls).toBe(0);
      expectObservable(polled$, '^ 25ms !').toBe('a 9ms b 9ms c', { a: 1, b: 2, c: 3 });
      flush();
      expect(calls).toBe(3);
    });
  });

  it('backoffDelays: initial, ×factor, capped, fresh state per call', () => {
    const next = backoffDelays({ initialMs: 100, factor: 2, maxMs: 350 });
    expect([next(), next(), next(), next()]).toEqual([100, 200, 350, 350]);
    expect(backoffDelays({ initialMs: 100, factor: 2, maxMs: 350 })()).toBe(100);
  });
});
