import type { SObjectModel } from '../../model/index.js';
import { stripAttributes } from '../../model/attributes.js';
import { hooksOf } from '../../model/internal.js';

type WireRecord = Record<string, unknown>;

export { stripAttributes };

/** Whether a query row is an aggregate row (`attributes.type` is `AggregateResult`), which no model describes. */
export function isAggregateRow(raw: WireRecord): boolean {
  const attributes = raw.attributes;
  return typeof attributes === 'object' && attributes !== null && (attributes as { type?: unknown }).type === 'AggregateResult';
}

/**
 * How REST records (rows of a parsed response that nothing else holds) are revived through `model`: typed in one
 * pass without their `attributes`, the change-tracking snapshot built from the row only when a save needs it.
 */
export function reviverOf<M extends SObjectModel<any>>(model: M): (raw: WireRecord) => ReturnType<M['fromWire']> {
  const hooks = hooksOf(model);
  if (hooks) return (raw) => hooks.revive(raw) as ReturnType<M['fromWire']>;
  return (raw) => model.fromWire(stripAttributes(raw)) as ReturnType<M['fromWire']>;
}

/** A REST record revived through its model (which also remembers it for change tracking). */
export function reviveRecord<M extends SObjectModel<any>>(model: M, raw: WireRecord): ReturnType<M['fromWire']> {
  return reviverOf(model)(raw);
}
