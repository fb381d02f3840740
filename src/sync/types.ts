/** What replication emits and remembers: events, checkpoints, the mirrored fields. */

/** The field a replication orders and resumes by: SystemModstamp, or the best the object has instead. */
export type WatermarkField = 'SystemModstamp' | 'LastModifiedDate' | 'CreatedDate';

/**
 * Where one object's replication stands, as a consumer stores it after applying every change before it. Plain JSON:
 * give it back as `checkpoint` and replication resumes from it.
 */
export interface Checkpoint {
  /** The object's API name. */
  object: string;
  /** The field changes are ordered by. */
  field: WatermarkField;
  /**
   * Where the next round resumes (ISO 8601): every change stamped before this instant has been emitted. It trails the
   * org's clock by the overlap margin, so a change committed late with an earlier stamp is still asked for.
   */
  watermark: string;
  /** The `where` filter the mirror holds (null: the whole object); a different filter on resume means a full resync. */
  where: string | null;
  /** When the last full load (initial or resync) began, by the org's clock (ISO 8601). */
  loadedAt: string;
  /**
   * Up to where the org's delete log has been read (getDeleted's `latestDateCovered`, ISO 8601); the next check
   * starts there. Absent until the first check.
   */
  deletesCoveredTo?: string;
  /**
   * With Change Data Capture: the replay id of the last change event applied; following resumes after it. Absent
   * while polling.
   */
  replayId?: string;
  /**
   * Changes already emitted with a stamp at or after `watermark`: Ids by their stamp (ISO 8601), the newest 5,000 at
   * most. The next round reads the overlap again and skips these, also after a restart. Absent in checkpoints written
   * before it existed: the first round then emits those changes again, which is harmless.
   */
  seen?: Record<string, string[]>;
}

/** Why a full resync runs. */
export type ResyncReason =
  /** The checkpoint is older than the org keeps deletes (`earliestDateAvailable`, or 15 days): deletes may be lost. */
  | 'checkpoint-expired'
  /** The checkpoint was taken with another `where` filter. */
  | 'filter-changed'
  /** The checkpoint orders by another field, or names another object. */
  | 'checkpoint-mismatch';

/** A stage of one object's replication. */
export type SyncPhase = 'initial' | 'incremental' | 'idle' | 'resync';

/** One mirrored field, typed from describe. */
export interface SyncField {
  name: string;
  /** Salesforce's field type as describe names it (`string`, `double`, `datetime`, `reference` …). */
  type: string;
  /** Text length, for string-like fields. */
  length?: number;
  /** Digits and decimals, for numbers. */
  precision?: number;
  scale?: number;
}

/** A record as replication emits it: field API names to wire values (datetimes as ISO 8601 strings in UTC, null for empty). */
export type SyncRecord = Record<string, unknown> & { Id: string };

/**
 * The fields a mirror holds, before the first change that uses them and again whenever describe shows fields added
 * or removed (a mirror adds columns; a removed field's column may stay).
 */
export interface SchemaEvent {
  type: 'schema';
  object: string;
  fields: SyncField[];
  added: string[];
  removed: string[];
}

/** A stage begins: a full load (`initial`, or `resync` with its reason), changes flowing (`incremental`), nothing new (`idle`). */
export interface PhaseEvent {
  type: 'phase';
  object: string;
  phase: SyncPhase;
  reason?: ResyncReason;
  /** Words for a log line, with the reason's details. */
  detail?: string;
}

/** How far a full load has come. */
export interface ProgressEvent {
  type: 'progress';
  object: string;
  phase: 'initial' | 'resync';
  /** Rows emitted so far. */
  done: number;
  /** Rows counted before the load (`SELECT COUNT()`); the load may end with a few more or fewer. */
  total: number;
  /** Bulk API 2.0 or REST query. */
  via: 'bulk' | 'rest';
}

/** A record created or changed (or, in a full load, as it stands). Applying it twice is harmless. */
export interface UpsertEvent<R extends SyncRecord = SyncRecord> {
  type: 'upsert';
  object: string;
  record: R;
}

/** A record gone from the mirror's scope. */
export interface DeleteEvent {
  type: 'delete';
  object: string;
  id: string;
  /** When it was deleted or left the filter (its SystemModstamp), ISO 8601. */
  deletedAt: string;
  /** `deleted`: deleted in the org; `out-of-scope`: changed so it no longer matches the `where` filter. */
  reason: 'deleted' | 'out-of-scope';
}

/**
 * Every change before this point has been emitted: store the checkpoint after applying them. `fullLoad` marks the end
 * of a full load: rows the mirror holds that were not upserted since the `initial` or `resync` phase began are no
 * longer in the org (ghosts) and go.
 */
export interface CheckpointEvent {
  type: 'checkpoint';
  object: string;
  checkpoint: Checkpoint;
  fullLoad?: true;
}

/** One round done: what it emitted and how far behind the org it was. */
export interface RoundEvent {
  type: 'round';
  object: string;
  phase: 'initial' | 'resync' | 'incremental';
  upserts: number;
  deletes: number;
  /** The org's clock minus the oldest change stamp emitted this round, ms (0 when none; undefined without a clock). */
  lagMs: number | undefined;
  /** Requests the round sent. */
  requests: number;
}

/** A round failed and is tried again after `delayMs`; the checkpoint stays where it was. */
export interface SyncRetryEvent {
  type: 'retry';
  object: string;
  attempt: number;
  delayMs: number;
  error: unknown;
}

export type ReplicationEvent<R extends SyncRecord = SyncRecord> =
  | SchemaEvent | PhaseEvent | ProgressEvent | UpsertEvent<R> | DeleteEvent | CheckpointEvent | RoundEvent | SyncRetryEvent;

/** Where checkpoints are kept between runs. */
export interface CheckpointStore {
  /** The stored checkpoint of `object`, or undefined when it has none (a first run). */
  load(object: string): Promise<Checkpoint | undefined>;
  /** Stores `checkpoint`, replacing the object's previous one; resolves once it is durable. */
  save(checkpoint: Checkpoint): Promise<void>;
}
