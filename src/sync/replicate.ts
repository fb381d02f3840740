import {
  asyncScheduler, catchError, concat, concatMap, defaultIfEmpty, defer, EMPTY, expand, finalize, from, ignoreElements, map, merge, mergeMap, Observable, of,
  type MonoTypeOperatorFunction, repeat, retry, type SchedulerLike, Subject, tap, throwError, timer, toArray,
} from 'rxjs';
import { resolveClient, type SalesforceClient } from '../client/client.js';
import type { Limiter } from '../client/limiter.js';
import { AuthenticationError, isSalesforceError, ResourceNotFoundError, ValidationError } from '../client/errors.js';
import type { SObjectModel } from '../model/index.js';
import { bulkQuery$ } from '../sources/bulk/index.js';
import { count$, describe$, query$, type DescribeSObjectResult, type SourceOptions } from '../sources/index.js';
import {
  fieldChanges, hasPlanColumns, normalizeCsvRowInPlace, normalizeRow, planFields, stampOf, type FieldPlan,
} from './schema.js';
import { countSoql, fullSoql, membershipSoql, PAGE_SIZE, pageSoql, replicationDate, type KeysetPosition } from './soql.js';
import type {
  Checkpoint, CheckpointEvent, CheckpointStore, ReplicationEvent, ResyncReason, SyncPhase, SyncRecord,
} from './types.js';
import { follow$, type ChangeEventFeed, type FollowHost } from './changeFeed.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How far back getDeleted reaches: 15 days. */
const DELETE_LOG_DAYS = 15;
/** Ids per membership query: 300 18-character ids keep the URI well under 16 KB. */
const MEMBERSHIP_CHUNK = 300;
/** A progress event every this many bulk rows. */
const BULK_PROGRESS_EVERY = 10_000;
/**
 * How a full load polls its bulk query job: from 250 ms, each wait a tenth longer than the one before, at most 5 s.
 * The load cannot start before the job completes, and a poll finds it complete at most a tenth of the time already
 * spent (or 5 s) late: a job done at 8.7 s is seen at 9.0 s (a backoff of 1.5 polls at 8.0 s, then 12.3 s), after 16
 * status requests; a job of 10 minutes costs about 140.
 */
const LOAD_POLLING = { initialMs: 250, factor: 1.1, maxMs: 5_000 };
/**
 * How far before the previous round's start a round reads every row, for changes committed a little late: later ones
 * are read once their stamp has settled (fallen a full overlap behind the org's clock).
 */
const RECENT_MARGIN_MS = 5_000;
/** Most Ids a checkpoint remembers as already emitted (about 20 bytes each in its JSON). */
const CHECKPOINT_SEEN_LIMIT = 5_000;

export interface ReplicateOptions extends SourceOptions {
  /**
   * Where to resume: a checkpoint stored earlier, or a store to read it from on subscribe (a sink is one). None, or
   * none stored: an initial full load.
   */
  checkpoint?: Checkpoint | CheckpointStore | null;
  /** Time between rounds, ms. Default 30,000. */
  pollInterval?: number;
  /**
   * How late a change may commit after its stamp, ms. Each round reads the slice that has settled since the last
   * round (stamps up to this long before the round began) and the recent rows (from 5 s before the last round began),
   * so a change committed late with an earlier stamp is still seen; changes read twice are dropped by (Id, stamp).
   * Default 60,000.
   */
  overlapMs?: number;
  /** Field API names to mirror (Id and the ordering field are always added). Default: every field a query can read. */
  fields?: readonly string[];
  /**
   * A SOQL condition (trusted text, not a user's input) for the rows to mirror. A row changed so that it no longer
   * matches is emitted as a delete with reason `out-of-scope`.
   */
  where?: string;
  /** Full loads of more rows than this (by `SELECT COUNT()`) run as a Bulk API 2.0 query. Default 50,000. */
  bulkThreshold?: number;
  /**
   * Sinks keep deleted rows (IsDeleted = true) instead of removing them. Replication reads deletes either way; the
   * flag travels with the options so `replicate$` and a sink built from the same options agree.
   */
  keepDeleted?: boolean;
  /** Least time between two describes of the object, ms (each is a 304 when nothing changed). Default 600,000. */
  schemaInterval?: number;
  /** Least time between two reads of the org's delete log (getDeleted), ms. Default 3,600,000. */
  deletedInterval?: number;
  /** Longest backoff after failed rounds, ms. Default 300,000. */
  maxBackoffMs?: number;
  /** Scheduler for the poll interval and backoff. Default: the client's. */
  scheduler?: SchedulerLike;
  /**
   * Follow Change Data Capture events instead of polling after the first load: `changeDataCapture()` from
   * `rxforce/node`. Objects without change events, and replications with a `where` filter, keep polling.
   */
  changeEvents?: ChangeEventFeed;
  /**
   * Describes kept across runs of the same objects (a sync worker's rounds share one; any `Map` will do). With one,
   * the first describe of a run is conditional when the cache holds the object: `If-Modified-Since` the time of the
   * cached describe, which Salesforce answers 304 without a body when the object's metadata did not change since;
   * a changed object (a field added or removed) is described afresh and the cache updated.
   */
  describeCache?: DescribeCache;
}

/** A describe as {@link ReplicateOptions.describeCache} keeps it: the result and the org's time when it was asked for. */
export interface CachedDescribe {
  /** The describe as Salesforce answered it. */
  describe: DescribeSObjectResult;
  /** The org's clock (epoch ms) no later than when the describe was answered. */
  orgTime: number;
}

/** Where {@link replicate$} keeps describes between runs, by object API name. */
export interface DescribeCache {
  /** The describe kept for an object, if any. */
  get(object: string): CachedDescribe | undefined;
  /** Keeps a describe just answered (it replaces the one kept before). */
  set(object: string, entry: CachedDescribe): unknown;
}

/** Every default in one place. */
export const REPLICATE_DEFAULTS = {
  pollInterval: 30_000, overlapMs: 60_000, bulkThreshold: 50_000, schemaInterval: 600_000, deletedInterval: 3_600_000,
  maxBackoffMs: 300_000,
} as const;

/** Something naming an object: its API name or a model. */
export type ReplicationTarget = string | SObjectModel<any>;

/**
 * One object's changes, endlessly: a full load (Bulk API 2.0 above `bulkThreshold` rows, REST below), then a round
 * every `pollInterval` that reads what changed since the checkpoint, ordered by SystemModstamp (LastModifiedDate or
 * CreatedDate for objects without it) and Id, and ends with a checkpoint. Cold: nothing is sent before subscribe;
 * unsubscribing aborts the request in flight (and a bulk job it started).
 *
 * Deletes are read two ways. Each round queries through `queryAll`, so rows deleted since the checkpoint come with
 * `IsDeleted = true` in the same ordered pages as the changes (one request for both while idle). Rows removed from
 * the Recycle Bin (emptied, hard-deleted, purged) no longer show there, so the org's delete log (getDeleted) is also
 * read on every start and every `deletedInterval`; when it no longer reaches back to the checkpoint
 * (`earliestDateAvailable`, 15 days) deletes may have been lost, and a full resync runs that also drops rows gone
 * from the org.
 *
 * A failed round is tried again with exponential backoff (a `retry` event says so); bad options, a failed login and
 * an unknown object end the stream with the error.
 *
 * @example
 * import { replicate$ } from 'rxforce';
 * replicate$('Account', { client, pollInterval: 10_000 }).subscribe(e => {
 *   if (e.type === 'upsert') console.log('changed', e.record.Id);
 *   if (e.type === 'delete') console.log('deleted', e.id);
 *   if (e.type === 'checkpoint') save(e.checkpoint);
 * });
 *
 * @returns a cold, endless Observable of {@link ReplicationEvent}s
 */
export function replicate$(target: ReplicationTarget, opts: ReplicateOptions = {}): Observable<ReplicationEvent> {
  return replicateGated$(target, opts, undefined);
}

/** @internal {@link replicate$} with every round (and every retry of one) holding a slot of `gate` while it runs. */
export function replicateGated$(target: ReplicationTarget, opts: ReplicateOptions, gate: Limiter | undefined): Observable<ReplicationEvent> {
  const object = typeof target === 'string' ? target : target.apiName;
  const settings = checkOptions(object, opts, typeof target === 'string' ? undefined : target);
  return defer(() => new Replication(object, settings, resolveClient(opts.client), gate).run$());
}

interface Settings {
  pollInterval: number;
  overlapMs: number;
  bulkThreshold: number;
  schemaInterval: number;
  deletedInterval: number;
  maxBackoffMs: number;
  fields: readonly string[] | undefined;
  where: string | undefined;
  checkpoint: Checkpoint | CheckpointStore | null | undefined;
  scheduler: SchedulerLike | undefined;
  changeEvents: ChangeEventFeed | undefined;
  describeCache: DescribeCache | undefined;
}

function checkOptions(object: string, opts: ReplicateOptions, model: SObjectModel<any> | undefined): Settings {
  if (typeof object !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(object)) {
    throw new ValidationError({ reason: `not an object API name: ${JSON.stringify(object)}` });
  }
  const ms = (name: keyof typeof REPLICATE_DEFAULTS, min: number): number => {
    const value = opts[name] ?? REPLICATE_DEFAULTS[name];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      throw new ValidationError({ sobject: object, reason: `${name} must be a number ≥ ${min}, got ${String(value)}` });
    }
    return value;
  };
  let fields = opts.fields;
  if (fields === undefined && model) fields = Object.keys(model.fields).filter(n => !n.includes('.'));
  if (fields !== undefined) {
    if (!Array.isArray(fields) || fields.length === 0) throw new ValidationError({ sobject: object, reason: 'fields must be a non-empty list of field names' });
    for (const f of fields) {
      if (typeof f !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(f)) {
        throw new ValidationError({ sobject: object, field: String(f), reason: 'not a field API name (relationship paths are not mirrored)' });
      }
    }
  }
  if (opts.where !== undefined && (typeof opts.where !== 'string' || opts.where.trim() === '')) {
    throw new ValidationError({ sobject: object, reason: 'where must be a non-empty SOQL condition' });
  }
  const checkpoint = opts.checkpoint;
  if (checkpoint && !isStore(checkpoint)) checkCheckpoint(object, checkpoint);
  const cache = opts.describeCache;
  if (cache !== undefined && (typeof cache?.get !== 'function' || typeof cache.set !== 'function')) {
    throw new ValidationError({ sobject: object, reason: 'describeCache must have get and set (a Map will do)' });
  }
  return {
    pollInterval: ms('pollInterval', 0), overlapMs: ms('overlapMs', 0), bulkThreshold: ms('bulkThreshold', 0),
    schemaInterval: ms('schemaInterval', 0), deletedInterval: ms('deletedInterval', 0), maxBackoffMs: ms('maxBackoffMs', 0),
    fields, where: opts.where?.trim(), checkpoint, scheduler: opts.scheduler, changeEvents: checkFeed(object, opts.changeEvents),
    describeCache: cache,
  };
}

function checkFeed(object: string, feed: unknown): ChangeEventFeed | undefined {
  if (feed !== undefined && typeof feed !== 'function') {
    throw new ValidationError({ sobject: object, reason: 'changeEvents must be a change event feed such as changeDataCapture() from rxforce/node' });
  }
  return feed as ChangeEventFeed | undefined;
}

function isStore(c: Checkpoint | CheckpointStore): c is CheckpointStore {
  return typeof (c as CheckpointStore).load === 'function';
}

function checkCheckpoint(object: string, c: Checkpoint): void {
  const bad = (reason: string) => new ValidationError({ sobject: object, reason: `checkpoint: ${reason}` });
  if (typeof c !== 'object' || c === null) throw bad('not an object');
  if (typeof c.watermark !== 'string' || Number.isNaN(Date.parse(c.watermark))) throw bad(`watermark is no date: ${String(c.watermark)}`);
  if (typeof c.loadedAt !== 'string' || Number.isNaN(Date.parse(c.loadedAt))) throw bad(`loadedAt is no date: ${String(c.loadedAt)}`);
  if (c.deletesCoveredTo !== undefined && Number.isNaN(Date.parse(c.deletesCoveredTo))) throw bad(`deletesCoveredTo is no date: ${c.deletesCoveredTo}`);
  if (c.seen !== undefined) {
    if (typeof c.seen !== 'object' || c.seen === null || Array.isArray(c.seen)) throw bad('seen must map stamps to lists of Ids');
    for (const [stamp, ids] of Object.entries(c.seen)) {
      if (Number.isNaN(Date.parse(stamp))) throw bad(`seen: ${JSON.stringify(stamp)} is no date`);
      if (!Array.isArray(ids) || ids.some(id => typeof id !== 'string')) throw bad(`seen: the Ids at ${stamp} are not a list of Ids`);
    }
  }
}

/** Errors a new attempt cannot cure: the stream ends with them. */
function isFatal(err: unknown): boolean {
  if (err instanceof ValidationError || err instanceof AuthenticationError || err instanceof TypeError || err instanceof RangeError) return true;
  if (err instanceof ResourceNotFoundError) return true;
  return isSalesforceError(err, 'INVALID_TYPE') || isSalesforceError(err, 'MALFORMED_QUERY') ||
    isSalesforceError(err, 'INSUFFICIENT_ACCESS') || isSalesforceError(err, 'API_DISABLED_FOR_ORG');
}

interface GetDeletedResult {
  deletedRecords: { id: string; deletedDate: string }[];
  earliestDateAvailable?: string;
  latestDateCovered?: string;
}

/** The state of one subscription. */
class Replication {
  private checkpoint: Checkpoint | undefined;
  private plan: FieldPlan | undefined;
  private describedAt: number | undefined;
  private describeNow = false;
  private deletesReadAt: number | undefined;
  private phase: SyncPhase | undefined;
  private lastRoundChanged = false;
  /**
   * Where the next round's recent reach begins (the last round's start by the org's clock, less a margin): rows
   * stamped from here on are read every round; rows stamped between the settled slice and here only once they have
   * settled. Undefined until a round has run in this subscription (or without an org clock): the next round reads
   * everything from the watermark.
   */
  private recentFrom: number | undefined;
  /** Fields describe showed added since the last round: their values are read for every row once. */
  private backfill: string[] = [];
  /**
   * Changes already emitted with a stamp at or after the watermark: Id → the newest stamp emitted for it. A change
   * read again with that stamp (or an older one) is not emitted again: de-duplication by (Id, stamp).
   */
  private readonly seen = new Map<string, number>();
  private readonly scheduler: SchedulerLike | undefined;

  constructor(
    private readonly object: string, private readonly s: Settings, private readonly client: SalesforceClient,
    private readonly gate: Limiter | undefined,
  ) {
    this.scheduler = s.scheduler ?? client.scheduler;
  }

  run$(): Observable<ReplicationEvent> {
    // rounds begin an interval apart, counted from the start of the one before (its own time is not added to the
    // wait); after a retried round, from the start of its last attempt
    const now = () => (this.scheduler ?? asyncScheduler).now();
    let roundBegan: number | undefined;
    const timed = (make: () => Observable<ReplicationEvent>) => this.withRetry(() => { roundBegan = now(); return make(); });
    const poll$ = defer(() => {
      const wait = roundBegan === undefined ? this.s.pollInterval : Math.max(0, roundBegan + this.s.pollInterval - now());
      return concat(timer(wait, this.scheduler).pipe(ignoreElements()), timed(() => this.round$()));
    }).pipe(repeat());
    const start$ = timed(() => this.start$());
    const feed = this.s.changeEvents;
    if (!feed || this.s.where) return concat(start$, poll$);
    const host: FollowHost = {
      object: this.object, client: this.client, scheduler: this.scheduler, overlapMs: this.s.overlapMs,
      maxBackoffMs: this.s.maxBackoffMs, plan: () => this.plan!, checkpoint: () => this.checkpoint!,
      checkpointEvent: cp => this.checkpointEvent(cp), reconcile$: () => this.withRetry(() => this.round$()), poll$: () => poll$,
    };
    return concat(start$, follow$(host, feed));
  }

  /** Runs `make()`, and again after a backoff when it fails with an error another attempt may cure. */
  private withRetry(make: () => Observable<ReplicationEvent>): Observable<ReplicationEvent> {
    return defer(() => {
      const retries = new Subject<ReplicationEvent>();
      let attempt = 0;
      const work$ = defer(() => (this.gate ? this.gate.run(make) : make())).pipe(
        retry({
          delay: (err: unknown) => {
            if (isFatal(err)) return throwError(() => err);
            attempt += 1;
            // a field removed since the last describe: describe again and retry at once
            const invalidField = isSalesforceError(err, 'INVALID_FIELD');
            if (invalidField) this.describeNow = true;
            const delayMs = invalidField && attempt === 1 ? 0 : Math.min(this.s.maxBackoffMs, 1000 * 2 ** (attempt - 1));
            retries.next({ type: 'retry', object: this.object, attempt, delayMs, error: err });
            return timer(delayMs, this.scheduler);
          },
        }),
        finalize(() => retries.complete()),
      );
      return merge(retries, work$);
    });
  }

  /** Reads the checkpoint, describes the object, then runs what the checkpoint calls for. */
  private start$(): Observable<ReplicationEvent> {
    return defer(() => this.loadCheckpoint$()).pipe(mergeMap(stored => {
      this.checkpoint = stored;
      // what the stored checkpoint says was already emitted is not emitted again by the first round
      this.seen.clear();
      for (const [stamp, ids] of Object.entries(stored?.seen ?? {})) {
        const ms = Date.parse(stamp);
        for (const id of ids) if (!((this.seen.get(id) ?? -Infinity) >= ms)) this.seen.set(id, ms);
      }
      return concat(this.describe$(true), defer(() => {
        const cp = this.checkpoint;
        if (!cp) return this.fullLoad$('initial');
        const mismatch = this.mismatch(cp);
        if (mismatch) return this.fullLoad$('resync', 'checkpoint-mismatch', mismatch);
        if (cp.where !== (this.s.where ?? null)) {
          return this.fullLoad$('resync', 'filter-changed', `the mirror holds ${cp.where ?? 'every row'}, now asked for ${this.s.where ?? 'every row'}`);
        }
        return this.round$(true);
      }));
    }));
  }

  private loadCheckpoint$(): Observable<Checkpoint | undefined> {
    const c = this.s.checkpoint;
    if (!c) return of(undefined);
    if (!isStore(c)) return of(c);
    return from(c.load(this.object)).pipe(tap(loaded => { if (loaded) checkCheckpoint(this.object, loaded); }));
  }

  private mismatch(cp: Checkpoint): string | undefined {
    if (cp.object.toLowerCase() !== this.object.toLowerCase()) return `the checkpoint is for ${cp.object}`;
    if (cp.field !== this.plan!.watermark) return `the checkpoint follows ${cp.field}, the object now ${this.plan!.watermark}`;
    return undefined;
  }

  /** Describes the object (with If-Modified-Since after the first time) and emits the fields when they changed. */
  private describe$(force: boolean): Observable<ReplicationEvent> {
    return defer(() => {
      const now = this.client.localNow();
      const due = force || this.describeNow || this.describedAt === undefined ||
        (now - this.describedAt >= this.s.schemaInterval && this.lastRoundChanged);
      if (!due) return EMPTY;
      const cache = this.s.describeCache;
      // the first describe of a run asks whether the cached one is still current; a describe after an invalid field
      // is never conditional
      const cached = this.plan || this.describeNow ? undefined : cache?.get(this.object);
      // an HTTP date is whole seconds: ask from the second before the last describe, so a change made within the
      // same second still counts as modified
      const described = this.describeNow ? undefined : this.plan ? this.client.orgTime(this.describedAt) : cached?.orgTime;
      const since = described === undefined ? undefined : described - 1000;
      // 304 after asking about the cached describe: it is current
      const unchanged: MonoTypeOperatorFunction<DescribeSObjectResult> = cached ? defaultIfEmpty(cached.describe) : source => source;
      return describe$(this.object, { client: this.client, ifModifiedSince: since === undefined ? undefined : new Date(since) }).pipe(
        tap((d: DescribeSObjectResult) => {
          const at = this.client.orgTime(now);
          if (cache && at !== undefined) cache.set(this.object, { describe: d, orgTime: at });
        }),
        unchanged,
        map((d: DescribeSObjectResult) => this.applyDescribe(d)),
        tap({ complete: () => { this.describedAt = now; this.describeNow = false; } }),
        mergeMap(events => from(events)),
      );
    });
  }

  private applyDescribe(d: DescribeSObjectResult): ReplicationEvent[] {
    const before = this.plan;
    // fields named by the caller must exist the first time; later, one removed from the org is dropped, not fatal
    let wanted = this.s.fields;
    if (before && wanted) {
      const names = new Set(d.fields.map(f => f.name.toLowerCase()));
      wanted = wanted.filter(f => names.has(f.toLowerCase()));
    }
    const plan = planFields(d, wanted);
    const { added, removed } = fieldChanges(before, plan);
    this.plan = plan;
    if (before) this.backfill = [...this.backfill.filter(n => !removed.includes(n)), ...added];
    if (before && added.length === 0 && removed.length === 0) return [];
    return [{ type: 'schema', object: this.object, fields: plan.fields, added, removed }];
  }

  /** The whole object, Bulk API 2.0 or REST, ending with a checkpoint that lets sinks drop rows gone from the org. */
  private fullLoad$(phase: 'initial' | 'resync', reason?: ResyncReason, detail?: string): Observable<ReplicationEvent> {
    return defer(() => {
      const plan = this.plan!;
      const where = this.s.where;
      const localStart = this.client.localNow();
      let requests = 0;
      let done = 0;
      let maxStamp: number | undefined;
      let oldest: number | undefined;
      this.phase = phase;
      this.seen.clear();
      // rows stamped at or after the load's watermark are read again by the first round: remembered, not emitted twice
      const startOrg = this.client.orgTime(localStart);
      const remembered = startOrg === undefined ? -Infinity : startOrg - this.s.overlapMs;
      const phaseEvent: ReplicationEvent = { type: 'phase', object: this.object, phase, ...(reason ? { reason } : {}), ...(detail ? { detail } : {}) };
      const upsert = (row: SyncRecord): ReplicationEvent => {
        const stamp = stampOf(plan, row);
        if (maxStamp === undefined || stamp > maxStamp) maxStamp = stamp;
        if (oldest === undefined || stamp < oldest) oldest = stamp;
        done += 1;
        if (stamp >= remembered) this.seen.set(row.Id, stamp);
        return { type: 'upsert', object: this.object, record: row };
      };
      // bulk rows are the parser's fresh objects, with the plan's columns: normalised in place (checked on the first)
      let inPlace: boolean | undefined;
      const rows$ = count$(countSoql(plan, where), { client: this.client }).pipe<number, ReplicationEvent>(
        tap(() => { requests += 1; }),
        mergeMap(total => {
          if (total > this.s.bulkThreshold) {
            return concat(
              of({ type: 'progress', object: this.object, phase, done: 0, total, via: 'bulk' } as ReplicationEvent),
              withProgress(
                bulkQuery$<Record<string, unknown>>(fullSoql(plan, where), { client: this.client, scheduler: this.scheduler, polling: LOAD_POLLING }),
                raw => {
                  inPlace ??= hasPlanColumns(plan, raw);
                  return upsert(inPlace ? normalizeCsvRowInPlace(plan, raw) : normalizeRow(plan, raw, true));
                },
                () => ({ type: 'progress', object: this.object, phase, done, total, via: 'bulk' }),
              ),
            );
          }
          return this.keysetPages$({ from: undefined, all: false }).pipe(concatMap(page => {
            requests += 1;
            const events = page.rows.map(row => upsert(normalizeRow(plan, row, false)));
            events.push({ type: 'progress', object: this.object, phase, done, total, via: 'rest' });
            return from(events);
          }));
        }),
      );
      const finish$ = defer(() => {
        const orgStart = this.client.orgTime(localStart);
        const start = orgStart ?? maxStamp ?? 0;
        const watermark = Math.max(0, start - this.s.overlapMs);
        const checkpoint: Checkpoint = {
          object: this.object, field: plan.watermark, watermark: new Date(watermark).toISOString(), where: where ?? null,
          loadedAt: new Date(start).toISOString(),
          // the delete log matters from the load on: what was deleted before it is not in the load
          deletesCoveredTo: new Date(Math.floor(start / MINUTE) * MINUTE - MINUTE).toISOString(),
        };
        this.deletesReadAt = this.client.localNow();
        for (const [id, stamp] of this.seen) if (stamp < watermark) this.seen.delete(id);
        this.lastRoundChanged = done > 0;
        this.recentFrom = orgStart === undefined ? undefined : orgStart - RECENT_MARGIN_MS;
        const events: ReplicationEvent[] = [
          { ...this.checkpointEvent(checkpoint), fullLoad: true },
          { type: 'round', object: this.object, phase, upserts: done, deletes: 0, lagMs: this.lag(oldest, orgStart), requests },
        ];
        return from(events);
      });
      return concat(of(phaseEvent), rows$ as Observable<ReplicationEvent>, finish$);
    });
  }

  /** One incremental round: the delete log when due, then every change since the checkpoint, then a checkpoint. */
  private round$(starting = false): Observable<ReplicationEvent> {
    return defer(() => {
      const plan0 = this.plan;
      return concat(this.describe$(false), defer(() => {
        if (plan0 && this.plan && plan0 !== this.plan && this.plan.watermark !== plan0.watermark) {
          return this.fullLoad$('resync', 'checkpoint-mismatch', `the object now orders by ${this.plan.watermark}`);
        }
        return concat(this.backfill$(), this.incremental$(starting));
      }));
    });
  }

  /**
   * Values of fields added since the last round, for every row: a new field (a formula above all) can hold values
   * that no change stamp announces. Upserts carry Id and the added fields only; sinks update those columns.
   */
  private backfill$(): Observable<ReplicationEvent> {
    return defer(() => {
      const added = this.backfill;
      if (added.length === 0 || !this.checkpoint) return EMPTY;
      const full = this.plan!;
      const keep = new Set(['id', full.watermark.toLowerCase(), ...added.map(n => n.toLowerCase())]);
      const plan: FieldPlan = { ...full, fields: full.fields.filter(f => keep.has(f.name.toLowerCase())) };
      return concat(
        this.keysetPages$({ from: undefined, all: false }, plan).pipe(concatMap(page => from(page.rows.map(raw => {
          const row = normalizeRow(plan, raw, false);
          const record: SyncRecord = { Id: row.Id };
          for (const n of added) if (n in row) record[n] = row[n];
          return { type: 'upsert', object: this.object, record } as ReplicationEvent;
        })))),
        defer(() => { this.backfill = []; return EMPTY; }),
      );
    });
  }

  private incremental$(starting: boolean): Observable<ReplicationEvent> {
    return defer(() => {
      const plan = this.plan!;
      const cp = this.checkpoint!;
      const localStart = this.client.localNow();
      const from0 = Date.parse(cp.watermark);
      // rows stamped before `settledTo` were committed before this round began (the overlap's premise): each settled
      // slice [watermark, settledTo) is read once after it settled, and every round also reads the recent rows from
      // `recentFrom` on, so a quiet stretch between them is not read again and again while it settles
      const orgStart0 = this.client.orgTime(localStart);
      const settledTo = orgStart0 === undefined ? undefined : orgStart0 - this.s.overlapMs;
      const recentFrom = this.recentFrom;
      const counts = { upserts: 0, deletes: 0, requests: 0 };
      let oldest: number | undefined;
      let maxStamp: number | undefined;
      let deletesCoveredTo = cp.deletesCoveredTo;
      let resync: { reason: ResyncReason; detail: string } | undefined;
      let watermark = from0;

      const note = (stamp: number): void => {
        if (oldest === undefined || stamp < oldest) oldest = stamp;
        if (maxStamp === undefined || stamp > maxStamp) maxStamp = stamp;
      };
      const firstSight = (id: string, stamp: number): boolean => {
        const before = this.seen.get(id);
        if (before !== undefined && before >= stamp) return false;
        this.seen.set(id, stamp);
        return true;
      };

      const deletes$ = defer(() => {
        const now = this.client.localNow();
        const due = starting || this.deletesReadAt === undefined || now - this.deletesReadAt >= this.s.deletedInterval;
        if (!due || !plan.replicateable) return EMPTY;
        const orgNow = this.client.orgTime();
        const startMs = Math.floor(Date.parse(deletesCoveredTo ?? cp.watermark) / MINUTE) * MINUTE;
        if (orgNow !== undefined && startMs < orgNow - DELETE_LOG_DAYS * DAY + MINUTE) {
          resync = { reason: 'checkpoint-expired', detail: `the checkpoint (${new Date(startMs).toISOString()}) is older than the ${DELETE_LOG_DAYS} days the org keeps deletes` };
          return EMPTY;
        }
        const endMs = Math.floor((orgNow ?? 0) / MINUTE) * MINUTE;
        // getDeleted wants start to precede end by more than a minute; a younger checkpoint waits for the next check
        if (orgNow === undefined || endMs - startMs <= MINUTE) return EMPTY;
        return this.client.request$<GetDeletedResult>({
          method: 'GET', path: `sobjects/${plan.object}/deleted/`,
          params: { start: replicationDate(startMs), end: replicationDate(endMs) },
        }).pipe(
          catchError((err: unknown) => {
            if (isSalesforceError(err, 'INVALID_REPLICATION_DATE')) {
              resync = { reason: 'checkpoint-expired', detail: `the org's delete log no longer reaches ${new Date(startMs).toISOString()}: ${(err as Error).message}` };
              return EMPTY;
            }
            return throwError(() => err);
          }),
          mergeMap(res => {
            counts.requests += 1;
            this.deletesReadAt = now;
            const body = res.data;
            const earliest = body.earliestDateAvailable ? Date.parse(body.earliestDateAvailable) : Number.NaN;
            if (!Number.isNaN(earliest) && earliest > startMs) {
              resync = { reason: 'checkpoint-expired', detail: `the org's delete log starts at ${body.earliestDateAvailable}, after the checkpoint's ${new Date(startMs).toISOString()}` };
              return EMPTY;
            }
            if (body.latestDateCovered) deletesCoveredTo = new Date(Date.parse(body.latestDateCovered)).toISOString();
            const events: ReplicationEvent[] = [];
            for (const d of body.deletedRecords ?? []) {
              const stamp = Date.parse(d.deletedDate);
              if (!firstSight(d.id, stamp)) continue;
              note(stamp);
              counts.deletes += 1;
              events.push({ type: 'delete', object: this.object, id: d.id, deletedAt: new Date(stamp).toISOString(), reason: 'deleted' });
            }
            return from(events);
          }),
        );
      });

      const changes$ = this.keysetPages$({ from: from0, all: plan.hasIsDeleted, settledTo, recentFrom }).pipe(
        concatMap(page => {
          counts.requests += 1;
          // rows read again over the overlap (most of a busy round's rows) are dropped before any conversion
          const fresh: { row: SyncRecord; deleted: boolean }[] = [];
          for (const raw of page.rows) {
            if (firstSight(String(raw.Id), rawStamp(plan, raw))) fresh.push({ row: normalizeRow(plan, raw, false), deleted: raw.IsDeleted === true });
          }
          const members$: Observable<Set<string> | undefined> = this.s.where
            ? this.members$(plan, fresh.filter(r => !r.deleted).map(r => r.row.Id), () => { counts.requests += 1; })
            : of(undefined);
          return members$.pipe(concatMap(members => {
            const events: ReplicationEvent[] = [];
            for (const { row, deleted } of fresh) {
              const stamp = stampOf(plan, row);
              note(stamp);
              if (deleted || (members && !members.has(row.Id))) {
                counts.deletes += 1;
                events.push({ type: 'delete', object: this.object, id: row.Id, deletedAt: new Date(stamp).toISOString(), reason: deleted ? 'deleted' : 'out-of-scope' });
              } else {
                counts.upserts += 1;
                events.push({ type: 'upsert', object: this.object, record: row });
              }
            }
            // a full page: every settled change before its last row is in; a crash resumes from there
            if (page.full && page.last) {
              const mid = Math.max(watermark, settledTo === undefined ? page.last.stamp - this.s.overlapMs : Math.min(page.last.stamp, settledTo));
              if (mid > watermark) {
                watermark = mid;
                events.push(this.checkpointEvent({ ...cp, watermark: new Date(mid).toISOString(), deletesCoveredTo }));
              }
            }
            return from(events);
          }));
        }),
      );

      const finish$ = defer(() => {
        // the clock this round's query was bounded by, so the watermark ends where its settled slice did
        const orgStart = orgStart0 ?? this.client.orgTime(localStart);
        const reach = orgStart ?? maxStamp;
        if (reach !== undefined) watermark = Math.max(watermark, reach - this.s.overlapMs);
        this.recentFrom = orgStart === undefined ? undefined : orgStart - RECENT_MARGIN_MS;
        for (const [id, stamp] of this.seen) if (stamp < watermark) this.seen.delete(id);
        const events: ReplicationEvent[] = [];
        const changed = counts.upserts + counts.deletes > 0;
        this.lastRoundChanged = changed;
        const next: Checkpoint = { ...cp, watermark: new Date(watermark).toISOString(), ...(deletesCoveredTo ? { deletesCoveredTo } : {}) };
        if (next.watermark !== this.checkpoint!.watermark || next.deletesCoveredTo !== this.checkpoint!.deletesCoveredTo || changed) {
          events.push(this.checkpointEvent(next));
        }
        events.push({ type: 'round', object: this.object, phase: 'incremental', ...counts, lagMs: this.lag(oldest, orgStart) });
        const phase: SyncPhase = changed ? 'incremental' : 'idle';
        if (this.phase !== phase) {
          this.phase = phase;
          events.push({ type: 'phase', object: this.object, phase });
        }
        return from(events);
      });

      return concat(deletes$, defer(() => {
        if (resync) return this.fullLoad$('resync', resync.reason, resync.detail);
        return concat(changes$, finish$);
      }));
    });
  }

  /** Stores `checkpoint` (with what was emitted at or after its watermark) and returns its event. */
  private checkpointEvent(checkpoint: Checkpoint): CheckpointEvent {
    const { seen: _old, ...rest } = checkpoint;
    const seen = seenSince(this.seen, Date.parse(checkpoint.watermark));
    const next: Checkpoint = seen ? { ...rest, seen } : rest;
    this.checkpoint = next;
    return { type: 'checkpoint', object: this.object, checkpoint: next };
  }

  /** Which of `ids` still match the filter. */
  private members$(plan: FieldPlan, ids: string[], counted: () => void): Observable<Set<string>> {
    if (ids.length === 0) return of(new Set<string>());
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += MEMBERSHIP_CHUNK) chunks.push(ids.slice(i, i + MEMBERSHIP_CHUNK));
    return from(chunks).pipe(
      mergeMap(chunk => query$<{ Id: string }>(membershipSoql(plan, chunk, this.s.where!), { client: this.client }).pipe(toArray(), tap(counted)), 1),
      toArray(),
      map(lists => new Set(lists.flat().map(r => r.Id))),
    );
  }

  /**
   * Keyset pages from `from` (or the start of time): each a query of at most 2,000 rows ordered by (stamp, Id), the
   * next one asked for only after the previous was handed on, and only when it was full.
   */
  private keysetPages$(
    q: { from: number | undefined; all: boolean; settledTo?: number; recentFrom?: number }, plan: FieldPlan = this.plan!,
  ): Observable<{ rows: Record<string, unknown>[]; full: boolean; last?: KeysetPosition }> {
    const page$ = (after: KeysetPosition | undefined) => defer(() => {
      const soql = pageSoql({
        plan, from: q.from, settledTo: q.settledTo, recentFrom: q.recentFrom, after, where: this.s.where, withIsDeleted: q.all,
        ignoreWhere: q.from !== undefined,
      });
      return query$<Record<string, unknown>>(soql, { client: this.client, all: q.all }).pipe(
        toArray(),
        map(rows => {
          const lastRow = rows.at(-1);
          const last = lastRow ? { stamp: Date.parse(String(lastRow[plan.watermark])), id: String(lastRow.Id) } : undefined;
          return { rows, full: rows.length >= PAGE_SIZE, last };
        }),
      );
    });
    return page$(undefined).pipe(expand(page => (page.full && page.last ? page$(page.last) : EMPTY), 1));
  }

  private lag(oldest: number | undefined, orgStart: number | undefined): number | undefined {
    if (orgStart === undefined) return undefined;
    return oldest === undefined ? 0 : Math.max(0, this.client.orgTime()! - oldest);
  }
}

/** A raw row's stamp in epoch ms (REST `+0000` offsets included), or a TypeError naming the row. */
function rawStamp(plan: FieldPlan, raw: Record<string, unknown>): number {
  const value = raw[plan.watermark];
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new TypeError(`${plan.object} ${String(raw.Id)} came without a valid ${plan.watermark}`);
  return ms;
}

/**
 * What a checkpoint remembers of `seen`: Ids emitted with a stamp at or after `watermark`, grouped by stamp, the
 * newest {@link CHECKPOINT_SEEN_LIMIT} at most; undefined when there are none.
 */
function seenSince(seen: ReadonlyMap<string, number>, watermark: number): Record<string, string[]> | undefined {
  let kept: [string, number][] = [];
  for (const entry of seen) if (entry[1] >= watermark) kept.push(entry);
  if (kept.length === 0) return undefined;
  if (kept.length > CHECKPOINT_SEEN_LIMIT) kept = kept.sort((a, b) => b[1] - a[1]).slice(0, CHECKPOINT_SEEN_LIMIT);
  const byStamp = new Map<number, string[]>();
  for (const [id, stamp] of kept) {
    const ids = byStamp.get(stamp);
    if (ids) ids.push(id);
    else byStamp.set(stamp, [id]);
  }
  const out: Record<string, string[]> = {};
  for (const stamp of [...byStamp.keys()].sort((a, b) => a - b)) out[new Date(stamp).toISOString()] = byStamp.get(stamp)!;
  return out;
}

/**
 * Each row of `rows$` as an event, with a progress event after every 10,000: one emission per row and no inner
 * Observable, since a bulk load is millions of rows. Errors of `toEvent` (and of the source) reach the subscriber.
 */
function withProgress(
  rows$: Observable<Record<string, unknown>>,
  toEvent: (row: Record<string, unknown>) => ReplicationEvent,
  progress: () => ReplicationEvent,
): Observable<ReplicationEvent> {
  return new Observable<ReplicationEvent>(subscriber => {
    let count = 0;
    return rows$.subscribe({
      next: row => {
        let event: ReplicationEvent;
        try {
          event = toEvent(row);
        } catch (err) {
          subscriber.error(err);
          return;
        }
        subscriber.next(event);
        count += 1;
        if (count % BULK_PROGRESS_EVERY === 0 && !subscriber.closed) subscriber.next(progress());
      },
      error: (err: unknown) => subscriber.error(err),
      complete: () => subscriber.complete(),
    });
  });
}
