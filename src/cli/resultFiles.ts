/** `--results DIR`: every input row lands in exactly one of successful.csv, failed.csv or unprocessed.csv. */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openFileOutput, RecordWriter } from '../node/files.js';
import { CliError } from './errors.js';

export interface OutcomeCounts { successful: number; failed: number; unprocessed: number }

type Kind = keyof OutcomeCounts;
type Row = Record<string, unknown>;

/** Counts outcomes and, given a directory, writes them as CSV with the input columns first. */
export class ResultFiles {
  readonly counts: OutcomeCounts = { successful: 0, failed: 0, unprocessed: 0 };
  private files: Partial<Record<Kind, { writer: RecordWriter; close(): Promise<void> }>> = {};
  /**
   * Digests of the input columns of every row written so far, with multiplicity: when a load stops half way, the
   * rows the org never answered for are the file's rows minus these (bulk results come back in no particular order).
   */
  private readonly written = new Map<string, number>();

  private constructor(private readonly columns: readonly string[]) {}

  static async open(dir: string | undefined, columns: readonly string[]): Promise<ResultFiles> {
    const r = new ResultFiles(columns);
    if (dir) {
      await mkdir(dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
        throw new CliError(`--results ${dir}: cannot write here (${e.code ?? e.message})`);
      });
      const extra: Record<Kind, string[]> = { successful: ['sf__Id', 'sf__Created'], failed: ['sf__Error'], unprocessed: [] };
      for (const kind of ['successful', 'failed', 'unprocessed'] as const) {
        const out = await openFileOutput(join(dir, `${kind}.csv`));
        const writer = new RecordWriter(out.stream, 'csv', [...columns, ...extra[kind]]);
        await writer.begin();
        r.files[kind] = { writer, close: out.close };
      }
    }
    return r;
  }

  get total(): number {
    return this.counts.successful + this.counts.failed + this.counts.unprocessed;
  }

  /** Writes rows with their outcome; `claimable: false` for rows that must not stand in for other input rows. */
  async add(kind: Kind, rows: Row[], claimable = true): Promise<void> {
    this.counts[kind] += rows.length;
    if (claimable) for (const row of rows) {
      const key = this.keyOf(row);
      this.written.set(key, (this.written.get(key) ?? 0) + 1);
    }
    await this.files[kind]?.writer.write(rows);
  }

  /** True once for each written row with these input values: the row has its outcome already. */
  claim(row: Row): boolean {
    const key = this.keyOf(row);
    const n = this.written.get(key) ?? 0;
    if (n === 0) return false;
    if (n === 1) this.written.delete(key);
    else this.written.set(key, n - 1);
    return true;
  }

  async close(): Promise<void> {
    for (const f of Object.values(this.files)) {
      await f.writer.finish();
      await f.close();
    }
  }

  /** A short digest of the row's input cells, so a million-row load keeps a few tens of MB, not the rows. */
  private keyOf(row: Row): string {
    const cells = this.columns.map(c => {
      const v = row[c];
      return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    });
    return createHash('sha1').update(JSON.stringify(cells)).digest('base64').slice(0, 16);
  }
}
