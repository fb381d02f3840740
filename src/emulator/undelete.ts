/**
 * Undelete: restores records from the Recycle Bin, as the SOAP API's `undelete()` call and the Recycle Bin page do
 * (the REST API has no undelete resource). Children deleted with a record by a cascading lookup come back with it.
 */
import { formatDatetime } from './dates.js';
import { normalizeId } from './ids.js';
import type { Store } from './store.js';
import type { DmlResult } from './types.js';

export function undeleteRecords(store: Store, ids: string[], now: number): DmlResult[] {
  return ids.map(raw => {
    const id = normalizeId(raw);
    const rec = id ? store.get(id, { includeDeleted: true }) : undefined;
    if (!id || !rec) {
      return { success: false, id: id ?? null, errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] }] };
    }
    if (!rec.IsDeleted) {
      return { success: false, id, errors: [{ statusCode: 'UNDELETE_FAILED', message: 'Entity is not in the recycle bin', fields: [] }] };
    }
    const deletedAt = rec.SystemModstamp;
    const stamp = formatDatetime(now);
    const restored = { IsDeleted: false, LastModifiedDate: stamp, SystemModstamp: stamp, LastModifiedById: store.actingUserId || null };
    store.transaction(() => {
      const queue = [rec];
      for (let i = 0; i < queue.length; i++) {
        const parent = queue[i];
        store.internalSet(parent.Id, restored);
        const schema = store.schema.byKeyPrefix(parent.Id.slice(0, 3));
        for (const rel of schema?.childRelationships ?? []) {
          if (!rel.cascadeDelete) continue;
          // children that went to the bin in the same delete (same stamp) come back; ones deleted on their own stay
          for (const child of store.scan(rel.childSObject, { includeDeleted: true })) {
            if (child.IsDeleted && child[rel.field] === parent.Id && child.SystemModstamp === deletedAt) queue.push(child);
          }
        }
      }
      return true;
    });
    return { success: true, id };
  });
}
