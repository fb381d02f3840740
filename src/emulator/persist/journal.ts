/**
 * Crash-safe persistence: a write-ahead journal of JSON lines appended before each response, compacted now and then
 * into a snapshot written to a temporary file and renamed over the old one. A torn last line (crash mid-write) is
 * ignored on replay; replay is idempotent, so a crash between the rename and the journal truncation is harmless.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredRecord } from '../types.js';

export type JournalEntry =
  | { o: 'i'; r: StoredRecord }
  | { o: 'u'; id: string; f: Record<string, unknown> }
  | { o: 'h'; id: string }
  | { o: 'b'; id: string; d: string };

export interface Journal {
  append(e: JournalEntry): void;
  flush(): void;
}

const SNAPSHOT = 'snapshot.jsonl';
const JOURNAL = 'journal.jsonl';

/** Parses JSON lines, skipping a torn (unparseable) line instead of failing the start. */
function* readLines(path: string): Iterable<JournalEntry> {
  if (!existsSync(path)) return;
  const text = readFileSync(path, 'utf8');
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (!line.trim()) continue;
    try {
      yield JSON.parse(line) as JournalEntry;
    } catch {
      // a torn write: the entry was never acknowledged to a client
    }
  }
}

export class FileJournal implements Journal {
  private buffer: string[] = [];
  private fd: number;
  private lines = 0;

  constructor(private readonly dir: string, private readonly compactEvery = 100_000) {
    mkdirSync(dir, { recursive: true });
    this.fd = openSync(join(dir, JOURNAL), 'a');
  }

  /** Entries of the snapshot, then of the journal. */
  *entries(): Iterable<JournalEntry> {
    yield* readLines(join(this.dir, SNAPSHOT));
    for (const e of readLines(join(this.dir, JOURNAL))) {
      this.lines++;
      yield e;
    }
  }

  /** Starts the journal on a fresh line, so an entry appended after a torn line is not glued to it. */
  sealTornTail(): void {
    const path = join(this.dir, JOURNAL);
    const text = existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
    if (text.length && text[text.length - 1] !== 0x0a) writeSync(this.fd, '\n');
  }

  append(e: JournalEntry): void {
    this.buffer.push(JSON.stringify(e));
  }

  flush(): void {
    if (!this.buffer.length) return;
    const chunk = this.buffer.join('\n') + '\n';
    this.lines += this.buffer.length;
    this.buffer = [];
    writeSync(this.fd, chunk);
  }

  /** True when the journal has grown enough that a compaction pays off. */
  get wantsCompaction(): boolean {
    return this.lines >= this.compactEvery;
  }

  /** Writes `snapshot` to a temp file, renames it into place, then starts an empty journal. */
  compact(snapshot: Iterable<JournalEntry>): void {
    this.flush();
    const tmp = join(this.dir, `${SNAPSHOT}.tmp`);
    const fd = openSync(tmp, 'w');
    let batch: string[] = [];
    for (const e of snapshot) {
      batch.push(JSON.stringify(e));
      if (batch.length >= 1000) {
        writeSync(fd, batch.join('\n') + '\n');
        batch = [];
      }
    }
    if (batch.length) writeSync(fd, batch.join('\n') + '\n');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, join(this.dir, SNAPSHOT));
    closeSync(this.fd);
    this.fd = openSync(join(this.dir, JOURNAL), 'w');
    this.lines = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
