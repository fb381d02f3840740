import { defer, EMPTY, lastValueFrom, mergeMap, of, type Observable } from 'rxjs';
import { resolveClient } from '../../client/client.js';
import type { DescribeGlobalResult } from './describeTypes.js';
import type { DescribeOptions } from './describe.js';
import { httpDate } from './httpDate.js';

/**
 * Lists the org's objects with their key prefixes and what the user may do with each (`GET /sobjects`, or
 * `/tooling/sobjects` with `tooling: true`).
 *
 * @example
 * import { describeGlobal$ } from 'rxforce';
 * describeGlobal$({ client }).subscribe(g => console.log(g.sobjects.filter(o => o.custom).map(o => o.name)));
 *
 * @returns a cold Observable of the global describe (none when `ifModifiedSince` was given and nothing changed)
 */
export function describeGlobal$(opts: DescribeOptions = {}): Observable<DescribeGlobalResult> {
  return defer(() => {
    const client = resolveClient(opts.client);
    const headers =
      opts.ifModifiedSince === undefined ? undefined : { 'If-Modified-Since': httpDate(opts.ifModifiedSince) };
    return client
      .request$<DescribeGlobalResult>({ method: 'GET', path: opts.tooling ? 'tooling/sobjects' : 'sobjects', headers })
      .pipe(mergeMap((res) => (res.status === 304 ? EMPTY : of(res.data))));
  });
}

/** Promise twin of {@link describeGlobal$}. */
export function describeGlobal(opts: DescribeOptions = {}): Promise<DescribeGlobalResult | undefined> {
  return lastValueFrom(describeGlobal$(opts), { defaultValue: undefined });
}
