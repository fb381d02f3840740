/**
 * Field paths (`Name`, `account.owner.name`, `What.Name`) resolved case-insensitively against describe, hop by hop
 * through reference fields, into canonical names and a getter that follows the parents in the store.
 */
import type { FieldSchema, ObjectSchema, OrgStore, StoredRecord } from '../types.js';
import { noSuchColumn, unknownRelationship } from './errors.js';
import { comparable, type Comparable, type Kind, kindOf } from './values.js';

/** One step from a child to its parent through a reference field. */
export interface Hop {
  /** Canonical relationship name, the key of the nested object in results (`Account`, `Owner`). */
  relationshipName: string;
  /** The reference field holding the parent's id (`AccountId`). */
  refField: string;
  /** Possible parent objects (several for polymorphic What/Who/Owner). */
  targets: string[];
}

export interface ResolvedPath {
  hops: Hop[];
  field: FieldSchema;
  kind: Kind;
  /** Canonical dotted name (`Account.Owner.Name`): the column name of flat rows. */
  column: string;
  /** The raw wire value, null when any parent on the way is missing. */
  get(rec: StoredRecord): unknown;
  /** The comparable form (lower-cased strings, epoch dates, 18-char ids). */
  key(rec: StoredRecord): Comparable | null;
}

export interface ResolveContext {
  soql: string;
  store: OrgStore;
  includeDeleted: boolean;
  /** The FROM object's alias (`FROM Account a`), if any. */
  alias?: string;
}

/** Resolves a dotted path on `root`, throwing INVALID_FIELD as Salesforce words it. */
export function resolvePath(ctx: ResolveContext, root: ObjectSchema, path: string): ResolvedPath {
  const parts = path.split('.');
  let current = root;
  const hops: Hop[] = [];
  let i = 0;
  for (; i < parts.length - 1; i++) {
    const seg = parts[i] as string;
    const lower = seg.toLowerCase();
    const ref = current.fields.find(f => f.type === 'reference' && f.relationshipName?.toLowerCase() === lower);
    if (!ref) {
      const prefix = i === 0 && (lower === root.name.toLowerCase() || lower === ctx.alias?.toLowerCase());
      if (prefix) continue;
      throw unknownRelationship(ctx.soql, path, seg);
    }
    const targets = ref.referenceTo.filter(t => ctx.store.schema.get(t) !== undefined);
    const nextName = targets.find(t => {
      const next = parts[i + 1]?.toLowerCase() ?? '';
      const s = ctx.store.schema.get(t);
      return i + 1 < parts.length - 1 ? s?.fields.some(f => f.relationshipName?.toLowerCase() === next)
        : s?.fieldMap.has(next);
    }) ?? targets[0];
    const next = nextName ? ctx.store.schema.get(nextName) : undefined;
    if (!next) throw unknownRelationship(ctx.soql, path, seg);
    hops.push({ relationshipName: ref.relationshipName as string, refField: ref.name, targets });
    current = next;
  }
  const last = parts[parts.length - 1] as string;
  const field = current.fieldMap.get(last.toLowerCase());
  if (!field) throw noSuchColumn(ctx.soql, path, current.name);
  const kind = kindOf(field.type);
  const get = getter(ctx, hops, field.name);
  return {
    hops, field, kind,
    column: [...hops.map(h => h.relationshipName), field.name].join('.'),
    get,
    key: rec => comparable(kind, get(rec)),
  };
}

function getter(ctx: ResolveContext, hops: Hop[], name: string): (rec: StoredRecord) => unknown {
  if (hops.length === 0) return rec => rec[name] ?? null;
  const opts = { includeDeleted: ctx.includeDeleted };
  return rec => {
    let cur: StoredRecord | undefined = rec;
    for (const hop of hops) {
      const id = cur[hop.refField];
      if (typeof id !== 'string' || id === '') return null;
      cur = ctx.store.get(id, opts);
      if (!cur) return null;
    }
    return cur[name] ?? null;
  };
}

/** The object a record belongs to, from its id's key prefix. */
export function typeOfId(store: OrgStore, id: string, fallback: string): string {
  return store.schema.byKeyPrefix(id.slice(0, 3))?.name ?? fallback;
}
