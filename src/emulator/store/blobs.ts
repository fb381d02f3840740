/**
 * Binary content of records (an Attachment's Body, a ContentVersion's VersionData), kept beside the rows rather than
 * in them: rows hold only wire values, and a query never reads a blob. Changes go through the transaction like any
 * write, so a rolled-back insert leaves no orphan content.
 */
import { normalizeId } from '../ids.js';
import type { Changes } from './changes.js';

export class Blobs {
  private readonly data = new Map<string, Buffer>();

  constructor(private readonly changes: Changes) {}

  get(id: string): Buffer | undefined {
    const norm = normalizeId(id);
    return norm ? this.data.get(norm) : undefined;
  }

  /** Attaches content to a record: undone with the transaction, journalled when it commits. */
  set(id: string, data: Buffer): void {
    const norm = normalizeId(id) ?? id;
    const before = this.data.get(norm);
    this.data.set(norm, data);
    this.changes.onUndo(() => (before ? this.data.set(norm, before) : this.data.delete(norm)));
    this.changes.log({ o: 'b', id: norm, d: data.toString('base64') });
  }

  /** Drops a hard-deleted record's content; undone with the transaction (the row's removal journals the change). */
  drop(id: string): void {
    const before = this.data.get(id);
    if (!this.data.delete(id)) return;
    this.changes.onUndo(() => this.data.set(id, before!));
  }

  /** Drops content for good, outside any transaction (a purge from the Recycle Bin, a journal replay). */
  purge(id: string): void {
    this.data.delete(id);
  }

  /** Puts content back as the journal recorded it. */
  restore(id: string, base64: string): void {
    this.data.set(id, Buffer.from(base64, 'base64'));
  }

  entries(): Iterable<[string, Buffer]> {
    return this.data.entries();
  }
}
