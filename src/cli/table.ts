/** A plain-text table for a terminal, streamed: column widths come from the first rows, longer cells are cut. */
export class TableWriter {
  private widths: number[] | undefined;
  private pending: string[][] = [];

  constructor(private readonly out: NodeJS.WritableStream, private readonly headers: readonly string[],
    private readonly sample = 50, private readonly maxWidth = 40) {}

  /** Rows of cells as text; printed once the width sample is full (or at `finish`). */
  write(rows: readonly string[][]): void {
    if (this.widths) { this.print(rows); return; }
    this.pending.push(...rows);
    if (this.pending.length >= this.sample) this.flushPending();
  }

  finish(count: number): void {
    if (!this.widths) this.flushPending();
    this.out.write(`(${count} row${count === 1 ? '' : 's'})\n`);
  }

  private flushPending(): void {
    this.widths = this.headers.map((h, i) => Math.min(this.maxWidth,
      Math.max(h.length, ...this.pending.map(r => oneLine(r[i] ?? '').length))));
    this.print([this.headers as string[]]);
    this.out.write(`${this.widths.map(w => '-'.repeat(w)).join('-+-')}\n`);
    this.print(this.pending);
    this.pending = [];
  }

  private print(rows: readonly string[][]): void {
    const w = this.widths!;
    this.out.write(rows.map(r => w.map((width, i) => fitCell(oneLine(r[i] ?? ''), width)).join(' | ').trimEnd()).join('\n') + (rows.length ? '\n' : ''));
  }
}

const oneLine = (s: string) => s.replace(/\r?\n|\r/g, '⏎');
const fitCell = (s: string, width: number) => (s.length > width ? `${s.slice(0, width - 1)}…` : s.padEnd(width));
