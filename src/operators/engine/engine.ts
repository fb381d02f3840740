import { EMPTY, Observable, catchError, concat, connect, defer, filter, map, merge, mergeMap, of, type OperatorFunction } from 'rxjs';
import type { SalesforceClient } from '../../client/client.js';
import { chunkRecords } from '../../util/rx/chunkRecords.js';
import { DEFAULTS, type Batch, type CollectionKind, type ListComplete, type ListEvent, type ListProgress, type Prepared } from '../../sources/collections/types.js';

/** Engine options after defaults. */
export interface EngineOptions {
  client: SalesforceClient;
  batchSize: number;
  concurrency: number;
  continueOnError: boolean;
  total?: number;
  /** The number of records, when known before the first one arrives (the array forms). */
  size?: number;
}

/**
 * Runs validated records through collection requests: batches them, keeps `concurrency` batches in flight
 * (`mergeMap` with the batch index), settles each record's result in its input slot, emits progress per batch and a
 * final `complete` with results in input order. All state lives per subscription.
 */
export function collectionEngine<R>(kind: CollectionKind<R>, opts: EngineOptions): OperatorFunction<Prepared, ListEvent<R>> {
  return (prepared$) =>
    defer(() => {
      // sized up front when the count is known: batches settle out of order, and a write far past the end of an
      // empty array would turn it into a slow dictionary
      const results: R[] = opts.size !== undefined ? new Array<R>(opts.size) : [];
      let count = 0;
      let done = 0;
      let failed = 0;
      let notAttempted = 0;
      let batchIndex = 0;
      let stopError: unknown;
      let stopped = false;
      let sentAny = false;

      const settle = (item: Prepared, result: R, attempted = true) => {
        results[item.index] = result;
        if (!attempted) notAttempted++;
        else {
          done++;
          if (!kind.isSuccess(result)) failed++;
        }
      };
      const progress = (batch: Batch, attempts: number, error?: unknown): ListProgress => {
        let ok = 0;
        for (const item of batch.items) if (kind.isSuccess(results[item.index])) ok++;
        return {
          type: 'progress',
          done,
          failed,
          ...(opts.total !== undefined ? { total: opts.total } : {}),
          batch: {
            index: batch.index,
            size: batch.items.length,
            first: batch.items[0].index,
            succeeded: ok,
            failed: batch.items.length - ok,
            attempts,
            ...(error !== undefined ? { error } : {}),
          },
        };
      };
      const send$ = (batch: Batch): Observable<ListProgress> => {
        sentAny ||= !stopped;
        if (stopped) {
          for (const item of batch.items) settle(item, kind.failed(item, stopError, true), false);
          return EMPTY;
        }
        return kind.send$(opts.client, batch).pipe(
          map(({ results: batchResults, attempts }) => {
            batch.items.forEach((item, i) => settle(item, batchResults[i]));
            return progress(batch, attempts);
          }),
          catchError((error: unknown) => {
            for (const item of batch.items) settle(item, kind.failed(item, error, false));
            if (!opts.continueOnError && !stopped) {
              stopped = true;
              stopError = error;
            }
            return of(progress(batch, 1, error));
          }),
        );
      };

      const batches$ = prepared$.pipe(
        filter((item) => {
          count = Math.max(count, item.index + 1);
          if (item.invalid !== undefined) {
            // Before any request, bad input fails the whole stream (nothing was written). Once batches have been sent,
            // an error would hide their results, so the record is reported as failed instead, and the operation
            // stops (or goes on, with continueOnError) as after a failed batch.
            if (!sentAny) throw item.invalid;
            settle(item, kind.failed(item, item.invalid, false));
            if (!opts.continueOnError && !stopped) {
              stopped = true;
              stopError = item.invalid;
            }
            return false;
          }
          if (item.settled === undefined) return true;
          settle(item, item.settled as R);
          return false;
        }),
        // Records with blob bytes travel alone through the single-record multipart path; the rest fill collection batches.
        connect((shared) =>
          merge(
            shared.pipe(filter((item) => item.alone === true), map((item) => [item])),
            shared.pipe(
              filter((item) => !item.alone),
              chunkRecords<Prepared>({
                size: opts.batchSize,
                maxChunks: kind.chunked ? DEFAULTS.maxChunks : Infinity,
                typeOf: (item) => item.type,
              }),
            ),
          ),
        ),
        map((items): Batch => ({ index: batchIndex++, items })),
      );
      const complete$ = defer(() => {
        const event: ListComplete<R> = {
          type: 'complete',
          results: results.slice(0, count),
          done,
          failed,
          notAttempted,
          ...(stopError !== undefined ? { error: stopError } : {}),
        };
        return of(event);
      });
      return concat(batches$.pipe(mergeMap(send$, opts.concurrency)), complete$);
    });
}
