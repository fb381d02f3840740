import { firstValueFrom, lastValueFrom, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { puller } from '../../../src/util/rx/puller.js';

const settle = () => new Promise(resolve => setTimeout(resolve, 0));

describe('util/rx puller', () => {
  it('reads an iterable a pull at a time and opens it only when first pulled', async () => {
    let opened = 0;
    const input = { *[Symbol.iterator]() { opened++; yield* [1, 2, 3, 4, 5]; } };
    const pull = puller(input);
    const first$ = pull(2);
    expect(opened).toBe(0);
    expect(await firstValueFrom(first$)).toEqual([1, 2]);
    expect(await firstValueFrom(pull(2))).toEqual([3, 4]);
    expect(await firstValueFrom(pull(2))).toEqual([5]);
    expect(await firstValueFrom(pull(2))).toEqual([]);
    expect(opened).toBe(1);
  });

  it('sends an iterable that throws to the pull’s error channel', async () => {
    const input = { *[Symbol.iterator](): Iterator<number> { yield 1; throw new Error('bad row'); } };
    const pull = puller(input);
    await expectAsync(firstValueFrom(pull(5))).toBeRejectedWithError('bad row');
  });

  it('starts reading an async iterable on subscribe, not when pull() is called', async () => {
    let reads = 0;
    async function* rows() { for (let i = 0; i < 4; i++) { reads++; yield i; } }
    const pull = puller(rows());
    const pull$ = pull(2);
    await settle();
    expect(reads).toBe(0);
    expect(await firstValueFrom(pull$)).toEqual([0, 1]);
    expect(await firstValueFrom(pull(10))).toEqual([2, 3]);
  });

  it('keeps what an unsubscribed pull had read for the next pull: no record is lost', async () => {
    let release!: () => void;
    const gate = new Promise<void>(resolve => { release = resolve; });
    async function* rows() { yield 'a'; await gate; yield 'b'; yield 'c'; }
    const pull = puller(rows());
    const sub = pull(3).subscribe(() => fail('the first pull was unsubscribed'));
    await settle();
    sub.unsubscribe();
    release();
    await settle();
    expect(await firstValueFrom(pull(3))).toEqual(['a', 'b', 'c']);
  });

  it('fails the pull when the async iterable throws, including on opening it', async () => {
    const opening = { [Symbol.asyncIterator]: (): AsyncIterator<number> => { throw new Error('cannot open'); } };
    await expectAsync(firstValueFrom(puller(opening)(1))).toBeRejectedWithError('cannot open');
    async function* rows() { yield 1; throw new Error('disk gone'); }
    const pull = puller(rows());
    await expectAsync(firstValueFrom(pull(5))).toBeRejectedWithError('disk gone');
  });

  it('release() runs the generator’s finally block', async () => {
    let closed = false;
    async function* rows() { try { for (let i = 0; ; i++) yield i; } finally { closed = true; } }
    const pull = puller(rows());
    expect(await firstValueFrom(pull(2))).toEqual([0, 1]);
    pull.release();
    await settle();
    expect(closed).toBeTrue();
  });

  it('buffers an Observable from the first pull and answers each pull once it has enough (marbles)', () => {
    new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ cold, expectObservable }) => {
      const input$ = cold('a-b-c-d|');
      const pull = puller(input$);
      expectObservable(pull(2)).toBe('--(x|)', { x: ['a', 'b'] });
    });
  });

  it('sends an Observable input’s error to the pull and unsubscribes it on release', async () => {
    const input = new Subject<number>();
    const pull = puller(input);
    const first = lastValueFrom(pull(3));
    input.next(1);
    input.error(new Error('upstream'));
    await expectAsync(first).toBeRejectedWithError('upstream');
    const other = new Subject<number>();
    const p2 = puller(other);
    void firstValueFrom(p2(5)).catch(() => undefined);
    expect(other.observed).toBeTrue();
    p2.release();
    expect(other.observed).toBeFalse();
  });
});
