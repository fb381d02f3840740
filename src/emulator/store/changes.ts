/**
 * Transactions and the commit stream. A write inside a transaction leaves an undo step and holds its journal entry
 * back; committing hands the entries, in order, to the write-ahead journal and to the commit listeners (Change Data
 * Capture), and rolling back runs the undo steps in reverse. A write outside any transaction commits at once.
 *
 * Kept apart from the rows (store/tables.ts) so that allOrNone, Composite's savepoints and the journal follow one
 * discipline whichever part of the store made the change.
 */
import type { Journal, JournalEntry } from '../persist/journal.js';

/**
 * Told of every committed change, in commit order, as the journal records it (a rolled-back transaction tells
 * nothing). Change Data Capture builds its events from here; a listener must not write to the store.
 */
export type CommitListener = (e: JournalEntry) => void;

export class Changes {
  private undo: (() => void)[] | null = null;
  private pending: JournalEntry[] | null = null;
  private readonly listeners = new Set<CommitListener>();

  constructor(private readonly journal?: Journal) {}

  /** Whether a transaction is open (a change made now can be undone). */
  get open(): boolean {
    return this.undo !== null;
  }

  /** Records how to undo the change just made, when a transaction is open. */
  onUndo(fn: () => void): void {
    this.undo?.push(fn);
  }

  /** Records a change for the journal and the listeners: now, or when the open transaction commits. */
  log(e: JournalEntry): void {
    if (this.pending) this.pending.push(e);
    else this.commit(e);
  }

  transaction<T>(fn: () => T): T {
    const end = this.begin();
    let committed = false;
    try {
      const result = fn();
      committed = (result as unknown) !== false;
      return result;
    } finally {
      end(committed);
    }
  }

  /**
   * Opens a transaction that may span awaits (a Composite request's subrequests); call the returned function once
   * with true to keep the changes or false to undo them. Inside another transaction it is a savepoint: undoing it
   * undoes only what was done since, and keeping it leaves the outer transaction to decide. The caller must not
   * wait on I/O while it is open, or another request's writes would land inside it.
   */
  begin(): (commit: boolean) => void {
    if (this.undo && this.pending) {
      const undo = this.undo;
      const pending = this.pending;
      const mark = undo.length;
      const journalMark = pending.length;
      return keep => {
        if (keep) return;
        for (let i = undo.length - 1; i >= mark; i--) undo[i]();
        undo.length = mark;
        pending.length = journalMark;
      };
    }
    this.undo = [];
    this.pending = [];
    let open = true;
    return keep => {
      if (!open) return;
      open = false;
      const undo = this.undo ?? [];
      const pending = this.pending ?? [];
      this.undo = null;
      this.pending = null;
      if (keep) for (const e of pending) this.commit(e);
      else for (let i = undo.length - 1; i >= 0; i--) undo[i]();
    };
  }

  /** Subscribes to committed changes; returns the unsubscribe. */
  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Writes pending journal lines to disk. */
  flush(): void {
    this.journal?.flush();
  }

  private commit(e: JournalEntry): void {
    this.journal?.append(e);
    for (const listener of this.listeners) listener(e);
  }
}
