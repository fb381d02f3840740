/**
 * Turns the store's committed changes into Change Data Capture events, as Salesforce does at the end of a
 * transaction. The emulator's transaction is one turn of the event loop's writes (a REST call, a collections call, the
 * rows of bulk processing read from one chunk of the upload): everything committed before the next `setImmediate`.
 * Within it:
 * - a record changed twice gives one event of its first change type carrying the committed values (create then
 *   update → one CREATE);
 * - the same change to several records of one object merges into one event listing every record id;
 * - past `overflowThreshold` changes (a create, delete or undelete counts one, an update one per changed field) the
 *   rest becomes one GAP_OVERFLOW event per object, header only, no record ids;
 * - a hard delete (emptying the Recycle Bin) gives no event.
 */
import type { JournalEntry } from '../persist/journal.js';
import type { FieldSchema, ObjectSchema, OrgStore } from '../types.js';
import type { ChangeType } from './schemas.js';

/** One change event before encoding. */
export interface ChangeEventDraft {
  entity: ObjectSchema;
  changeType: ChangeType;
  recordIds: string[];
  /** Object field → value (stored wire form) for the fields the event carries. */
  values: Record<string, unknown>;
  changedFields: string[];
  nulledFields: string[];
  commitUser: string;
}

/** Fields whose change alone is the org's bookkeeping, not counted against the overflow threshold. */
const BOOKKEEPING = new Set(['LastModifiedDate', 'LastModifiedById', 'SystemModstamp']);

/** Most record ids one merged event lists (an emulator choice; Salesforce documents none). */
export const MAX_MERGED_IDS = 2000;

interface Pending {
  entity: ObjectSchema;
  type: 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE';
  id: string;
  values: Record<string, unknown>;
  changed: Set<string>;
  user: string;
}

export class ChangeCollector {
  private pending: Pending[] = [];
  private byId = new Map<string, Pending>();
  private scheduled = false;

  constructor(
    private readonly store: OrgStore & { actingUserId: string },
    private readonly captured: (entity: ObjectSchema) => boolean,
    private readonly emit: (events: ChangeEventDraft[]) => void,
    private readonly overflowThreshold: () => number,
  ) {}

  /** The store's commit listener. */
  readonly onCommit = (e: JournalEntry): void => {
    if (e.o === 'b' || e.o === 'h') return;
    const id = e.o === 'i' ? e.r.Id : e.id;
    const rec = this.store.get(id, { includeDeleted: true });
    const entity = rec && this.store.schema.byKeyPrefix(id.slice(0, 3));
    if (!rec || !entity || !this.captured(entity)) return;
    const user = this.store.actingUserId;
    if (e.o === 'i') {
      this.add({ entity, type: 'CREATE', id, values: { ...e.r }, changed: new Set(), user });
      return;
    }
    const type = e.f.IsDeleted === true ? 'DELETE' : e.f.IsDeleted === false ? 'UNDELETE' : 'UPDATE';
    const earlier = this.byId.get(id);
    if (type === 'UPDATE' && earlier && (earlier.type === 'CREATE' || earlier.type === 'UPDATE' || earlier.type === 'UNDELETE')) {
      // one event per record and transaction: the first change type, with the values as committed
      Object.assign(earlier.values, e.f);
      if (earlier.type === 'UPDATE') for (const k of Object.keys(e.f)) earlier.changed.add(k);
      return;
    }
    const values = type === 'UPDATE' ? { ...e.f } : type === 'UNDELETE' ? { ...rec } : {};
    this.add({ entity, type, id, values, changed: new Set(type === 'UPDATE' ? Object.keys(e.f) : []), user });
  };

  private add(p: Pending): void {
    this.pending.push(p);
    this.byId.set(p.id, p);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Ends the current transaction: builds and hands over its events. */
  flush(): void {
    this.scheduled = false;
    const pending = this.pending;
    this.pending = [];
    this.byId = new Map();
    if (!pending.length) return;
    const threshold = this.overflowThreshold();
    const out: ChangeEventDraft[] = [];
    const merged = new Map<string, ChangeEventDraft>();
    const overflowed = new Map<string, ChangeEventDraft>();
    let count = 0;
    for (const p of pending) {
      count += p.type === 'UPDATE' ? Math.max(1, [...p.changed].filter(k => !BOOKKEEPING.has(k)).length) : 1;
      if (count > threshold) {
        if (!overflowed.has(p.entity.name)) {
          const ev = { entity: p.entity, changeType: 'GAP_OVERFLOW' as const, recordIds: [], values: {}, changedFields: [],
            nulledFields: [], commitUser: p.user };
          overflowed.set(p.entity.name, ev);
          out.push(ev);
        }
        continue;
      }
      const draft = this.draftOf(p);
      // alike: the same values but for the stamps, which differ by the milliseconds the transaction took
      const { LastModifiedDate: _m, CreatedDate: _c, ...alike } = draft.values;
      const key = `${p.entity.name}\u0000${p.type}\u0000${p.user}\u0000${JSON.stringify([alike, draft.changedFields])}`;
      const same = merged.get(key);
      if (same && same.recordIds.length < MAX_MERGED_IDS) {
        same.recordIds.push(p.id);
        continue;
      }
      merged.set(key, draft);
      out.push(draft);
    }
    this.emit(out);
  }

  private draftOf(p: Pending): ChangeEventDraft {
    const fields = p.entity.fields;
    const values: Record<string, unknown> = {};
    let changedFields: string[] = [];
    let nulledFields: string[] = [];
    if (p.type === 'CREATE' || p.type === 'UNDELETE') {
      for (const f of fields) if (carried(f) && p.values[f.name] !== undefined) values[f.name] = p.values[f.name];
    } else if (p.type === 'UPDATE') {
      changedFields = fields.filter(f => carried(f) && p.changed.has(f.name)).map(f => f.name);
      for (const name of changedFields) values[name] = p.values[name] ?? null;
      nulledFields = changedFields.filter(n => values[n] === null);
    }
    // record-specific values (CreatedDate of a create is shared by the batch) keep merges to identical changes
    return { entity: p.entity, changeType: p.type, recordIds: [p.id], values, changedFields, nulledFields, commitUser: p.user };
  }
}

function carried(f: FieldSchema): boolean {
  return f.name !== 'Id' && f.name !== 'IsDeleted' && f.name !== 'SystemModstamp' && !f.calculated;
}

