import { filter, lastValueFrom, map, tap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ValidationError } from '../../src/client/errors.js';
import { changedFields } from '../../src/model/index.js';
import { fetchList, fetchList$ } from '../../src/operators/fetchList.js';
import { updateList } from '../../src/operators/updateList.js';
import { ok, type LoggedRequest } from '../../src/testing/index.js';
import { Account, failed, fakeId, listClient, okResults, sizeOf } from './support/lists.js';

const idsOf = (req: LoggedRequest) => (req.body as { ids: string[] }).ids;
/** Answers every id but those in `missing`, which Salesforce reports as null. */
const rows = (req: LoggedRequest, missing: Set<string> = new Set()) =>
  idsOf(req).map((id) => (missing.has(id) ? null : { attributes: { type: 'Account', url: `/x/${id}` }, Id: id, Name: `N ${id}` }));

describe('fetchList$', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('POSTs ≤ 2,000 ids a request with the model fields, `concurrency` at a time', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const answers: ReturnType<typeof cold>[] = [];
      const { client, requests: sent } = listClient(scheduler, (req, n) => (answers[n] = cold('--(r|)', { r: ok(rows(req)) })));
      const ids = Array.from({ length: 4500 }, (_v, i) => fakeId(i + 1));
      const events$ = fetchList$(Account, ids, { client, concurrency: 2 });
      const done: number[][] = [];
      const progressAt = tap((e: { type: string; done: number }) => e.type === 'progress' && done.push([scheduler.now(), e.done]));
      expectObservable(events$.pipe(progressAt, map((e) => e.type), filter((t) => t === 'complete'))).toBe('----(c|)', { c: 'complete' });
      scheduler.flush();
      expect(done).toEqual([[2, 2000], [2, 4000], [4, 4500]]);
      expect(sent.map(sizeOf)).toEqual([2000, 2000, 500]);
      expect(sent[0].method).toBe('POST');
      expect(sent[0].url).toMatch(/\/composite\/sobjects\/Account$/);
      expect((sent[0].body as { fields: string[] }).fields).toEqual(Account.fieldNames);
      expectSubscriptions(answers.map((a) => a.subscriptions).flat()).toBe(['^-!', '^-!', '--^-!']);
    });
  });

  it('reports ids Salesforce answers null for as not found, in input order', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const missing = new Set([fakeId(2)]);
      const { client } = listClient(scheduler, (req) => cold('-(r|)', { r: ok(rows(req, missing)) }));
      const events$ = fetchList$(Account, [fakeId(1), fakeId(2), fakeId(3)], { client });
      expectObservable(events$.pipe(map((e) => (e.type === 'progress' ? [e.done, e.failed] : e.results)))).toBe('-(pc|)', {
        p: [3, 1],
        c: [
          { id: fakeId(1), found: true, record: jasmine.objectContaining({ Id: fakeId(1), Name: `N ${fakeId(1)}` }) },
          { id: fakeId(2), found: false, record: null, errors: [jasmine.objectContaining({ statusCode: 'NOT_FOUND' })] },
          { id: fakeId(3), found: true, record: jasmine.objectContaining({ Id: fakeId(3) }) },
        ],
      });
    });
  });

  it("reports a failed request's ids as not found with its error, and later ids as not attempted", () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client, requests: sent } = listClient(scheduler, (req, n) =>
        n === 1
          ? cold('-(e|)', { e: failed(500, [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred' }]) })
          : cold('-(r|)', { r: ok(rows(req)) }),
      );
      const ids = [1, 2, 3, 4, 5].map((n) => fakeId(n));
      const events$ = fetchList$(Account, ids, { client, batchSize: 2, concurrency: 1 });
      const codes = (e: { type: string; results?: { found: boolean; errors?: { statusCode: string }[] }[] }) =>
        e.results!.map((r) => (r.found ? 'found' : r.errors![0].statusCode));
      expectObservable(events$.pipe(filter((e) => e.type === 'complete'), map(codes))).toBe('--(c|)', {
        c: ['found', 'found', 'UNKNOWN_EXCEPTION', 'UNKNOWN_EXCEPTION', 'NOT_ATTEMPTED'],
      });
      scheduler.flush();
      expect(sent.length).toBe(2);
    });
  });

  it('refuses a batchSize over 2,000 and bad ids before any request', async () => {
    const { client, requests: sent } = listClient(scheduler, () => {
      throw new Error('no request expected');
    });
    const tooBig = await lastValueFrom(fetchList$(Account, [fakeId(1)], { client, batchSize: 2001 })).catch((e: unknown) => e);
    expect((tooBig as ValidationError).field).toBe('batchSize');
    const badId = await fetchList(Account, [fakeId(1), fakeId(2), '001xyz'], { client }).catch((e: unknown) => e);
    expect(badId).toEqual(jasmine.any(ValidationError));
    expect((badId as ValidationError).recordIndex).toBe(2);
    expect(sent.length).toBe(0);
  });

  it('gives plain records that remember what was read: an onlyChanges update sends only the field the caller changed', async () => {
    const { client, requests: sent } = listClient(scheduler, (req) => (req.method === 'POST' ? ok(rows(req)) : ok(okResults(req))));
    const [a, b] = (await fetchList(Account, [fakeId(1), fakeId(2)], { client })).map((r) => r.record!);
    expect(a).toEqual({ Id: fakeId(1), Name: `N ${fakeId(1)}` });
    expect(Object.keys(a)).toEqual(['Id', 'Name']);
    expect(JSON.parse(JSON.stringify(a))).toEqual({ Id: fakeId(1), Name: `N ${fakeId(1)}` });
    b.Name = 'Renamed';
    const saved = await updateList(Account, [a, b], { client, onlyChanges: true });
    expect(saved.map((r) => r.success)).toEqual([true, true]);
    expect(sent.length).toBe(2);
    expect((sent[1].body as { records: unknown[] }).records).toEqual([{ attributes: { type: 'Account' }, id: fakeId(2), Name: 'Renamed' }]);
    // a copy is a new record that was never read: every field it holds is a change
    expect(changedFields(Account, { ...a })).toEqual(['Id', 'Name']);
    expect(changedFields(Account, a)).toEqual([]);
  });

  it('keeps records apart from the answer they came from: a route answering the same rows twice, changed in between', async () => {
    const canned = [{ attributes: { type: 'Account', url: `/x/${fakeId(1)}` }, Id: fakeId(1), Name: 'First' }];
    const { client } = listClient(scheduler, () => ok(canned));
    const [first] = await fetchList(Account, [fakeId(1)], { client });
    canned[0].Name = 'Changed on the server';
    const [second] = await fetchList(Account, [fakeId(1)], { client });
    expect(second.record?.Name).toBe('Changed on the server');
    expect(changedFields(Account, second.record!)).toEqual([]);
    // the first record was read as 'First', so the new name is a change for it
    first.record!.Name = 'Changed on the server';
    expect(changedFields(Account, first.record!)).toEqual(['Name']);
    expect(canned[0].attributes).toEqual({ type: 'Account', url: `/x/${fakeId(1)}` });
  });
});
