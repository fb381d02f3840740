/**
 * Paces a processing loop to a records-per-second rate and hands the event loop back between slices, so a
 * million-row job passes visibly through InProgress while the server keeps answering requests.
 */
import type { BulkClock } from './jobs.js';

export class Pacer {
  private readonly started: number;
  private count = 0;
  private sinceBreak = 0;
  private readonly step: number;

  /**
   * @param clock where time is read; the due time of each slice is counted from the start, so slow timers catch up
   * @param sleep the wait between slices (the engine's, which stop cuts short)
   */
  constructor(private readonly recordsPerSecond: number, private readonly clock: BulkClock,
    private readonly sleep: (ms: number) => Promise<void> = ms => clock.sleep(ms)) {
    this.started = clock.now();
    // A slice of about 5 ms worth of records, at least 1 and at most 2,000.
    this.step = Math.max(1, Math.min(2000, Math.floor(recordsPerSecond / 200)));
  }

  /** Counts one record; returns a promise when the loop should pause (flush, then await it), else undefined. */
  tick(): Promise<void> | undefined {
    this.count++;
    if (++this.sinceBreak < this.step) return undefined;
    this.sinceBreak = 0;
    const due = this.started + (this.count / this.recordsPerSecond) * 1000;
    return this.sleep(Math.max(0, due - this.clock.now()));
  }
}
