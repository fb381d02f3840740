/** Compares a database mirror with the emulator's org: every row, every field, no ghosts. */
import type { Emulator } from '../../src/emulator/index.js';
import type { FieldSchema, StoredRecord } from '../../src/emulator/types.js';

export type MirrorRow = Record<string, unknown>;

/** A value as both sides can be compared: datetimes as epoch ms, booleans as true/false, numbers as numbers, empty as null. */
function comparable(f: FieldSchema, v: unknown): unknown {
  if (v === undefined || v === null || v === '') return null;
  switch (f.type) {
    case 'boolean': return v === true || v === 1 || v === '1' || v === 'true';
    case 'int': case 'double': case 'currency': case 'percent': return Number(v);
    case 'datetime': return v instanceof Date ? v.getTime() : Date.parse(String(v).replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
    case 'date': return v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
    default: return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

/**
 * Differences between the org's live rows of `object` and the mirror's, at most `limit`, in words: rows missing or
 * extra, fields that differ, fields without a column.
 */
export function mirrorDifferences(emu: Emulator, object: string, mirror: MirrorRow[], limit = 10): string[] {
  const schema = emu.store.schema.get(object)!;
  const org = new Map<string, StoredRecord>();
  for (const r of emu.store.scan(object)) org.set(r.Id, r);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const m of mirror) {
    const id = String(m.Id);
    if (seen.has(id)) out.push(`${object} ${id}: twice in the mirror`);
    seen.add(id);
    const o = org.get(id);
    if (!o) {
      out.push(`${object} ${id}: in the mirror, not in the org (a ghost)`);
      continue;
    }
    for (const f of schema.fields) {
      if (f.type === 'base64' || !(f.name in m)) continue;
      const a = comparable(f, o[f.name]);
      const b = comparable(f, m[f.name]);
      if (a !== b) out.push(`${object} ${id}.${f.name}: org ${JSON.stringify(a)}, mirror ${JSON.stringify(b)}`);
    }
  }
  for (const id of org.keys()) if (!seen.has(id)) out.push(`${object} ${id}: in the org, missing from the mirror`);
  const columns = new Set(mirror.flatMap(m => Object.keys(m)));
  if (mirror.length) {
    for (const f of schema.fields) if (f.type !== 'base64' && !columns.has(f.name)) out.push(`${object}.${f.name}: no column in the mirror`);
  }
  return out.slice(0, limit);
}
