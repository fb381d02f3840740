/**
 * The org's data, as the rest of the emulator sees it: one Store per org, composed of parts with one job each —
 * store/tables.ts (rows and indexes), store/validation.ts (what a save refuses), store/relationships.ts (lookups,
 * cascades and restricted deletes), store/changes.ts (transactions, the journal and commit listeners),
 * store/blobs.ts (binary content), store/recycleBin.ts (retention and purge), store/persistence.ts (journal snapshot
 * and replay) and store/dml.ts (the writes that compose them).
 *
 * The Store itself holds only who is acting: writes made outside any request are stamped with the org's default user;
 * a request acts through its own view (`actingAs`, acting.ts), which passes its user for the length of one synchronous
 * call (`runAs`), and every write reads that user once and hands it to store/dml.ts explicitly.
 */
import { ActingStore } from './acting.js';
import type { Journal, JournalEntry } from './persist/journal.js';
import { Blobs } from './store/blobs.js';
import { Changes, type CommitListener } from './store/changes.js';
import { Dml, RecordIds } from './store/dml.js';
import { replayEntry, snapshotEntries } from './store/persistence.js';
import { RECYCLE_BIN_DAYS, RecycleBin } from './store/recycleBin.js';
import { deleteLinksTo, Relationships } from './store/relationships.js';
import { Tables } from './store/tables.js';
import type { DmlResult, OrgStore, SchemaRegistry, StoredRecord } from './types.js';

export type { CommitListener } from './store/changes.js';
export { RECYCLE_BIN_DAYS } from './store/recycleBin.js';

export interface StoreOptions {
  journal?: Journal;
  now?: () => number;
  /** How long a deleted row stays in the Recycle Bin before it is purged for good (ms); default 15 days. */
  recycleBinRetentionMs?: number;
}

export class Store implements OrgStore {
  private readonly tables: Tables;
  private readonly changes: Changes;
  private readonly blobs: Blobs;
  private readonly bin: RecycleBin;
  private readonly ids = new RecordIds();
  private readonly dml: Dml;
  /**
   * The user writes are stamped with. Set only for the length of a synchronous `runAs` (a request acts through its
   * own `actingAs` view), so no request's user can leak into another's writes across an await; outside any request
   * it is the org's default user (seed data, bulk jobs, churn fall back to it).
   */
  private actor = '';

  constructor(readonly schema: SchemaRegistry, opts: StoreOptions = {}) {
    const now = opts.now ?? Date.now;
    this.tables = new Tables(schema, s => deleteLinksTo(schema, s));
    this.changes = new Changes(opts.journal);
    this.blobs = new Blobs(this.changes);
    this.bin = new RecycleBin(this.tables, this.blobs, this.changes, now,
      opts.recycleBinRetentionMs ?? RECYCLE_BIN_DAYS * 86_400_000);
    const relationships = new Relationships(schema, this.tables);
    this.dml = new Dml({ schema, tables: this.tables, relationships, changes: this.changes, blobs: this.blobs, ids: this.ids, now });
  }

  get actingUserId(): string {
    return this.actor;
  }

  get org(): OrgStore {
    return this;
  }

  /** The user writes made outside any request are stamped with (the org's first user). */
  setDefaultUser(userId: string): void {
    this.actor = userId;
  }

  runAs<T>(userId: string, fn: () => T): T {
    const previous = this.actor;
    this.actor = userId;
    try {
      return fn();
    } finally {
      this.actor = previous;
    }
  }

  actingAs(userId: string): OrgStore {
    return new ActingStore(this, userId);
  }

  /** How long deleted rows stay in the Recycle Bin (ms). */
  get recycleBinRetentionMs(): number {
    return this.bin.retentionMs;
  }

  get(id: string, opts?: { includeDeleted?: boolean }): StoredRecord | undefined {
    return this.tables.get(id, opts?.includeDeleted);
  }

  *scan(sobject: string, opts: { includeDeleted?: boolean } = {}): Iterable<StoredRecord> {
    const t = this.tables.of(sobject);
    if (!t) return;
    if (opts.includeDeleted && t.bin.size) this.bin.purge();
    for (const rec of t.rows.values()) if (!rec.IsDeleted || opts.includeDeleted) yield rec;
  }

  findBy(sobject: string, field: string, value: unknown): StoredRecord[] {
    return this.tables.findBy(sobject, field, value);
  }

  count(sobject: string, opts: { includeDeleted?: boolean } = {}): number {
    const t = this.tables.of(sobject);
    if (t && opts.includeDeleted && t.bin.size) this.bin.purge();
    return !t ? 0 : opts.includeDeleted ? t.rows.size : t.live;
  }

  /** Rows ever created for an object (auto-number fields count on from it). */
  created(sobject: string): number {
    return this.tables.of(sobject)?.rows.size ?? 0;
  }

  insert(sobject: string, fields: Record<string, unknown>): DmlResult {
    return this.dml.insert(this.actor, sobject, fields);
  }

  update(sobject: string | undefined, id: string, fields: Record<string, unknown>): DmlResult {
    return this.dml.update(this.actor, sobject, id, fields);
  }

  upsert(sobject: string, externalIdField: string, value: string, fields: Record<string, unknown>): DmlResult {
    return this.dml.upsert(this.actor, sobject, externalIdField, value, fields);
  }

  delete(id: string, opts: { hard?: boolean } = {}): DmlResult {
    return this.dml.delete(this.actor, id, opts);
  }

  /** Creates a row the org makes itself (a ContentDocument for a new ContentVersion), without API validation. */
  internalInsert(sobject: string, values: Record<string, unknown>): StoredRecord {
    return this.dml.internalInsert(this.actor, sobject, values);
  }

  /** Sets fields the org maintains itself (read-only to the API), as its background updates do. */
  internalSet(id: string, values: Record<string, unknown>): void {
    this.dml.internalSet(id, values);
  }

  /** Inserts a row as is (seed data such as the org's users), bypassing validation. */
  seedRecord(rec: StoredRecord): void {
    this.dml.seedRecord(rec);
  }

  transaction<T>(fn: () => T): T {
    return this.changes.transaction(fn);
  }

  /** A transaction spanning awaits (see Changes.begin): call the result with true to commit, false to roll back. */
  begin(): (commit: boolean) => void {
    return this.changes.begin();
  }

  blob(id: string): Buffer | undefined {
    return this.blobs.get(id);
  }

  setBlob(id: string, data: Buffer): void {
    this.blobs.set(id, data);
  }

  /** Subscribes to committed changes; returns the unsubscribe. */
  onCommit(listener: CommitListener): () => void {
    return this.changes.onCommit(listener);
  }

  /** Writes pending journal lines to disk (the server calls it before answering). */
  flush(): void {
    this.changes.flush();
  }

  /** Every row and blob, for journal compaction. */
  snapshot(): Iterable<JournalEntry> {
    return snapshotEntries(this.tables, this.blobs);
  }

  /** Applies a journal entry (replay on start); idempotent so a journal replayed over its own snapshot is harmless. */
  replay(e: JournalEntry): void {
    replayEntry(e, this.tables, this.blobs, this.ids);
  }

  /** Rows of one object in the Recycle Bin (deleted, not yet purged). */
  recycleBin(sobject: string): Iterable<StoredRecord> {
    return this.bin.rows(sobject);
  }

  /** Purges rows deleted longer ago than the retention (store/recycleBin.ts); returns how many went. */
  purgeRecycleBin(): number {
    return this.bin.purge();
  }

  /** SystemModstamp of the newest row of `sobject` purged from the Recycle Bin, if any was. */
  purgedThrough(sobject: string): string | undefined {
    return this.bin.purgedThrough(sobject);
  }
}
