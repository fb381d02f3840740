/**
 * A counting semaphore as an Observable wrapper, shared by every request of a client so that operations run with
 * their own concurrency still respect the client-wide cap. Queued work is dropped on unsubscribe; a slot is released
 * when the work completes, errors or is unsubscribed.
 */
import { finalize, Observable, type Subscription } from 'rxjs';

export class Limiter {
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly maxConcurrent: number) {
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
      throw new RangeError(`maxConcurrent must be a positive integer, got ${maxConcurrent}`);
    }
  }

  /** Work holding a slot right now. */
  get active(): number { return this.running; }
  /** Work waiting for a slot. */
  get queued(): number { return this.queue.length; }

  /** Subscribes to `work()` once a slot is free; the slot is held until that subscription ends. */
  run<T>(work: () => Observable<T>): Observable<T> {
    return new Observable<T>(subscriber => {
      let inner: Subscription | undefined;
      let holding = false;
      const release = () => {
        if (!holding) return;
        holding = false;
        this.running--;
        this.drain();
      };
      const start = () => {
        holding = true;
        this.running++;
        // released in finalize, after the work's own teardown, so the next request never overlaps the last one
        inner = work().pipe(finalize(release)).subscribe({
          next: v => subscriber.next(v),
          error: e => subscriber.error(e),
          complete: () => subscriber.complete(),
        });
      };
      if (this.running < this.maxConcurrent && this.queue.length === 0) start();
      else this.queue.push(start);
      return () => {
        const i = this.queue.indexOf(start);
        if (i >= 0) this.queue.splice(i, 1);
        inner?.unsubscribe();
        release();
      };
    });
  }

  private drain(): void {
    while (this.running < this.maxConcurrent && this.queue.length > 0) this.queue.shift()!();
  }
}
