import { defer, EMPTY, lastValueFrom, mergeMap, of, type Observable } from 'rxjs';
import { resolveClient } from '../../client/client.js';
import type { DescribeSObjectResult } from './describeTypes.js';
import type { SourceOptions } from '../options.js';
import { httpDate } from './httpDate.js';
import { sobjectPath, type SObjectTarget } from '../internal/target.js';

export interface DescribeOptions extends SourceOptions {
  /** Describe a Tooling API object (`/tooling/sobjects/{T}/describe`). Default: the model's `tooling` flag. */
  tooling?: boolean;
  /**
   * Ask only for a describe changed since this time (`If-Modified-Since`). When nothing changed Salesforce answers
   * 304 and the Observable completes without a value (the Promise twin resolves `undefined`), so a cached describe
   * can be kept.
   */
  ifModifiedSince?: Date | string;
}

/**
 * Describes one object: fields with their types, lengths, picklist values and flags, child relationships, record
 * types (`GET /sobjects/{T}/describe`). Feed it to `schemaFromDescribe` for a model built at run time.
 *
 * @example
 * import { describe$ } from 'rxforce';
 * describe$('Account', { client }).subscribe(d => console.log(d.fields.map(f => f.name)));
 *
 * @returns a cold Observable of the describe result; an unknown object fails with ResourceNotFoundError
 */
export function describe$(target: SObjectTarget, opts: DescribeOptions = {}): Observable<DescribeSObjectResult> {
  return defer(() => {
    const client = resolveClient(opts.client);
    const headers = opts.ifModifiedSince === undefined ? undefined : { 'If-Modified-Since': httpDate(opts.ifModifiedSince) };
    return client
      .request$<DescribeSObjectResult>({ method: 'GET', path: `${sobjectPath(target, opts.tooling)}/describe`, headers })
      .pipe(mergeMap((res) => (res.status === 304 ? EMPTY : of(res.data))));
  });
}

/** Promise twin of {@link describe$}; `undefined` when `ifModifiedSince` was given and nothing changed. */
export function describe(target: SObjectTarget, opts: DescribeOptions = {}): Promise<DescribeSObjectResult | undefined> {
  return lastValueFrom(describe$(target, opts), { defaultValue: undefined });
}
