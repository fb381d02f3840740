/**
 * Pipelines a user might write on rxforce: find Accounts without an Industry, tag them, save them through sObject
 * Collections, and report progress as it goes; load Accounts with a Bulk API 2.0 job and report its states.
 * `pipeline.spec.ts` marble-tests them with `rxforce/testing`.
 *
 * In an app this file imports from 'rxforce'; inside the repository it imports the source.
 */
import { filter, map, type Observable, tap } from 'rxjs';
import {
  bulkInsert$, defineSObject, query$, select, sf, updateRecords, type RecordOf, type SalesforceClient,
} from '../../src/index.js';

export const Account = defineSObject('Account', {
  Id: sf.id(),
  Name: sf.string({ length: 255 }),
  Industry: sf.picklist(['Technology', 'Energy', 'Other']).nullable().optional(),
});
export type Account = RecordOf<typeof Account>;

/** What the pipeline reports: records processed so far (saved or failed) per batch, then a summary. */
export type TagEvent = { type: 'saved'; done: number; failed: number } | { type: 'summary'; tagged: number; failed: string[] };

/** Sets `Industry = 'Other'` on every Account that has none, 200 records a request. */
export function tagUnclassified$(client: SalesforceClient, batchSize = 200): Observable<TagEvent> {
  return query$(select(Account).where({ Industry: null }), { client }).pipe(
    // changed in place, so onlyChanges sends just Industry (the record object is the one the query returned)
    tap(account => { account.Industry = 'Other'; }),
    updateRecords(Account, { client, batchSize, concurrency: 2, onlyChanges: true }),
    map((e): TagEvent => (e.type === 'progress'
      ? { type: 'saved', done: e.done, failed: e.failed }
      : { type: 'summary', tagged: e.done - e.failed, failed: e.results.filter(r => !r.success).map(r => r.errors[0]?.statusCode ?? 'UNKNOWN') })),
    filter(e => e.type === 'summary' || e.done + e.failed > 0),
  );
}

/**
 * Loads Accounts with a Bulk API 2.0 job and reports each state the job passes through, then the outcome. The job is
 * polled 1 s after upload, then 2 s, 4 s … later — on the client's scheduler, so a test plays it in virtual time.
 */
export function loadAccounts$(client: SalesforceClient, names: string[]): Observable<string> {
  return bulkInsert$(Account, names.map(Name => ({ Name })), { client, polling: { initialMs: 1000, factor: 2 } }).pipe(
    filter(e => e.type === 'job' || e.type === 'result'),
    map(e => (e.type === 'job' ? e.job.state : `${e.successful.length} created, ${e.failed.length} failed`)),
  );
}
