/**
 * Composite references: `@{refId.field}`, `@{refId.records[0].Id}`, `@{refId.nextRecordsUrl}` in a later subrequest's
 * url or body, resolved by path into an earlier subrequest's answer. `.` selects a property, `[n]` an array item; both
 * repeat; everything is case-sensitive.
 */

const REF = /@\{([A-Za-z0-9_]+)((?:\.[^.[\]{}@]+|\[\d+\])*)\}/g;
const STEP = /\.([^.[\]{}@]+)|\[(\d+)\]/g;

/** A reference that names no earlier answer, or a path with no value in it. */
export class InvalidReference extends Error {
  constructor(readonly expression: string, readonly referenceId: string) {
    super(`Invalid reference specified. No value for ${expression} found in ${referenceId}`);
  }
}

/** The reference ids a value mentions (anywhere in its strings). */
export function referencedIds(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(REF)) out.add(m[1]);
  } else if (Array.isArray(value)) {
    for (const v of value) referencedIds(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      referencedIds(k, out);
      referencedIds(v, out);
    }
  }
  return out;
}

/** The value at `path` (`.a[0].b`) inside `root`; undefined when any step is missing. */
function walk(root: unknown, path: string): unknown {
  let cur = root;
  for (const m of path.matchAll(STEP)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (m[1] !== undefined) {
      if (Array.isArray(cur) || !Object.hasOwn(cur, m[1])) return undefined;
      cur = (cur as Record<string, unknown>)[m[1]];
    } else {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[Number(m[2])];
    }
  }
  return cur;
}

/**
 * Replaces every reference in `value` (strings, nested arrays and objects) with what it names. `answers` holds the
 * bodies of the earlier subrequests that may be referenced; a reference to anything else, or to a path without a
 * scalar value, throws InvalidReference. A string that is exactly one reference keeps the value's JSON type.
 */
export function resolveReferences(value: unknown, answers: ReadonlyMap<string, unknown>): unknown {
  if (typeof value === 'string') {
    const one = value.match(/^@\{[^}]*\}$/) ? lookup(value.slice(2, -1), value, answers) : undefined;
    if (one !== undefined) return one;
    return value.replace(REF, (whole, id: string, path: string) => String(lookup(`${id}${path}`, whole, answers, id, path)));
  }
  if (Array.isArray(value)) return value.map(v => resolveReferences(v, answers));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[resolveReferences(k, answers) as string] = resolveReferences(v, answers);
    return out;
  }
  return value;
}

function lookup(expression: string, whole: string, answers: ReadonlyMap<string, unknown>, id?: string, path?: string): unknown {
  if (id === undefined || path === undefined) {
    const m = new RegExp(`^${REF.source}$`).exec(whole);
    if (!m) return undefined; // not a well-formed reference: left as text
    id = m[1];
    path = m[2];
  }
  if (!answers.has(id)) throw new InvalidReference(expression, id);
  const v = path ? walk(answers.get(id), path) : answers.get(id);
  if (v === undefined || v === null || typeof v === 'object') throw new InvalidReference(expression, id);
  return v;
}
