/**
 * The store as the write-ahead journal (../persist/journal.ts) sees it: every row and blob as entries for
 * compaction, and entries applied back on start. Replay moves rows directly: it neither validates, stamps, undoes nor
 * journals again, and it is idempotent, so a journal replayed over its own snapshot is harmless.
 */
import type { JournalEntry } from '../persist/journal.js';
import type { Blobs } from './blobs.js';
import type { RecordIds } from './dml.js';
import type { Tables } from './tables.js';

/** Every row and blob, for journal compaction. */
export function* snapshotEntries(tables: Tables, blobs: Blobs): Iterable<JournalEntry> {
  for (const t of tables.all()) for (const r of t.rows.values()) yield { o: 'i', r };
  for (const [id, d] of blobs.entries()) yield { o: 'b', id, d: d.toString('base64') };
}

/** Applies one journal entry. */
export function replayEntry(e: JournalEntry, tables: Tables, blobs: Blobs, ids: RecordIds): void {
  switch (e.o) {
    case 'i': {
      const t = tables.ofId(e.r.Id);
      if (!t) return;
      const old = t.rows.get(e.r.Id);
      if (old) tables.remove(t, old);
      tables.put(t, { ...e.r });
      ids.saw(e.r.Id);
      return;
    }
    case 'u': {
      const t = tables.ofId(e.id);
      const rec = t?.rows.get(e.id);
      if (t && rec) tables.assign(t, rec, e.f);
      return;
    }
    case 'h': {
      const t = tables.ofId(e.id);
      const rec = t?.rows.get(e.id);
      if (t && rec) tables.remove(t, rec);
      blobs.purge(e.id);
      return;
    }
    case 'b':
      blobs.restore(e.id, e.d);
  }
}
