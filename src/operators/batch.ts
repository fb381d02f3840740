import type { OperatorFunction } from 'rxjs';
import { chunkRecords, type ChunkConfig } from '../util/rx/chunkRecords.js';
import { DEFAULTS } from '../sources/collections/types.js';

/** Configuration of `batch`. */
export interface BatchConfig<T> {
  /** Records per batch; Salesforce takes ≤ 200 per collection call. */
  size: number;
  /**
   * Most runs of consecutive same-type records per batch when several sObject types share the stream: Salesforce
   * rejects a mixed-type create/update/delete with more than 10 chunks. Default 10.
   */
  maxChunks?: number;
  /** The record's sObject type; by default `record.attributes.type`. */
  typeOf?: (record: T) => string | undefined;
}

/**
 * Groups records into collection-sized batches: at most `size` records and at most `maxChunks` same-type runs each.
 * The save operators do not put records carrying blob bytes in batches: they send those one at a time through the
 * single-record multipart path.
 *
 * ```ts
 * import { batch } from 'rxforce';
 * from(records).pipe(batch(200)).subscribe(group => …);             // 450 records → 200, 200, 50
 * from(mixed).pipe(batch({ size: 200, maxChunks: 10 }))             // Account, Contact, Account… → ≤ 10 runs each
 * ```
 * @param sizeOrConfig records per batch, or a {@link BatchConfig}
 * @returns an operator emitting arrays in input order; the last one holds the remainder
 */
export function batch<T>(size: number): OperatorFunction<T, T[]>;
export function batch<T>(config: BatchConfig<T>): OperatorFunction<T, T[]>;
export function batch<T>(sizeOrConfig: number | BatchConfig<T>): OperatorFunction<T, T[]> {
  const config: ChunkConfig<T> =
    typeof sizeOrConfig === 'number'
      ? { size: sizeOrConfig, maxChunks: DEFAULTS.maxChunks }
      : { maxChunks: DEFAULTS.maxChunks, ...sizeOrConfig };
  return chunkRecords(config);
}
