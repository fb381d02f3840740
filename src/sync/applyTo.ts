import { concatMap, defer, from, mergeMap, Observable, type OperatorFunction } from 'rxjs';
import type { Checkpoint, CheckpointStore, ReplicationEvent } from './types.js';

/** One object as a sink holds it. */
export interface MirrorStatus {
  object: string;
  /** Its stored checkpoint; undefined when a load never finished. */
  checkpoint: Checkpoint | undefined;
  /** Rows in its table (deleted ones kept under `keepDeleted` included). */
  rows: number;
}

/**
 * Where replication lands: a database that applies events in order and keeps each object's checkpoint in the same
 * transaction as the rows it covers. `rxforce/node` has SQLite and Postgres sinks.
 */
export interface ReplicationSink extends CheckpointStore {
  /**
   * Applies `events` (in order, any objects) in one transaction: schema events create tables and add columns, upserts
   * and deletes change rows, checkpoints are stored, and a full-load checkpoint drops rows the load did not bring.
   * Resolves once committed; rejects with nothing applied.
   */
  apply(events: readonly ReplicationEvent[]): Promise<void>;
  /** Each mirrored object's checkpoint and row count. */
  status(): Promise<MirrorStatus[]>;
  /** Releases the connection; later calls reopen it. */
  close(): Promise<void>;
  /**
   * Takes over writing one object's stream and fences out every writer that claimed it before (a worker that stalled
   * past its lease while another took its stream over). The sink returned writes that object only, and only while
   * this claim is the latest: each `apply` and `save` checks the claim inside its own transaction, and after a newer
   * claim it rejects with {@link StreamTakenOverError}, nothing of it committed. Claim before loading the checkpoint:
   * a claim waits for a write in progress, so the new writer resumes from everything an earlier one committed. Its
   * `close` releases nothing (the connection is this sink's). Sinks without it are not fenced.
   */
  claim?(object: string): Promise<ReplicationSink>;
}

/**
 * A write refused because another writer claimed the object's stream after this one ({@link ReplicationSink.claim}):
 * nothing of the refused batch was committed, and the newer writer's rows and checkpoint stand.
 */
export class StreamTakenOverError extends Error {
  override readonly name = 'StreamTakenOverError';
  /**
   * @param object the object whose stream was taken over
   * @param claim the claim this writer holds
   * @param latestClaim the claim that outnumbered it
   */
  constructor(readonly object: string, readonly claim: number, readonly latestClaim: number) {
    super(`${object}: another writer took the stream over (claim ${latestClaim}; this writer holds claim ${claim}), so this ` +
      'write was refused and nothing of it committed');
  }
}

export interface ApplyOptions {
  /** Most events in one transaction. Default 5,000. */
  batchSize?: number;
}

/** Events that end a batch at once: a checkpoint (stored with its rows), and what a log wants to see now. */
const FLUSH_ON = new Set<ReplicationEvent['type']>(['checkpoint', 'round', 'phase', 'retry']);

/**
 * Applies replication events to a sink and emits each event once it is committed. Rows and the checkpoint that
 * covers them are committed together, so after a crash the stored checkpoint never claims a change the mirror lacks;
 * a change applied twice (after a restart from an older checkpoint) is harmless.
 *
 * @example
 * import { replicate$, applyTo } from 'rxforce';
 * import { sqliteSink } from 'rxforce/node';
 * const sink = sqliteSink('mirror.db');
 * replicate$('Account', { client, checkpoint: sink }).pipe(applyTo(sink)).subscribe(e => e.type === 'round' && log(e));
 */
export function applyTo(sink: ReplicationSink, options: ApplyOptions = {}): OperatorFunction<ReplicationEvent, ReplicationEvent> {
  const batchSize = options.batchSize ?? 5000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a whole number ≥ 1, got ${batchSize}`);
  return source => defer(() => batches(source, batchSize).pipe(
    concatMap(batch => from(sink.apply(batch)).pipe(mergeMap(() => from(batch)))),
  ));
}

/**
 * Groups events into batches that end at a checkpoint (or another event a log waits for) or at `size` events; what
 * is left when the source completes is the last batch. State per subscription; every error reaches the subscriber.
 */
function batches(source: Observable<ReplicationEvent>, size: number): Observable<ReplicationEvent[]> {
  return new Observable<ReplicationEvent[]>(subscriber => {
    let batch: ReplicationEvent[] = [];
    const flush = (): void => {
      if (batch.length === 0) return;
      const out = batch;
      batch = [];
      subscriber.next(out);
    };
    return source.subscribe({
      next: event => {
        try {
          batch.push(event);
          if (batch.length >= size || FLUSH_ON.has(event.type)) flush();
        } catch (err) {
          subscriber.error(err);
        }
      },
      error: (err: unknown) => subscriber.error(err),
      complete: () => { flush(); subscriber.complete(); },
    });
  });
}
