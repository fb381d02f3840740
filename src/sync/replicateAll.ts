import { defer, merge, type Observable } from 'rxjs';
import { ValidationError } from '../client/errors.js';
import { Limiter } from '../client/limiter.js';
import { replicateGated$, type ReplicateOptions, type ReplicationTarget } from './replicate.js';
import type { ReplicationEvent } from './types.js';

/** One object of {@link replicateAll$} with options of its own (they override the shared ones). */
export interface ReplicationSpec extends ReplicateOptions {
  object: ReplicationTarget;
}

export interface ReplicateAllOptions extends ReplicateOptions {
  /** Objects whose rounds run at once (a full load holds its slot until done). Default 3. */
  concurrency?: number;
}

/**
 * Several objects replicated side by side, their events merged (each carries its `object`). Every object runs its
 * own rounds on its own interval; at most `concurrency` rounds run at once, the others wait for a slot. Give
 * `checkpoint` a store (a sink is one): a single checkpoint value cannot serve several objects.
 *
 * @example
 * import { replicateAll$, applyTo } from 'rxforce';
 * replicateAll$(['Account', 'Contact', { object: 'Opportunity', where: "StageName != 'Closed Lost'" }],
 *   { client, checkpoint: sink, concurrency: 2 }).pipe(applyTo(sink)).subscribe();
 *
 * @returns a cold, endless Observable of every object's events
 */
export function replicateAll$(targets: readonly (ReplicationTarget | ReplicationSpec)[], opts: ReplicateAllOptions = {}): Observable<ReplicationEvent> {
  const { concurrency = 3, ...shared } = opts;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ValidationError({ reason: `concurrency must be a whole number ≥ 1, got ${concurrency}` });
  if (!Array.isArray(targets) || targets.length === 0) throw new ValidationError({ reason: 'replicateAll$ needs at least one object' });
  const specs = targets.map(t => (typeof t === 'object' && 'object' in t ? t : { object: t }));
  const names = new Set<string>();
  for (const { object, ...own } of specs) {
    const name = (typeof object === 'string' ? object : object.apiName).toLowerCase();
    if (names.has(name)) throw new ValidationError({ sobject: name, reason: 'named twice' });
    names.add(name);
    const checkpoint = own.checkpoint ?? shared.checkpoint;
    if (checkpoint && typeof (checkpoint as { load?: unknown }).load !== 'function' && specs.length > 1 && own.checkpoint === undefined) {
      throw new ValidationError({ reason: 'a single checkpoint value cannot serve several objects: give a checkpoint store, or one checkpoint per object' });
    }
  }
  // options are checked now, before any request
  const streams = (gate: Limiter) => specs.map(({ object, ...own }) => replicateGated$(object, { ...shared, ...own }, gate));
  streams(new Limiter(concurrency));
  return defer(() => merge(...streams(new Limiter(concurrency))));
}
