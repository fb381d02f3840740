/**
 * Turns builder steps into wire subrequests: reference ids generated where the caller gave none, references checked
 * (they must point at an earlier step of the same request) and rendered as `@{id.path}`, urls prefixed with
 * `/services/data/vXX.X/`. Answers are mapped back with typed errors.
 */
import { errorFromResponse, SalesforceApiError, ValidationError } from '../../client/index.js';
import type { CompositeStep } from './builder.js';
import { referencesIn, renderReferences, type ReferenceTarget } from './reference.js';

/** A subrequest as the wire carries it. */
export interface WireSubrequest {
  method: string;
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

/** What one subrequest answered. */
export interface CompositeSubresponse<T = unknown> {
  referenceId: string;
  httpStatusCode: number;
  httpHeaders: Record<string, string>;
  /** The body as Salesforce sent it (an error array when the subrequest failed). */
  body: unknown;
  /** 2xx (and, for a collections subrequest, no failed record). */
  ok: boolean;
  /** The typed answer (a model's record for `get` and `query` with a model), when ok. */
  result?: T;
  /** The failure as a typed error (`MalformedRequestError`, `ResourceNotFoundError`…), when not ok. */
  error?: SalesforceApiError;
  /**
   * Set when the call carrying this subrequest failed as a whole (a later call of a split request; `httpStatusCode`
   * is then 0). A `NetworkError` with `sent: true` means the subrequest may have run; anything else means it did not.
   */
  callError?: unknown;
}

/** Subresponses for the steps of a call that failed as a whole. */
export function callFailed(wire: WireSubrequest[], error: unknown): CompositeSubresponse[] {
  return wire.map(w => ({ referenceId: w.referenceId, httpStatusCode: 0, httpHeaders: {}, body: null, ok: false, callError: error,
    ...(error instanceof SalesforceApiError ? { error } : {}) }));
}

/** Index of each step, and the indexes each step refers to. */
export interface Prepared {
  wire: WireSubrequest[];
  /** For each step, the indexes of the steps it refers to. */
  dependsOn: number[][];
}

function stepName(s: CompositeStep, i: number): string {
  return s.referenceId ? `subrequest ${i} (${s.referenceId})` : `subrequest ${i}`;
}

/** Checks the steps and renders them for the wire, ids generated as `ref{n}` avoiding the caller's own. */
export function prepareSteps(steps: readonly CompositeStep[], version: string, what = 'composite'): Prepared {
  if (!Array.isArray(steps) || steps.length === 0) throw new ValidationError({ reason: `${what}: no subrequests` });
  const ids = new Map<object, string>();
  const byName = new Map<string, number>();
  const seen = new Set<object>();
  steps.forEach((s, i) => {
    if (!s || typeof s !== 'object' || !Array.isArray(s.url)) {
      throw new ValidationError({ recordIndex: i, reason: `${what}: not a subrequest (build it with subrequest.create(), .get() …)` });
    }
    if (seen.has(s)) throw new ValidationError({ recordIndex: i, reason: `${what}: the same subrequest is listed twice; build a second one` });
    seen.add(s);
    if (s.referenceId !== undefined) {
      if (byName.has(s.referenceId)) throw new ValidationError({ recordIndex: i, field: 'referenceId', reason: `duplicate referenceId '${s.referenceId}'` });
      byName.set(s.referenceId, i);
      ids.set(s, s.referenceId);
    }
  });
  let n = 0;
  for (const s of steps) {
    if (ids.has(s)) continue;
    while (byName.has(`ref${n}`)) n++;
    ids.set(s, `ref${n}`);
    byName.set(`ref${n}`, steps.indexOf(s));
    n++;
  }
  const index = new Map<object, number>(steps.map((s, i) => [s, i]));
  const dependsOn = steps.map((s, i) => {
    const targets: ReferenceTarget[] = referencesIn([s.url, s.body]);
    return [...new Set(targets.map(t => {
      const at = typeof t.target === 'string' ? byName.get(t.target) : index.get(t.target);
      if (at === undefined) {
        throw new ValidationError({ recordIndex: i, reason: `${stepName(s, i)} refers to ${typeof t.target === 'string'
          ? `'${t.target}'` : 'a subrequest'}, which is not part of this request` });
      }
      if (at >= i) throw new ValidationError({ recordIndex: i, reason: `${stepName(s, i)} refers to a later subrequest (${at}): references point back` });
      return at;
    }))];
  });
  const idOf = (t: object | string) => (typeof t === 'string' ? t : ids.get(t)!);
  const wire = steps.map((s): WireSubrequest => {
    const url = (renderReferences([...s.url], idOf) as string[]).join('');
    const out: WireSubrequest = { method: s.method, url: url.startsWith('/services/data/') || url.startsWith('@{') ? url
      : `/services/data/v${version}/${url}`, referenceId: ids.get(s)! };
    if (s.body !== undefined) out.body = renderReferences(s.body, idOf);
    if (s.httpHeaders && Object.keys(s.httpHeaders).length) out.httpHeaders = { ...s.httpHeaders };
    return out;
  });
  return { wire, dependsOn };
}

/** Whether a subrequest's answer is a failure: 4xx/5xx, or a collections answer with a failed record. */
export function isFailure(status: number, body: unknown): boolean {
  if (status >= 400) return true;
  return Array.isArray(body) && body.some(e => e !== null && typeof e === 'object' && (e as { success?: unknown }).success === false);
}

/** One answer of the wire mapped to a typed subresponse. */
export function toSubresponse<T>(step: CompositeStep<T> | undefined, sent: WireSubrequest, raw: Record<string, unknown>): CompositeSubresponse<T> {
  const status = typeof raw.httpStatusCode === 'number' ? raw.httpStatusCode : Number(raw.statusCode ?? 0);
  const body = 'body' in raw ? raw.body : raw.result;
  const headers = (raw.httpHeaders && typeof raw.httpHeaders === 'object' ? raw.httpHeaders : {}) as Record<string, string>;
  const ok = !isFailure(status, body);
  const out: CompositeSubresponse<T> = { referenceId: sent.referenceId, httpStatusCode: status, httpHeaders: headers, body, ok };
  if (ok) out.result = (step?.decode ? step.decode(body) : body) as T;
  else {
    const err = errorFromResponse({ status: status >= 400 ? status : 400, data: status >= 400 ? body : collectionErrors(body),
      method: sent.method as never, url: sent.url });
    if (err instanceof SalesforceApiError) out.error = err;
  }
  return out;
}

/** A collections answer's record errors as an error array (`statusCode` → `errorCode`). */
function collectionErrors(body: unknown): unknown[] {
  const out: unknown[] = [];
  for (const r of Array.isArray(body) ? body : []) {
    for (const e of ((r as { errors?: unknown[] })?.errors ?? []) as Record<string, unknown>[]) {
      out.push({ errorCode: e.statusCode ?? e.errorCode, message: e.message, fields: e.fields });
    }
  }
  return out;
}
