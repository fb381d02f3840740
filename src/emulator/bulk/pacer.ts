/**
 * Paces a processing loop to a records-per-second rate and hands the event loop back between slices, so a
 * million-row job passes visibly through InProgress while the server keeps answering requests.
 */
export class Pacer {
  private readonly started = performance.now();
  private count = 0;
  private sinceBreak = 0;
  private readonly step: number;

  constructor(private readonly recordsPerSecond: number) {
    // A slice of about 5 ms worth of records, at least 1 and at most 2,000.
    this.step = Math.max(1, Math.min(2000, Math.floor(recordsPerSecond / 200)));
  }

  /** Counts one record; returns a promise when the loop should pause (flush, then await it), else undefined. */
  tick(): Promise<void> | undefined {
    this.count++;
    if (++this.sinceBreak < this.step) return undefined;
    this.sinceBreak = 0;
    const due = this.started + (this.count / this.recordsPerSecond) * 1000;
    const wait = due - performance.now();
    return new Promise(resolve => (wait >= 1 ? setTimeout(resolve, wait) : setImmediate(resolve)));
  }
}
