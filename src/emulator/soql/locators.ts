/**
 * Query locators: the server-side cursors behind `nextRecordsUrl`. Salesforce keeps one for 15 minutes of
 * inactivity and at most 10 open per user (opening an 11th releases the oldest); a released or expired one answers
 * 400 INVALID_QUERY_LOCATOR. Expiry is checked on access against an injectable clock, so no timer runs.
 */
import { SfHttpError } from '../types.js';
import type { QueryResult } from './engine.js';

export interface LocatorOptions {
  /** Idle lifetime in ms (default 15 minutes). */
  ttlMs?: number;
  /** Open top-level cursors per user (default 10). */
  maxPerUser?: number;
  /** Clock; an RxJS SchedulerLike fits (default Date). */
  scheduler?: { now(): number };
}

export interface Cursor {
  result: QueryResult;
  /** Page size asked for when the query started (`Sforce-Query-Options: batchSize`). */
  batchSize: number;
  tooling: boolean;
}

interface Entry extends Cursor {
  id: string;
  userId: string;
  lastUsed: number;
  /** Child-subquery cursors do not count against the per-user limit (choice: they belong to a parent page). */
  counted: boolean;
  /** Its last page was served. */
  released?: boolean;
}

/**
 * How long a cursor whose last page was served stays re-fetchable. A client whose connection dropped before that
 * page's answer arrived asks for the same nextRecordsUrl again; a cursor gone at once would turn a network blip into
 * INVALID_QUERY_LOCATOR. Unconfirmed how long Salesforce keeps it; a finished cursor no longer counts as open.
 */
const RELEASED_TTL_MS = 60_000;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class QueryLocators {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxPerUser: number;
  private readonly clock: { now(): number };
  private serial = 0;

  constructor(opts: LocatorOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 15 * 60_000;
    this.maxPerUser = opts.maxPerUser ?? 10;
    this.clock = opts.scheduler ?? Date;
  }

  /** Registers a cursor and returns its id (`01g…`, 18 characters like a record id). */
  open(userId: string, cursor: Cursor, counted = true): string {
    this.sweep();
    if (counted) {
      const mine = [...this.entries.values()].filter(e => e.userId === userId && e.counted);
      // Map order is insertion order: the first entries are the oldest.
      for (const e of mine.slice(0, Math.max(0, mine.length - this.maxPerUser + 1))) this.entries.delete(e.id);
    }
    let n = ++this.serial;
    let suffix = '';
    for (let i = 0; i < 15; i++) { suffix = (ALPHABET[n % 62] as string) + suffix; n = Math.floor(n / 62); }
    const id = `01g${suffix}`;
    this.entries.set(id, { ...cursor, id, userId, lastUsed: this.clock.now(), counted });
    return id;
  }

  /** The live cursor `id` of `userId`, refreshed; 400 INVALID_QUERY_LOCATOR otherwise. */
  take(userId: string, id: string): Cursor {
    this.sweep();
    const e = this.entries.get(id);
    if (!e || e.userId !== userId) throw new SfHttpError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    e.lastUsed = this.clock.now();
    return e;
  }

  /** The last page was served: the cursor stops counting as open, and stays re-fetchable for a short while. */
  release(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.released = true;
    e.counted = false;
    e.lastUsed = this.clock.now();
  }

  /** Open cursors (for tests and diagnostics). */
  get size(): number {
    this.sweep();
    let open = 0;
    for (const e of this.entries.values()) if (!e.released) open++;
    return open;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const e of this.entries.values()) {
      const ttl = e.released ? Math.min(this.ttlMs, RELEASED_TTL_MS) : this.ttlMs;
      if (now - e.lastUsed > ttl) this.entries.delete(e.id);
    }
  }
}
