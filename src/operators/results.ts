import { filter, map, type OperatorFunction } from 'rxjs';
import type { ListEvent, ListProgress } from '../sources/collections/types.js';

/**
 * Keeps only the final results of a list operation: one array, one entry per input record, in input order.
 *
 * ```ts
 * import { insertRecords, results } from 'rxforce';
 * const saved = await lastValueFrom(from(rows).pipe(insertRecords(Account, { client }), results()));
 * ```
 */
export function results<R>(): OperatorFunction<ListEvent<R>, R[]> {
  return (source) =>
    source.pipe(
      filter((e) => e.type === 'complete'),
      map((e) => (e.type === 'complete' ? e.results : [])),
    );
}

/** Keeps only the progress events of a list operation (for progress bars). */
export function onlyProgress<R>(): OperatorFunction<ListEvent<R>, ListProgress> {
  return (source) => source.pipe(filter((e): e is ListProgress => e.type === 'progress'));
}
