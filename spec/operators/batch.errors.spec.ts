import { from, interval, lastValueFrom, map, take, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { batch } from '../../src/operators/batch.js';
import { recordUnhandledErrors } from '../support/unhandledErrors.js';

describe('batch() when typeOf throws', () => {
  const unhandled = recordUnhandledErrors();

  const typeOf = (r: { type?: string }) => {
    if (!r.type) throw new TypeError('record without a type');
    return r.type;
  };

  it('errors with the exception and reports nothing as unhandled', async () => {
    const records = [{ type: 'Account' }, { type: 'Account' }, { type: 'Contact' }, {}, { type: 'Account' }];
    const error = await lastValueFrom(from(records).pipe(batch({ size: 2, typeOf }), toArray()))
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('record without a type');
    expect(unhandled()).toEqual([]);
  });

  it('unsubscribes from an asynchronous source at the failure (marble)', () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-c-d|', { a: { type: 'A' }, b: { type: 'A' }, c: {}, d: { type: 'A' } });
      expectObservable(source.pipe(batch({ size: 2, typeOf }))).toBe('--x-#', { x: [{ type: 'A' }, { type: 'A' }] },
        new TypeError('record without a type'));
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
    expect(unhandled()).toEqual([]);
  });

  it('keeps working for well-typed records from an endless source', async () => {
    const out = await lastValueFrom(interval(1).pipe(map(i => ({ type: i % 3 === 0 ? 'A' : 'B' })), batch({ size: 3, typeOf }), take(2)));
    expect(out.length).toBe(3);
  });
});
