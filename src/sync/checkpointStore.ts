import type { Checkpoint, CheckpointStore } from './types.js';

/**
 * Checkpoints kept in memory (tests, or a consumer that persists them its own way). Each load returns a copy, so a
 * caller cannot change what is stored.
 *
 * @example
 * import { memoryCheckpointStore, replicate$ } from 'rxforce';
 * const store = memoryCheckpointStore();
 * replicate$('Account', { client, checkpoint: store });
 */
export function memoryCheckpointStore(initial: readonly Checkpoint[] = []): CheckpointStore & { readonly all: Checkpoint[] } {
  const byObject = new Map<string, Checkpoint>(initial.map(c => [c.object.toLowerCase(), structuredClone(c)]));
  return {
    get all() { return [...byObject.values()].map(c => structuredClone(c)); },
    load: (object) => Promise.resolve(byObject.has(object.toLowerCase()) ? structuredClone(byObject.get(object.toLowerCase())) : undefined),
    save: (checkpoint) => { byObject.set(checkpoint.object.toLowerCase(), structuredClone(checkpoint)); return Promise.resolve(); },
  };
}
