import { catchError, concatMap, defer, from, lastValueFrom, map, type Observable, of, reduce, throwError } from 'rxjs';
import { resolveClient, ValidationError } from '../../client/index.js';
import type { SourceOptions } from '../index.js';
import type { AnswerOf, CompositeStep } from './builder.js';
import { callFailed, type CompositeSubresponse, prepareSteps, toSubresponse } from './build.js';
import { referencesIn } from './reference.js';

/** ≤ 25 subrequests per Composite Batch request. */
export const MAX_BATCH_SUBREQUESTS = 25;

export interface CompositeBatchOptions extends SourceOptions {
  /** Stop at the first failure: later subrequests answer 412 BATCH_PROCESSING_HALTED (and later batches are not sent). */
  haltOnError?: boolean;
}

/** One answer of a batch; `sent: false` marks a subrequest of a later batch that haltOnError kept from being sent. */
export interface BatchSubresponse<T = unknown> extends CompositeSubresponse<T> {
  sent: boolean;
}

export interface CompositeBatchResult<S extends readonly CompositeStep<any>[] = CompositeStep[]> {
  hasErrors: boolean;
  results: { -readonly [K in keyof S]: BatchSubresponse<AnswerOf<S[K]>> };
  /** How many batch requests were sent. */
  requests: number;
}

/**
 * Runs independent subrequests (`POST /composite/batch`), each committed on its own, in order; 25 a request, so a
 * longer list is sent as several batches one after another. Subrequests cannot refer to each other here (that is
 * `composite$`): a reference is a `ValidationError` before anything is sent.
 *
 * @example
 * import { compositeBatch$, subrequest } from 'rxforce';
 * compositeBatch$([subrequest.update('Account', id, { Name: 'New' }), subrequest.get('Account', id)], { client })
 *   .subscribe(r => console.log(r.results.map(x => x.httpStatusCode)));
 *
 * @returns a cold Observable of one CompositeBatchResult
 */
export function compositeBatch$<const S extends readonly CompositeStep<any>[]>(steps: S, opts: CompositeBatchOptions = {}):
  Observable<CompositeBatchResult<S>> {
  return defer(() => {
    steps.forEach((s, i) => {
      if (s && referencesIn([s.url, s.body]).length) {
        throw new ValidationError({ recordIndex: i, reason: 'compositeBatch: subrequests of a batch cannot refer to each other; use composite$' });
      }
      if (s?.httpHeaders && Object.keys(s.httpHeaders).length) {
        throw new ValidationError({ recordIndex: i, reason: 'compositeBatch: batch subrequests carry no headers of their own' });
      }
    });
    const client = resolveClient(opts.client);
    return client.apiVersion$().pipe(concatMap(version => {
      const { wire } = prepareSteps(steps, version, 'compositeBatch');
      const chunks: number[] = [];
      for (let i = 0; i < wire.length; i += MAX_BATCH_SUBREQUESTS) chunks.push(i);
      let halted = false;
      let sentRequests = 0;
      return from(chunks).pipe(
        concatMap(start => {
          const part = wire.slice(start, start + MAX_BATCH_SUBREQUESTS);
          if (halted) {
            return of(part.map((w): BatchSubresponse => ({ referenceId: w.referenceId, httpStatusCode: 412, httpHeaders: {},
              body: null, ok: false, sent: false })));
          }
          sentRequests++;
          const batchRequests = part.map(w => {
            const r: Record<string, unknown> = { method: w.method, url: w.url.replace(/^\/services\/data\//, '') };
            if (w.body !== undefined) r.richInput = w.body;
            return r;
          });
          return client.request$<{ results?: Record<string, unknown>[] }>({ method: 'POST', path: 'composite/batch',
            data: { haltOnError: opts.haltOnError === true, batchRequests }, idempotent: part.every(w => w.method === 'GET') })
            .pipe(map(res => part.map((w, i): BatchSubresponse => {
              const r = toSubresponse(steps[start + i], w, res.data?.results?.[i] ?? { statusCode: 0, result: null });
              if (!r.ok && opts.haltOnError) halted = true;
              return { ...r, sent: true };
            })), catchError(e => {
              // the first call's failure is the Observable's; a later one's is reported on its subrequests
              if (start === 0) return throwError(() => e);
              if (opts.haltOnError) halted = true;
              return of(callFailed(part, e).map(r => ({ ...r, sent: true })));
            }));
        }),
        reduce((all, part) => all.concat(part), [] as BatchSubresponse[]),
        map(results => ({ hasErrors: results.some(r => !r.ok), results, requests: sentRequests }) as unknown as CompositeBatchResult<S>),
      );
    }));
  });
}

/** Promise twin of {@link compositeBatch$}. */
export function compositeBatch<const S extends readonly CompositeStep<any>[]>(steps: S, opts: CompositeBatchOptions = {}):
  Promise<CompositeBatchResult<S>> {
  return lastValueFrom(compositeBatch$(steps, opts));
}
