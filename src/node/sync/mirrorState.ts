/** What both database sinks track between events: tables' columns, and which objects are inside a full load. */
import type { ReplicationEvent, SyncField } from '../../sync/index.js';

/** A value as a column stores it: objects (compound, anyType) as JSON text. */
export function columnValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value;
}

/** Whether two records' key lists are the same, in order: a load's records all share one, so each is compared, not joined. */
export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks a name before it is quoted into SQL: API names are letters, digits and underscores. */
export function checkName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new TypeError(`not an API name, refused as a table or column name: ${JSON.stringify(name)}`);
  return name;
}

export const quote = (name: string): string => `"${checkName(name)}"`;

/** The table holding each object's checkpoint. */
export const CHECKPOINT_TABLE = '_rxforce_checkpoints';
/** Ids a running full load has brought, per object (rows not among them are ghosts when it ends). */
export const SEEN_TABLE = '_rxforce_seen';

/** The fields of an event's schema plus IsDeleted when deleted rows are kept. */
export function fieldsWithIsDeleted(fields: readonly SyncField[], keepDeleted: boolean): SyncField[] {
  if (!keepDeleted || fields.some(f => f.name.toLowerCase() === 'isdeleted')) return [...fields];
  return [...fields, { name: 'IsDeleted', type: 'boolean' }];
}

/**
 * Per object: whether a full load is running and whether it must sweep (a load into a table that had rows before
 * it began; a load into an empty table has nothing to sweep, and records no ids).
 */
export class LoadTracker {
  private readonly loads = new Map<string, { sweep: boolean }>();

  begin(object: string, tableHadRows: boolean): void {
    this.loads.set(object.toLowerCase(), { sweep: tableHadRows });
  }

  /** Whether upserts of `object` must be recorded for a sweep. */
  recording(object: string): boolean {
    return this.loads.get(object.toLowerCase())?.sweep ?? false;
  }

  /** Ends the load; true when the sweep must run. */
  end(object: string): boolean {
    const load = this.loads.get(object.toLowerCase());
    this.loads.delete(object.toLowerCase());
    return load?.sweep ?? false;
  }

  /** Forgets loads of a batch that failed to commit (the load starts again after a restart). */
  snapshot(): Map<string, { sweep: boolean }> {
    return new Map([...this.loads].map(([k, v]) => [k, { ...v }]));
  }

  restore(saved: Map<string, { sweep: boolean }>): void {
    this.loads.clear();
    for (const [k, v] of saved) this.loads.set(k, v);
  }
}

/** Whether an event starts a full load. */
export function isLoadStart(e: ReplicationEvent): e is Extract<ReplicationEvent, { type: 'phase' }> {
  return e.type === 'phase' && (e.phase === 'initial' || e.phase === 'resync');
}
