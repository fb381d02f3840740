import { defer, filter, from, lastValueFrom, map, tap, type Observable, type OperatorFunction } from 'rxjs';
import { resolveClient } from '../../client/client.js';
import { ValidationError } from '../../util/errors.js';
import { markSynced, type SObjectModel } from '../../model/index.js';
import { markSent } from '../../model/tracking.js';
import { invalid } from '../../sources/internal/invalid.js';
import { collectionEngine } from './engine.js';
import { DEFAULTS, type CollectionKind, type ListComplete, type ListEvent, type ListOptions, type ListProgress, type Prepared } from '../../sources/collections/types.js';

/** Options checked before any request: numbers in range, so a typo cannot send 1,000-record collections. */
export function checkOptions(opts: ListOptions, maxBatchSize: number, defaultBatchSize: number) {
  const batchSize = opts.batchSize ?? defaultBatchSize;
  const concurrency = opts.concurrency ?? DEFAULTS.concurrency;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > maxBatchSize) {
    throw invalid(`batchSize must be an integer from 1 to ${maxBatchSize}, got ${batchSize}`, { field: 'batchSize' });
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw invalid(`concurrency must be a positive integer, got ${concurrency}`, { field: 'concurrency' });
  }
  const lockRetries = opts.lockRetries ?? DEFAULTS.lockRetries;
  if (!Number.isInteger(lockRetries) || lockRetries < 1) {
    throw invalid(`lockRetries must be a positive integer, got ${lockRetries}`, { field: 'lockRetries' });
  }
  return {
    batchSize,
    concurrency,
    lockRetries,
    lockRetryDelayMs: opts.lockRetryDelayMs ?? DEFAULTS.lockRetryDelayMs,
    allOrNone: opts.allOrNone ?? DEFAULTS.allOrNone,
    continueOnError: opts.continueOnError ?? DEFAULTS.continueOnError,
  };
}

export interface OperationSpec<R> {
  /** Checks options and settings that need no record (the external id field…); throws ValidationError. */
  kind(checked: ReturnType<typeof checkOptions>): CollectionKind<R>;
  prepare(input: unknown, index: number): Prepared;
  maxBatchSize: number;
  defaultBatchSize: number;
}

/**
 * The operator form: validates each record as it arrives. An invalid record before any request errors the stream
 * (batches form only after a full batch or the end, so one inside the first batch stops everything before any
 * request); once batches have been sent it is reported as an `INVALID_INPUT` failure instead, so the results of
 * what was already written are never lost.
 */
export function listOperator<T, R>(spec: OperationSpec<R>, opts: ListOptions): OperatorFunction<T, ListEvent<R>> {
  return (source) =>
    defer(() => {
      const checked = checkOptions(opts, spec.maxBatchSize, spec.defaultBatchSize);
      const kind = spec.kind(checked);
      const client = resolveClient(opts.client);
      return source.pipe(
        map((input, index): Prepared => {
          try {
            return spec.prepare(input, index);
          } catch (invalid) {
            if (!(invalid instanceof ValidationError)) throw invalid;
            return { index, type: '', payload: null, invalid };
          }
        }),
        collectionEngine(kind, { client, ...checked, total: opts.total }),
      );
    });
}

/**
 * The array form, in two steps: calling it validates every input now (so one bad record sends nothing and the
 * error names its index); the returned Observable does the requests on subscribe.
 * @param positions input positions to name in errors when `inputs` is a slice of the caller's array
 */
export function preparedList<R>(
  spec: OperationSpec<R>,
  inputs: readonly unknown[],
  opts: ListOptions,
  positions?: readonly number[],
): Observable<ListEvent<R>> {
  const checked = checkOptions(opts, spec.maxBatchSize, spec.defaultBatchSize);
  const kind = spec.kind(checked);
  const prepared = inputs.map((input, j) => {
    // prepare gives a new object each call: it is renumbered in place rather than copied (once per record)
    const item = spec.prepare(input, positions ? positions[j] : j);
    item.index = j;
    return item;
  });
  return defer(() => {
    const client = resolveClient(opts.client);
    return from(prepared).pipe(collectionEngine(kind, { client, ...checked, total: opts.total ?? prepared.length, size: prepared.length }));
  });
}

/** The array form as one cold Observable: validation and requests both happen on subscribe. */
export function listSource<R>(spec: OperationSpec<R>, inputs: Iterable<unknown>, opts: ListOptions): Observable<ListEvent<R>> {
  return defer(() => preparedList(spec, Array.from(inputs), opts));
}

/** The Promise twin of a list Observable: resolves to the results, calling `onChunk` as each batch settles. */
export function listPromise<R>(events$: Observable<ListEvent<R>>, onChunk?: (p: ListProgress) => void): Promise<R[]> {
  return lastValueFrom(
    events$.pipe(
      tap((e) => {
        if (e.type === 'progress') onChunk?.(e);
      }),
      filter((e): e is ListComplete<R> => e.type === 'complete'),
      map((e) => e.results),
    ),
  );
}

/**
 * After a successful save the record counts as synced, so a later `onlyChanges` update sends only new edits. What
 * was sent is marked, not the record as it stands now: an edit made while the request was in flight is still a change.
 */
export function trackSaved(item: Prepared, id: string | null, op: 'insert' | 'update' | 'upsert' | 'delete'): void {
  const record = item.record as Record<string, unknown> | undefined;
  if (!record || !item.model || op === 'delete') return;
  if ((op === 'insert' || op === 'upsert') && id && 'Id' in item.model.fields && Object.isExtensible(record)) record.Id = id;
  if (item.alone) {
    // the single-record save marked what it sent on the record itself; a tagged record was sent as an untagged copy
    if ('attributes' in record) markSynced(record);
    return;
  }
  // the entry's `id` key names the record to update, it is not a field; the Id the server answered is marked
  markSent(record, item.model, item.payload as Record<string, unknown>, id, 'id');
}

export type { SObjectModel };
