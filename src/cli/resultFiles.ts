/** `--results DIR`: every input row lands in exactly one of successful.csv, failed.csv or unprocessed.csv. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openFileOutput, RecordWriter } from '../node/files.js';

export interface OutcomeCounts { successful: number; failed: number; unprocessed: number }

type Kind = keyof OutcomeCounts;

/** Counts outcomes and, given a directory, writes them as CSV with the input columns first. */
export class ResultFiles {
  readonly counts: OutcomeCounts = { successful: 0, failed: 0, unprocessed: 0 };
  private files: Partial<Record<Kind, { writer: RecordWriter; close(): Promise<void> }>> = {};

  private constructor(private readonly dir: string | undefined, private readonly columns: readonly string[]) {}

  static async open(dir: string | undefined, columns: readonly string[]): Promise<ResultFiles> {
    const r = new ResultFiles(dir, columns);
    if (dir) {
      await mkdir(dir, { recursive: true });
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

  async add(kind: Kind, rows: Record<string, unknown>[]): Promise<void> {
    this.counts[kind] += rows.length;
    await this.files[kind]?.writer.write(rows);
  }

  async close(): Promise<void> {
    for (const f of Object.values(this.files)) {
      await f.writer.finish();
      await f.close();
    }
  }
}
