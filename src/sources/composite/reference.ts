/**
 * Composite references: `ref('newAccount').id` or `step.ref.records[0].Id` stands for `@{newAccount.id}` in a later
 * subrequest's body or url. A reference made from a step follows the step, so ids can be generated when the request
 * is sent; one made from a name is checked against the request's reference ids before anything is sent.
 */
import { ValidationError } from '../../client/index.js';

const REFERENCE = Symbol('rxforce.compositeReference');

/** Where a reference points: a step of the request (or its referenceId) and the path inside its answer. */
export interface ReferenceTarget {
  readonly target: object | string;
  readonly path: string;
}

/**
 * A reference into an earlier subrequest's answer. Any property (`.id`, `.records`, `.Name`) or index (`[0]`) makes a
 * longer path; as a value in a body or url it becomes `@{referenceId.path}` when the request is built.
 */
export interface Reference {
  readonly [key: string]: Reference;
  readonly [index: number]: Reference;
}

/** What a body or url may hold where a reference stands for a value. */
export type Referable<T> = T | Reference;

const PATH_STEP = /^[^.[\]{}@\s]+$/;

function make(target: object | string, path: string): Reference {
  const info: ReferenceTarget = { target, path };
  return new Proxy(Object.create(null) as object, {
    get(_t, key) {
      if (key === REFERENCE) return info;
      if (typeof key === 'symbol') return undefined;
      if (key === 'toJSON' || key === 'toString') return () => `@{${typeof target === 'string' ? target : '?'}${path}}`;
      if (/^\d+$/.test(key)) return make(target, `${path}[${key}]`);
      if (!PATH_STEP.test(key)) throw new ValidationError({ reason: `a reference path cannot contain '${key}'` });
      return make(target, `${path}.${key}`);
    },
    has: (_t, key) => key === REFERENCE,
    set: () => false,
  }) as Reference;
}

/**
 * A reference to the answer of the subrequest with this referenceId: `ref('newAccount').id` is `@{newAccount.id}`,
 * `ref('q').records[0].Id` is `@{q.records[0].Id}`, `ref('q').nextRecordsUrl` is `@{q.nextRecordsUrl}`.
 */
export function ref(referenceId: string): Reference {
  if (typeof referenceId !== 'string' || !/^[A-Za-z0-9_]+$/.test(referenceId)) {
    throw new ValidationError({ field: 'referenceId', reason: `'${String(referenceId)}' is not a reference id: letters, digits and _ only` });
  }
  return make(referenceId, '');
}

/** A reference bound to a step object (the builder's `step.ref`). */
export function stepReference(step: object): Reference {
  return make(step, '');
}

export function isReference(v: unknown): v is Reference {
  return typeof v === 'object' && v !== null && REFERENCE in v;
}

export function referenceTarget(v: Reference): ReferenceTarget {
  return (v as unknown as Record<symbol, ReferenceTarget>)[REFERENCE];
}

/** Every reference in a value (bodies, arrays, nested objects). */
export function referencesIn(value: unknown, out: ReferenceTarget[] = []): ReferenceTarget[] {
  if (isReference(value)) out.push(referenceTarget(value));
  else if (Array.isArray(value)) for (const v of value) referencesIn(v, out);
  else if (value && typeof value === 'object' && !(value instanceof Date)) for (const v of Object.values(value)) referencesIn(v, out);
  return out;
}

/** Replaces references with `@{id.path}` text, naming each target through `idOf`. */
export function renderReferences(value: unknown, idOf: (target: object | string) => string): unknown {
  if (isReference(value)) {
    const { target, path } = referenceTarget(value);
    return `@{${idOf(target)}${path}}`;
  }
  if (Array.isArray(value)) return value.map(v => renderReferences(v, idOf));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderReferences(v, idOf);
    return out;
  }
  return value;
}
