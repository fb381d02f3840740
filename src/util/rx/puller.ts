import { defer, isObservable, Observable, of, type Subscription } from 'rxjs';

/** What a puller reads: an array or iterable, an async iterable (pulled only when more is wanted), or an Observable. */
export type PullSource<R> = Iterable<R> | AsyncIterable<R> | Observable<R>;

/** Reads up to `max` records at a time; an empty batch means the input is exhausted. */
export type Pull<R> = (max: number) => Observable<R[]>;

/** A pull reader that can let go of its input early (the ingest failed or its subscriber left). */
export type Puller<R> = Pull<R> & {
  /** Closes the input: unsubscribes an Observable, calls `return()` on an iterator so its `finally` blocks run. */
  release(): void;
};

/**
 * A pull reader over any input. Iterables are read synchronously; async iterables are pulled only when the next
 * part is wanted, so a generator of millions of rows is never held in memory. An Observable cannot be paused: its
 * values are buffered until read (prefer an async iterable for huge inputs).
 *
 * The reader is one cursor over one input, so its position is shared by its pulls; each pull is lazy (nothing is
 * read before it is subscribed) and every failure of the input, including one thrown while opening its iterator,
 * arrives on that pull's error channel.
 */
export function puller<R>(input: PullSource<R>): Puller<R> {
  if (isObservable(input)) return observablePuller(input);
  if (typeof (input as Iterable<R>)[Symbol.iterator] === 'function') return iterablePuller(input as Iterable<R>);
  return asyncPuller(input as AsyncIterable<R>);
}

function iterablePuller<R>(input: Iterable<R>): Puller<R> {
  let it: Iterator<R> | undefined;
  let done = false;
  const pull: Pull<R> = max => defer(() => {
    const out: R[] = [];
    while (!done && out.length < max) {
      it ??= input[Symbol.iterator]();
      const r = it.next();
      if (r.done) done = true; else out.push(r.value);
    }
    return of(out);
  });
  return Object.assign(pull, {
    release: () => {
      if (done) return;
      done = true;
      it?.return?.();
    },
  });
}

/**
 * Reads an async iterable only while a pull is subscribed. Records read for a pull whose subscriber left before they
 * arrived are kept for the next pull, and a failure it met is that pull's error: an unsubscribed pull loses nothing.
 */
function asyncPuller<R>(input: AsyncIterable<R>): Puller<R> {
  let it: AsyncIterator<R> | undefined;
  let done = false;
  let carried: R[] = [];
  let failed: { error: unknown } | undefined;
  const read = async (out: R[], max: number): Promise<R[]> => {
    if (failed) {
      if (out.length) return out;
      throw failed.error;
    }
    while (!done && out.length < max) {
      it ??= input[Symbol.asyncIterator]();
      const r = await it.next();
      if (r.done) done = true; else out.push(r.value);
    }
    return out;
  };
  const pull: Pull<R> = max => new Observable<R[]>(subscriber => {
    let active = true;
    const out = carried.splice(0, max);
    read(out, max).then(
      records => {
        if (active) {
          subscriber.next(records);
          subscriber.complete();
        } else {
          carried = records.concat(carried);
        }
      },
      (error: unknown) => {
        // an input that failed while nobody was pulling fails the next pull, never reads as exhausted
        if (active) subscriber.error(error);
        else {
          carried = out.concat(carried);
          failed = { error };
        }
      },
    );
    return () => { active = false; };
  });
  return Object.assign(pull, {
    release: () => {
      carried = [];
      if (done) return;
      done = true;
      // nobody is left to tell about a failing return()
      it?.return?.()?.catch(() => undefined);
    },
  });
}

/** Buffers an Observable's values from the first pull until they are read; `release` unsubscribes. */
function observablePuller<R>(input: Observable<R>): Puller<R> {
  let subscription: Subscription | undefined;
  let buffer: R[] = [];
  let done = false;
  let failed: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const pull: Pull<R> = max => new Observable<R[]>(subscriber => {
    const fill = () => {
      if (failed) return subscriber.error(failed.error);
      if (buffer.length < max && !done) {
        wake = fill;
        return;
      }
      wake = undefined;
      subscriber.next(buffer.splice(0, max));
      subscriber.complete();
    };
    subscription ??= input.subscribe({
      next: v => { buffer.push(v); wake?.(); },
      error: (error: unknown) => { failed = { error }; done = true; wake?.(); },
      complete: () => { done = true; wake?.(); },
    });
    fill();
    return () => { if (wake === fill) wake = undefined; };
  });
  return Object.assign(pull, {
    release: () => {
      done = true;
      buffer = [];
      wake = undefined;
      subscription?.unsubscribe();
    },
  });
}

export const isArrayInput = <R>(input: PullSource<R>): input is readonly R[] => Array.isArray(input);
