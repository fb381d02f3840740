import { Observable, type OperatorFunction } from 'rxjs';

/** How `chunkRecords` groups a stream. */
export interface ChunkConfig<T> {
  /** Items per group. */
  size: number;
  /** Most runs of consecutive same-type items per group (Salesforce: ≤ 10 chunks per collection call). */
  maxChunks?: number;
  /** The item's sObject type; by default `item.attributes.type`, so one type when records carry none. */
  typeOf?: (item: T) => string | undefined;
}

/** `item.attributes.type`, the way Salesforce and jsforce tag a record's type. */
export function attributesType(item: unknown): string | undefined {
  const attrs = (item as { attributes?: { type?: unknown } } | null)?.attributes;
  return typeof attrs?.type === 'string' ? attrs.type : undefined;
}

/**
 * Groups a stream into arrays of at most `size` items that also respect Salesforce's chunk rule: a new type run
 * after `maxChunks` runs starts a new group. Keeps only the group being filled (per subscription).
 */
export function chunkRecords<T>(config: ChunkConfig<T>): OperatorFunction<T, T[]> {
  const { size, maxChunks = Infinity, typeOf = attributesType } = config;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be a positive integer, got ${size}`);
  if (!(maxChunks >= 1)) throw new RangeError(`maxChunks must be at least 1, got ${maxChunks}`);
  return (source) =>
    new Observable<T[]>((subscriber) => {
      let group: T[] = [];
      let chunks = 0;
      let lastType: string | undefined;
      const flush = () => {
        const out = group;
        group = [];
        chunks = 0;
        lastType = undefined;
        subscriber.next(out);
      };
      // an exception in typeOf (a user callback) goes down the error channel, never to the unhandled-error hook
      const subscription = source.subscribe({
        next: (item) => {
          if (subscriber.closed) return;
          try {
            const type = typeOf(item);
            const newRun = group.length === 0 || type !== lastType;
            if (newRun && chunks >= maxChunks) flush();
            if (newRun) chunks++;
            lastType = type;
            group.push(item);
            if (group.length >= size) flush();
          } catch (err) {
            group = [];
            subscriber.error(err);
          }
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          if (group.length > 0) flush();
          subscriber.complete();
        },
      });
      return () => {
        group = [];
        subscription.unsubscribe();
      };
    });
}
