import { defer, from, isObservable, Observable, of } from 'rxjs';
import { eachValueFrom } from 'rxjs-for-await';

/** What bulk ingest takes: an array or iterable, an async iterable (pulled as parts are uploaded), or an Observable. */
export type BulkInput<R> = Iterable<R> | AsyncIterable<R> | Observable<R>;

/** Reads up to `max` records at a time; an empty batch means the input is exhausted. */
export type Pull<R> = (max: number) => Observable<R[]>;

/**
 * A pull reader over any input. Iterables are read synchronously; async iterables are pulled only when the next
 * part is wanted, so a generator of millions of rows is never held in memory. An Observable cannot be paused: its
 * values are buffered until read (prefer an async iterable for huge inputs).
 */
export function puller<R>(input: BulkInput<R>): Pull<R> {
  if (isObservable(input)) return asyncPuller(eachValueFrom(input));
  if (typeof (input as Iterable<R>)[Symbol.iterator] === 'function') {
    const it = (input as Iterable<R>)[Symbol.iterator]();
    let done = false;
    return max => defer(() => {
      const out: R[] = [];
      while (!done && out.length < max) {
        const r = it.next();
        if (r.done) done = true; else out.push(r.value);
      }
      return of(out);
    });
  }
  return asyncPuller(input as AsyncIterable<R>);
}

function asyncPuller<R>(input: AsyncIterable<R>): Pull<R> {
  const it = input[Symbol.asyncIterator]();
  let done = false;
  return max => from((async () => {
    const out: R[] = [];
    while (!done && out.length < max) {
      const r = await it.next();
      if (r.done) done = true; else out.push(r.value);
    }
    return out;
  })());
}

export const isArrayInput = <R>(input: BulkInput<R>): input is readonly R[] => Array.isArray(input);
