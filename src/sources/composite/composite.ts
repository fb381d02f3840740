import { catchError, concatMap, defer, from, lastValueFrom, map, type Observable, of, reduce, throwError } from 'rxjs';
import { resolveClient, ValidationError } from '../../client/index.js';
import type { SourceOptions } from '../index.js';
import type { AnswerOf, CompositeStep } from './builder.js';
import { callFailed, type CompositeSubresponse, prepareSteps, toSubresponse, type WireSubrequest } from './build.js';

/** ≤ 25 subrequests per Composite request. */
export const MAX_COMPOSITE_SUBREQUESTS = 25;
/** ≤ 5 of them sObject Collections or query operations. */
export const MAX_COMPOSITE_COLLECTION_OR_QUERY = 5;

export interface CompositeOptions extends SourceOptions {
  /** Roll everything back when any subrequest fails (each collections subrequest then runs all-or-none too). */
  allOrNone?: boolean;
  /** Let Salesforce run unrelated subrequests out of order (v49+ default true). */
  collateSubrequests?: boolean;
}

/** The answers of a Composite call, in the order of the steps, typed per step. */
export interface CompositeResult<S extends readonly CompositeStep<any>[] = CompositeStep[]> {
  /** Every subrequest succeeded. */
  ok: boolean;
  responses: { -readonly [K in keyof S]: CompositeSubresponse<AnswerOf<S[K]>> };
  /** How many Composite requests were sent (more than one when over 25 subrequests were split). */
  requests: number;
}

/**
 * Chunks of at most 25 subrequests (5 collections or queries) cut only where no later step refers to an earlier
 * one across the cut; a step list that cannot be cut so is refused.
 */
export function splitSteps(steps: readonly CompositeStep[], dependsOn: number[][], allOrNone: boolean): Array<[number, number]> {
  const n = steps.length;
  const heavy = (s: CompositeStep) => s.kind === 'query' || s.kind === 'collection';
  // lowest index any step at or after b refers to (Infinity when none)
  const lowest = new Array<number>(n + 1).fill(Infinity);
  for (let b = n - 1; b >= 0; b--) lowest[b] = Math.min(lowest[b + 1], ...dependsOn[b]);
  const cutOk = (b: number) => b === n || lowest[b] >= b;
  const chunks: Array<[number, number]> = [];
  let start = 0;
  while (start < n) {
    let end = start;
    let h = 0;
    while (end < n && end - start < MAX_COMPOSITE_SUBREQUESTS && h + (heavy(steps[end]) ? 1 : 0) <= MAX_COMPOSITE_COLLECTION_OR_QUERY) {
      h += heavy(steps[end]) ? 1 : 0;
      end++;
    }
    let cut = end;
    while (cut > start && !cutOk(cut)) cut--;
    if (cut === start) {
      throw new ValidationError({ recordIndex: end, reason: `composite: subrequests ${start}–${end} refer to each other across ` +
        `the ${MAX_COMPOSITE_SUBREQUESTS}-subrequest (${MAX_COMPOSITE_COLLECTION_OR_QUERY} queries or collections) limit of one ` +
        'Composite request, so they cannot be split; use compositeGraph$ (500 nodes) or fewer subrequests' });
    }
    chunks.push([start, cut]);
    start = cut;
  }
  if (chunks.length > 1 && allOrNone) {
    throw new ValidationError({ reason: `composite: ${n} subrequests need ${chunks.length} Composite requests, and allOrNone ` +
      'cannot span requests; use compositeGraph$ (all or nothing up to 500 nodes) or at most 25 subrequests' });
  }
  return chunks;
}

/**
 * Runs subrequests in one Composite call (`POST /composite`): later ones may use earlier answers through references
 * (`acct.ref.id`, `ref('q').records[0].Id`); the call counts as one API request. More than 25 subrequests (or more than
 * 5 queries and collections) are sent as several calls, one after another, when no reference crosses a cut and
 * allOrNone is off; otherwise a `ValidationError` comes before anything is sent.
 *
 * A failed subrequest is an answer, not an error: its `ok` is false and `error` holds the typed error. The
 * Observable errors only when the first Composite call itself fails; when a later call of a split request fails, its
 * subrequests carry `callError` so the answers of the earlier calls are still delivered. A call whose subrequests are all GETs is retried as an
 * idempotent request; one that writes is never re-sent.
 *
 * @example
 * import { composite$, subrequest } from 'rxforce';
 * const acct = subrequest.create(Account, { Name: 'Acme' });
 * const contact = subrequest.create(Contact, { LastName: 'Smith', AccountId: acct.ref.id });
 * composite$([acct, contact], { client, allOrNone: true }).subscribe(r => console.log(r.responses[1].result?.id));
 *
 * @returns a cold Observable of one CompositeResult
 */
export function composite$<const S extends readonly CompositeStep<any>[]>(steps: S, opts: CompositeOptions = {}): Observable<CompositeResult<S>> {
  return defer(() => {
    const client = resolveClient(opts.client);
    return client.apiVersion$().pipe(concatMap(version => {
      const { wire, dependsOn } = prepareSteps(steps, version);
      const chunks = splitSteps(steps, dependsOn, opts.allOrNone === true);
      return from(chunks).pipe(
        // a later call's failure must not hide what the earlier calls did: its subrequests carry the error instead
        concatMap(([a, b], k) => send(client, wire.slice(a, b), steps.slice(a, b), opts).pipe(
          catchError(e => (k === 0 ? throwError(() => e) : of(callFailed(wire.slice(a, b), e)))))),
        reduce((all, part) => all.concat(part), [] as CompositeSubresponse[]),
        map(responses => ({ ok: responses.every(r => r.ok), responses, requests: chunks.length }) as unknown as CompositeResult<S>),
      );
    }));
  });
}

function send(client: ReturnType<typeof resolveClient>, wire: WireSubrequest[], steps: readonly CompositeStep[],
  opts: CompositeOptions): Observable<CompositeSubresponse[]> {
  const data: Record<string, unknown> = { compositeRequest: wire };
  if (opts.allOrNone !== undefined) data.allOrNone = opts.allOrNone;
  if (opts.collateSubrequests !== undefined) data.collateSubrequests = opts.collateSubrequests;
  return client.request$<{ compositeResponse?: Record<string, unknown>[] }>({
    method: 'POST', path: 'composite', data, idempotent: wire.every(w => w.method === 'GET'),
  }).pipe(map(res => {
    const answers = Array.isArray(res.data?.compositeResponse) ? res.data.compositeResponse : [];
    return wire.map((w, i) => {
      const raw = answers.find(a => a.referenceId === w.referenceId) ?? answers[i] ?? { httpStatusCode: 0, body: null };
      return toSubresponse(steps[i], w, raw);
    });
  }));
}

/** Promise twin of {@link composite$}. */
export function composite<const S extends readonly CompositeStep<any>[]>(steps: S, opts: CompositeOptions = {}): Promise<CompositeResult<S>> {
  return lastValueFrom(composite$(steps, opts));
}
