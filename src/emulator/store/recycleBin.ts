/**
 * The Recycle Bin's retention: a deleted row stays queryable (queryAll, getDeleted) for the retention period, then
 * is purged for good, as Salesforce's background job does. Purging happens whenever the bin is read, at most once per
 * millisecond of the org's clock, so no timer is needed and answers never lag.
 */
import { formatDatetime } from '../dates.js';
import type { StoredRecord } from '../types.js';
import type { Blobs } from './blobs.js';
import type { Changes } from './changes.js';
import type { Tables } from './tables.js';

/** Salesforce keeps deleted records in the Recycle Bin for 15 days. */
export const RECYCLE_BIN_DAYS = 15;

export class RecycleBin {
  private purgedAt = NaN;

  constructor(private readonly tables: Tables, private readonly blobs: Blobs, private readonly changes: Changes,
    private readonly now: () => number, readonly retentionMs: number) {}

  /** Rows of one object in the Recycle Bin (deleted, not yet purged). */
  *rows(sobject: string): Iterable<StoredRecord> {
    const t = this.tables.of(sobject);
    if (!t) return;
    this.purge();
    for (const id of t.bin) yield t.rows.get(id)!;
  }

  /**
   * Purges for good every row deleted longer ago than the retention: they leave queryAll, and getDeleted's
   * earliestDateAvailable moves past them. Returns how many rows went.
   */
  purge(): number {
    const now = this.now();
    if (now === this.purgedAt) return 0;
    this.purgedAt = now;
    const before = formatDatetime(now - this.retentionMs);
    let purged = 0;
    for (const t of this.tables.all()) {
      for (const id of [...t.bin]) {
        const rec = t.rows.get(id)!;
        const stamp = String(rec.SystemModstamp);
        if (stamp >= before) continue;
        if (!t.purgedThrough || stamp > t.purgedThrough) t.purgedThrough = stamp;
        this.tables.remove(t, rec);
        this.blobs.purge(id);
        this.changes.log({ o: 'h', id });
        purged++;
      }
    }
    return purged;
  }

  /** SystemModstamp of the newest row of `sobject` purged from the Recycle Bin, if any was. */
  purgedThrough(sobject: string): string | undefined {
    return this.tables.of(sobject)?.purgedThrough;
  }
}
