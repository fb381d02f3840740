/**
 * What the list operations and the read paths use of a model beyond its public surface. Kept off the model object
 * (which stays exactly its public interface) in a registry filled by `defineSObject`.
 * @internal
 */
import type { SObjectModel, ToWireOptions, WriteOp } from './types.js';

export interface ModelHooks {
  /**
   * A wire row whose ownership passes to the model (the result of a JSON or CSV parse that nothing else holds) →
   * the typed record, as `fromWire` gives it but without `attributes` (also inside parent records and subquery
   * results). The record's change-tracking snapshot is built from the row only when a save first needs it.
   */
  revive(raw: Record<string, unknown>, csv?: boolean): Record<string, unknown>;
  /**
   * `toWire` without remembering the record's model (the list saves pass it to `markSent`), writing the fields into
   * `out` (a collection entry already holding its `attributes`).
   */
  serialize(record: unknown, op: WriteOp, opts: ToWireOptions, out: Record<string, unknown>): Record<string, unknown>;
}

const registry = new WeakMap<SObjectModel<any>, ModelHooks>();

export function registerHooks(model: SObjectModel<any>, hooks: ModelHooks): void {
  registry.set(model, hooks);
}

/** The hooks of a model made by `defineSObject`; undefined for an object that only implements the interface. */
export function hooksOf(model: SObjectModel<any>): ModelHooks | undefined {
  return registry.get(model);
}
