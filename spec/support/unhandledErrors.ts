/**
 * For specs that an exception reaches the subscriber rather than escaping: what RxJS reports as unhandled
 * (`config.onUnhandledError`, where an error thrown outside the error channel ends up) is collected per spec.
 */
import { config } from 'rxjs';

/**
 * Registers, in the enclosing `describe`, a handler that collects RxJS's unhandled errors during each spec and puts
 * the previous handler back after it. Returns the running spec's list (expect it empty, after `settle()`).
 */
export function recordUnhandledErrors(): () => readonly unknown[] {
  let unhandled: unknown[] = [];
  let previous: typeof config.onUnhandledError;
  beforeEach(() => {
    unhandled = [];
    previous = config.onUnhandledError;
    config.onUnhandledError = e => { unhandled.push(e); };
  });
  afterEach(() => { config.onUnhandledError = previous; });
  return () => unhandled;
}

/** Lets timers and pending callbacks run, so a late unhandled error would have been reported. */
export const settle = (): Promise<void> => new Promise<void>(resolve => setTimeout(resolve, 20));
