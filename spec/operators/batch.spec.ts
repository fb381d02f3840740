import { TestScheduler } from 'rxjs/testing';
import { batch } from '../../src/operators/batch.js';

describe('batch', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('groups by size and flushes the remainder on complete', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-c-d-e-|');
      expectObservable(source.pipe(batch(2))).toBe('---x---y---(z|)', { x: ['a', 'b'], y: ['c', 'd'], z: ['e'] });
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it('starts a new batch when a new type run would exceed maxChunks', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const rec = (type: string) => ({ attributes: { type } });
      const values = { a: rec('Account'), c: rec('Contact') };
      // runs: a | c | a | c → with maxChunks 3 the fourth run starts a new batch
      const source = cold('aacac|', values);
      expectObservable(source.pipe(batch({ size: 200, maxChunks: 3 }))).toBe('----x(y|)', {
        x: [values.a, values.a, values.c, values.a],
        y: [values.c],
      });
    });
  });

  it('keeps mixed-type batches to 10 chunks by default', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const types = Array.from({ length: 12 }, (_v, i) => ({ attributes: { type: i % 2 ? 'Contact' : 'Account' } }));
      const source = cold('(abcdefghijkl|)', Object.fromEntries(types.map((t, i) => ['abcdefghijkl'[i], t])));
      expectObservable(source.pipe(batch(200))).toBe('(xy|)', { x: types.slice(0, 10), y: types.slice(10) });
    });
  });

  it('uses typeOf to find the type and keeps state per subscription', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const ids = cold('abc|', { a: '001A', b: '003B', c: '001C' });
      const grouped = ids.pipe(batch({ size: 10, maxChunks: 2, typeOf: (id: string) => id.slice(0, 3) }));
      expectObservable(grouped).toBe('--x(y|)', { x: ['001A', '003B'], y: ['001C'] });
      expectObservable(grouped).toBe('--x(y|)', { x: ['001A', '003B'], y: ['001C'] });
    });
  });

  it('rejects a size that is not a positive integer', () => {
    expect(() => batch(0)).toThrowError(RangeError);
  });
});
