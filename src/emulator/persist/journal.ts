/**
 * Crash-safe persistence: a write-ahead journal of JSON lines appended before each response, compacted now and then
 * into a snapshot written to a temporary file and renamed over the old one. A torn last line (crash mid-write) is
 * ignored on replay; replay is idempotent, so a crash between the rename and the journal truncation is harmless.
 * Any other damaged line refuses the start: skipping it would apply later entries without it.
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

/** A journal or snapshot line that cannot be replayed; the org is not started on top of it. */
export class JournalDamagedError extends Error {
  override name = 'JournalDamagedError';

  constructor(readonly path: string, readonly line: number, readonly reason: string) {
    super(`${path}:${line}: damaged journal line (${reason}). Later lines were written after it, so the org cannot ` +
      `start without it. To recover, restore the data directory from a backup, or keep only the lines before it ` +
      `(losing line ${line} and every change after it): head -n ${line - 1} '${path}' > '${path}.kept' && ` +
      `mv '${path}.kept' '${path}'`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why `v` is not a journal entry, or undefined when it is one. */
function shapeProblem(v: unknown): string | undefined {
  if (!isObject(v)) return `expected an entry object, got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`;
  switch (v.o) {
    case 'i':
      return isObject(v.r) && typeof v.r.Id === 'string' ? undefined : 'an insert without a record carrying an Id';
    case 'u':
      return typeof v.id === 'string' && isObject(v.f) ? undefined : 'an update without an id and fields';
    case 'h':
      return typeof v.id === 'string' ? undefined : 'a delete without an id';
    case 'b':
      return typeof v.id === 'string' && typeof v.d === 'string' ? undefined : 'a body without an id and base64 data';
    default:
      return `unknown entry kind ${JSON.stringify(v.o)}`;
  }
}

/**
 * Parses JSON lines. Only the last line may be torn (a crash mid-write, never acknowledged to a client): it is
 * skipped. A damaged line anywhere else, or valid JSON that is not an entry, throws JournalDamagedError.
 */
function* readLines(path: string): Iterable<JournalEntry> {
  if (!existsSync(path)) return;
  const text = readFileSync(path, 'utf8');
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    lineNo++;
    if (!line.trim()) continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      if (text.slice(start).trim() === '') return; // the torn last line
      throw new JournalDamagedError(path, lineNo, 'not valid JSON');
    }
    const problem = shapeProblem(entry);
    if (problem) throw new JournalDamagedError(path, lineNo, problem);
    yield entry as JournalEntry;
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
