/**
 * Replication by Change Data Capture: after the first load (or round), changes are applied as their events arrive
 * instead of by polling, with the replay id of the last event applied kept in the checkpoint. Whatever could hide a
 * change runs a reconciling polling round from the checkpoint's watermark, never a silent gap:
 * - starting from the tip (no stored replay id): one round once the subscription stands, for changes made between
 *   the load and the subscription;
 * - a gap or overflow event: a round before the events after it;
 * - a stored replay id the org no longer keeps (past the 72 h retention): a round, then following from the tip.
 * Events are handled one at a time through the feed's `process` hook, so a slow sink holds back the stream instead
 * of filling memory. This module stays free of Node-only code: `rxforce/node`'s `changeDataCapture()` is the feed.
 */
import { concat, concatAll, defer, EMPTY, finalize, from, ignoreElements, merge, Observable, of, Subject, timer,
  catchError, type SchedulerLike } from 'rxjs';
import type { SalesforceClient } from '../client/client.js';
import { normalizeValue, type FieldPlan } from './schema.js';
import type { Checkpoint, ReplicationEvent, SyncRecord } from './types.js';

/** A change event as replication needs it (what `changeEvents$` emits has this shape). */
export interface FeedChangeEvent {
  replayId: string;
  header: { entityName: string; recordIds: string[]; changeType: string; commitTimestamp: number; changedFields: string[] };
  /** Values under API field names in REST wire form: all fields of a create or undelete, the changed ones of an update. */
  fields: Record<string, unknown>;
}

/**
 * Where change events come from: subscribes to one object's events after `replayId` (from the tip without one),
 * handing each to `process` and waiting for it before the next. It fails with {@link ChangeFeedExpiredError} when
 * the org no longer keeps `replayId`, and with {@link ChangeFeedUnavailableError} when the object has no change events.
 */
export type ChangeEventFeed = (object: string, opts: { client: SalesforceClient; replayId?: string;
  process: (event: FeedChangeEvent) => Observable<unknown>; onOpen: () => void }) => Observable<unknown>;

/** The stored replay id is past the org's retention: events after it may be gone. */
export class ChangeFeedExpiredError extends Error {
  override name = 'ChangeFeedExpiredError';
}

/** The object has no change events here (not a Change Data Capture object, or no channel): replication polls. */
export class ChangeFeedUnavailableError extends Error {
  override name = 'ChangeFeedUnavailableError';
}

/** What the follower needs from the replication it serves. */
export interface FollowHost {
  readonly object: string;
  readonly client: SalesforceClient;
  readonly scheduler: SchedulerLike | undefined;
  readonly overlapMs: number;
  readonly maxBackoffMs: number;
  plan(): FieldPlan;
  checkpoint(): Checkpoint;
  /** Stores the checkpoint and returns its event. */
  checkpointEvent(checkpoint: Checkpoint): ReplicationEvent;
  /** One polling round from the checkpoint (with its retries). */
  reconcile$(): Observable<ReplicationEvent>;
  /** Polling for good, for objects without change events. */
  poll$(): Observable<ReplicationEvent>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The mirrored fields an event carries, normalised as a query's rows are. */
function recordOf(plan: FieldPlan, id: string, e: FeedChangeEvent, onlyChanged: boolean): SyncRecord {
  const record: SyncRecord = { Id: id };
  const changed = onlyChanged ? new Set(e.header.changedFields) : undefined;
  for (const f of plan.fields) {
    if (f.name === 'Id') continue;
    if (f.name in e.fields && (!changed || changed.has(f.name))) record[f.name] = normalizeValue(f, e.fields[f.name], false);
  }
  // change events leave these out; the commit time stands in for the stamp
  if (plan.fields.some(f => f.name === plan.watermark) && !(plan.watermark in record) && plan.watermark === 'SystemModstamp') {
    record.SystemModstamp = iso(e.header.commitTimestamp);
  }
  if (!onlyChanged && plan.hasIsDeleted && plan.fields.some(f => f.name === 'IsDeleted')) record.IsDeleted = false;
  return record;
}

/** Follows change events for good (see the module comment). */
export function follow$(host: FollowHost, feed: ChangeEventFeed): Observable<ReplicationEvent> {
  return defer(() => {
    let failures = 0;
    const pass$ = (): Observable<ReplicationEvent> => defer(() => {
      const work = new Subject<Observable<ReplicationEvent>>();
      /** Runs `w$` after everything queued before it; completes when it is done. */
      const enqueue = (w$: Observable<ReplicationEvent>) => new Observable<void>(sub => {
        const done = new Subject<void>();
        const s = done.subscribe(sub);
        work.next(w$.pipe(finalize(() => done.complete())));
        return s;
      });
      const fromReplay = host.checkpoint().replayId;
      let caughtUp = fromReplay !== undefined;
      const apply$ = (e: FeedChangeEvent): Observable<ReplicationEvent> => defer(() => {
        failures = 0;
        const plan = host.plan();
        const type = e.header.changeType;
        const events: ReplicationEvent[] = [];
        let upserts = 0;
        let deletes = 0;
        if (type === 'CREATE' || type === 'UNDELETE' || type === 'UPDATE') {
          for (const id of e.header.recordIds) {
            upserts++;
            events.push({ type: 'upsert', object: host.object, record: recordOf(plan, id, e, type === 'UPDATE') });
          }
        } else if (type === 'DELETE') {
          for (const id of e.header.recordIds) {
            deletes++;
            events.push({ type: 'delete', object: host.object, id, deletedAt: iso(e.header.commitTimestamp), reason: 'deleted' });
          }
        }
        const gap = type.startsWith('GAP_');
        const cp = host.checkpoint();
        const watermark = Math.max(Date.parse(cp.watermark), e.header.commitTimestamp - host.overlapMs);
        const after = defer(() => {
          const orgNow = host.client.orgTime();
          return of(
            host.checkpointEvent({ ...host.checkpoint(), watermark: iso(watermark), replayId: e.replayId }),
            { type: 'round', object: host.object, phase: 'incremental', upserts, deletes, requests: 0,
              lagMs: orgNow === undefined ? undefined : Math.max(0, orgNow - e.header.commitTimestamp) } as ReplicationEvent,
          );
        });
        // a gap: the change is known to have happened, not what it was; a round from the watermark reads it
        return concat(gap ? host.reconcile$() : from(events), after);
      });
      const catchUp$ = defer(() => {
        if (caughtUp) return EMPTY;
        caughtUp = true;
        return host.reconcile$();
      });
      const feed$ = feed(host.object, {
        client: host.client, replayId: fromReplay,
        // events wait behind the catch-up round, and each behind the one before
        process: e => enqueue(concat(catchUp$, apply$(e))),
        onOpen: () => { enqueue(catchUp$).subscribe(); },
      });
      return merge(
        work.pipe(concatAll()),
        feed$.pipe(ignoreElements(), finalize(() => work.complete())),
      );
    });
    const loop$ = (): Observable<ReplicationEvent> => pass$().pipe(catchError((err: unknown) => {
      if (err instanceof ChangeFeedUnavailableError) {
        return concat(of<ReplicationEvent>({ type: 'phase', object: host.object, phase: 'incremental',
          detail: `polling: ${err.message}` }), host.poll$());
      }
      if (err instanceof ChangeFeedExpiredError) {
        // the events after the stored replay id are gone: read what changed, then follow from the tip
        return concat(
          of<ReplicationEvent>({ type: 'phase', object: host.object, phase: 'incremental',
            detail: `the org no longer keeps replay id ${host.checkpoint().replayId ?? ''}: reconciling by a polling round` }),
          host.reconcile$(),
          defer(() => {
            const { replayId: _gone, ...rest } = host.checkpoint();
            return of(host.checkpointEvent(rest));
          }),
          defer(() => loop$()),
        );
      }
      failures += 1;
      const delayMs = Math.min(host.maxBackoffMs, 1000 * 2 ** (failures - 1));
      return concat(
        of<ReplicationEvent>({ type: 'retry', object: host.object, attempt: failures, delayMs, error: err }),
        timer(delayMs, host.scheduler).pipe(ignoreElements()),
        defer(() => loop$()),
      );
    }));
    return concat(
      of<ReplicationEvent>({ type: 'phase', object: host.object, phase: 'incremental', detail: 'following change events' }),
      loop$(),
    );
  });
}
