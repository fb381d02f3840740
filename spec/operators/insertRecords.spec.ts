import { from, lastValueFrom, map, merge, tap, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ServerError, ValidationError } from '../../src/client/errors.js';
import { insertRecords } from '../../src/operators/insertRecords.js';
import { results } from '../../src/operators/results.js';
import type { ListComplete, ListEvent, ListSaveResult } from '../../src/sources/collections/types.js';
import { ok, TEST_INSTANCE_URL } from '../../src/testing/index.js';
import { Account, accounts, failed, listClient, okResults, sizeOf } from './support/lists.js';

describe('insertRecords (marbles)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('sends 450 records as collections of 200, 200 and 50 and reports progress per batch', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client, requests: sent } = listClient(scheduler, (req) => cold('--(r|)', { r: ok(okResults(req)) }));
      const events$ = from(accounts(450)).pipe(insertRecords(Account, { client, total: 450 }));
      const seen: ListEvent<ListSaveResult>[] = [];
      expectObservable(events$.pipe(tap((e) => seen.push(e)), toArray())).toBe('--(a|)', { a: jasmine.any(Array) });
      scheduler.flush();
      expect(sent.map(sizeOf)).toEqual([200, 200, 50]);
      expect(sent[0].method).toBe('POST');
      expect(sent[0].url).toBe(`${TEST_INSTANCE_URL}/services/data/v62.0/composite/sobjects`);
      expect((sent[0].body as { allOrNone: boolean }).allOrNone).toBe(false);
      expect((sent[0].body as { records: unknown[] }).records[0]).toEqual({ attributes: { type: 'Account' }, Name: 'Account 0' });
      expect(seen.map((e) => e.type)).toEqual(['progress', 'progress', 'progress', 'complete']);
      const progress = seen.filter((e) => e.type === 'progress');
      expect(progress.map((e) => [e.batch.index, e.batch.size, e.batch.first])).toEqual([[0, 200, 0], [1, 200, 200], [2, 50, 400]]);
      expect(progress.map((e) => e.done)).toEqual([200, 400, 450]);
      expect(progress.every((e) => e.total === 450)).toBeTrue();
      const complete = seen[3];
      expect(complete.type === 'complete' && complete.results.length).toBe(450);
    });
  });

  it('keeps at most `concurrency` batches in flight', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const answers = Array.from({ length: 5 }, () => null as unknown as ReturnType<typeof cold>);
      const { client } = listClient(scheduler, (req, n) => (answers[n] = cold('----(r|)', { r: ok(okResults(req)) })));
      const events$ = from(accounts(5 * 200)).pipe(insertRecords(Account, { client, concurrency: 2 }), results());
      expectObservable(events$).toBe('------------(r|)', { r: jasmine.any(Array) });
      scheduler.flush();
      expectSubscriptions(answers[0].subscriptions).toBe('^---!');
      expectSubscriptions(answers[1].subscriptions).toBe('^---!');
      expectSubscriptions(answers[2].subscriptions).toBe('----^---!');
      expectSubscriptions(answers[3].subscriptions).toBe('----^---!');
      expectSubscriptions(answers[4].subscriptions).toBe('--------^---!');
    });
  });

  it('returns results in input order when later batches finish first', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const delays = ['------(r|)', '-(r|)', '---(r|)'];
      const { client } = listClient(scheduler, (req, n) => cold(delays[n], { r: ok(okResults(req, n * 1000)) }));
      const events$ = from(accounts(5)).pipe(insertRecords(Account, { client, batchSize: 2, concurrency: 3 }));
      const batchOf = (e: ListEvent<ListSaveResult>) => (e.type === 'progress' ? `p${e.batch.index}` : 'c');
      const order: string[] = [];
      expectObservable(events$.pipe(tap((e) => order.push(batchOf(e))), results())).toBe('------(r|)', {
        r: [1001, 1002, 2001, 2002, 1].map((n) => jasmine.objectContaining({ success: true, id: jasmine.stringMatching(String(n % 1000)) })),
      });
      scheduler.flush();
      expect(order).toEqual(['p1', 'p2', 'p0', 'c']);
    });
  });
});

describe('insertRecords (failures and cancellation)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('stops further batches and aborts the one in flight on unsubscribe', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const answers: ReturnType<typeof cold>[] = [];
      const { client, requests: sent } = listClient(scheduler, (req, n) => (answers[n] = cold('----(r|)', { r: ok(okResults(req)) })));
      const events$ = from(accounts(600)).pipe(insertRecords(Account, { client, concurrency: 1 }));
      expectObservable(events$, '^------!').toBe('----p--', { p: jasmine.objectContaining({ type: 'progress', done: 200 }) });
      scheduler.flush();
      expectSubscriptions(answers[0].subscriptions).toBe('^---!');
      expectSubscriptions(answers[1].subscriptions).toBe('----^--!');
      expect(sent.length).toBe(2);
    });
  });

  it("reports a failed request's records as failed and the rest as not attempted, then stops", () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client, requests: sent } = listClient(scheduler, (req, n) =>
        n === 1
          ? cold('--(e|)', { e: failed(500, [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred' }]) })
          : cold('--(r|)', { r: ok(okResults(req)) }),
      );
      const events$ = from(accounts(5)).pipe(insertRecords(Account, { client, batchSize: 2, concurrency: 1 }));
      let complete: ListComplete<ListSaveResult> | undefined;
      expectObservable(events$.pipe(tap((e) => e.type === 'complete' && (complete = e)), map((e) => e.type))).toBe('--p-(pc|)', {
        p: 'progress',
        c: 'complete',
      });
      scheduler.flush();
      expect(sent.length).toBe(2);
      const codes = complete!.results.map((r) => (r.success ? 'ok' : r.errors[0].statusCode));
      expect(codes).toEqual(['ok', 'ok', 'UNKNOWN_EXCEPTION', 'UNKNOWN_EXCEPTION', 'NOT_ATTEMPTED']);
      expect(complete!.results[2].errors[0].message).toContain('An unexpected error occurred');
      expect([complete!.done, complete!.failed, complete!.notAttempted]).toEqual([4, 2, 1]);
      expect(complete!.error).toEqual(jasmine.any(ServerError));
    });
  });

  it('goes on after a failed request with continueOnError', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client, requests: sent } = listClient(scheduler, (req, n) =>
        n === 0 ? cold('--(e|)', { e: failed(503, 'Service Unavailable') }) : cold('--(r|)', { r: ok(okResults(req)) }),
      );
      const events$ = from(accounts(5)).pipe(insertRecords(Account, { client, batchSize: 2, concurrency: 1, continueOnError: true }), results());
      expectObservable(events$.pipe(map((rs) => rs.map((r) => (r.success ? 'ok' : r.errors[0].statusCode))))).toBe('------(r|)', {
        r: ['SERVER_UNAVAILABLE', 'SERVER_UNAVAILABLE', 'ok', 'ok', 'ok'],
      });
      scheduler.flush();
      expect(sent.length).toBe(3);
    });
  });

  it('reports the records of a create answered by a gateway error (502, 504) as ambiguous, never as not saved', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client } = listClient(scheduler, (req, n) =>
        n === 0 ? cold('--(e|)', { e: failed(504, '<html>Gateway Timeout</html>') }) : cold('--(r|)', { r: ok(okResults(req)) }),
      );
      const events$ = from(accounts(3)).pipe(insertRecords(Account, { client, batchSize: 2, concurrency: 1, continueOnError: true }), results());
      expectObservable(events$.pipe(map((rs) => rs.map((r) => (r.success ? 'ok' : r.errors[0].statusCode))))).toBe('----(r|)', {
        r: ['AMBIGUOUS_REQUEST', 'AMBIGUOUS_REQUEST', 'ok'],
      });
    });
  });

  it('shares the client-wide maxConcurrent limit between operations running at once', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const answers: ReturnType<typeof cold>[] = [];
      const { client } = listClient(scheduler, (req, n) => (answers[n] = cold('---(r|)', { r: ok(okResults(req)) })), { maxConcurrent: 3 });
      const a$ = from(accounts(400)).pipe(insertRecords(Account, { client, concurrency: 2 }), results());
      const b$ = from(accounts(400)).pipe(insertRecords(Account, { client, concurrency: 2 }), results());
      expectObservable(merge(a$, b$)).toBe('---a--(b|)', { a: jasmine.any(Array), b: jasmine.any(Array) });
      scheduler.flush();
      // two from the first operation and one from the second start at once; the fourth waits for a free slot
      expectSubscriptions(answers.map((a) => a.subscriptions).flat()).toBe(['^--!', '^--!', '^--!', '---^--!']);
    });
  });
});

describe('insertRecords (validation)', () => {
  it('fails with a ValidationError naming the record before any request', async () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    const { client, requests: sent } = listClient(scheduler, () => {
      throw new Error('no request expected');
    });
    const rows = [...accounts(3), { Name: 'x'.repeat(81) }];
    const error = await lastValueFrom(from(rows).pipe(insertRecords(Account, { client }))).catch((e: unknown) => e);
    expect(error).toEqual(jasmine.any(ValidationError));
    expect((error as ValidationError).recordIndex).toBe(3);
    expect((error as ValidationError).field).toBe('Name');
    expect(sent.length).toBe(0);
  });

  it('reports a bad record that arrives after batches were sent as INVALID_INPUT, keeping what was written', () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    scheduler.run(({ cold, hot, expectObservable }) => {
      const { client, requests: sent } = listClient(scheduler, (req, n) => cold('-(r|)', { r: ok(okResults(req, n * 1000)) }));
      const [a, b, c, d] = accounts(4);
      const rows$ = hot('a-b----x-c-d|', { a, b, x: { Name: 'x'.repeat(81) }, c, d });
      const events$ = rows$.pipe(insertRecords(Account, { client, batchSize: 2 }));
      expectObservable(events$.pipe(results())).toBe('------------(r|)', {
        r: [
          jasmine.objectContaining({ success: true }),
          jasmine.objectContaining({ success: true }),
          { id: null, success: false, errors: [jasmine.objectContaining({ statusCode: 'INVALID_INPUT', fields: ['Name'] })] },
          jasmine.objectContaining({ success: false, errors: [jasmine.objectContaining({ statusCode: 'NOT_ATTEMPTED' })] }),
          jasmine.objectContaining({ success: false, errors: [jasmine.objectContaining({ statusCode: 'NOT_ATTEMPTED' })] }),
        ],
      });
      scheduler.flush();
      expect(sent.map(sizeOf)).toEqual([2]);
    });
  });

  it('with continueOnError, sends the records after a bad one that arrives late', () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    scheduler.run(({ cold, hot, expectObservable }) => {
      const { client, requests: sent } = listClient(scheduler, (req, n) => cold('-(r|)', { r: ok(okResults(req, n * 1000)) }));
      const [a, b, c, d] = accounts(4);
      const rows$ = hot('a-b----x-c-d|', { a, b, x: { Name: 'x'.repeat(81) }, c, d });
      const events$ = rows$.pipe(insertRecords(Account, { client, batchSize: 2, continueOnError: true }), results());
      expectObservable(events$.pipe(map((rs) => rs.map((r) => (r.success ? 'ok' : r.errors[0].statusCode))))).toBe('------------(r|)', {
        r: ['ok', 'ok', 'INVALID_INPUT', 'ok', 'ok'],
      });
      scheduler.flush();
      expect(sent.map(sizeOf)).toEqual([2, 2]);
    });
  });

  it('refuses a batchSize over 200 before any request', async () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    const { client, requests: sent } = listClient(scheduler, () => {
      throw new Error('no request expected');
    });
    const error = await lastValueFrom(from(accounts(3)).pipe(insertRecords(Account, { client, batchSize: 201 }))).catch((e: unknown) => e);
    expect(error).toEqual(jasmine.any(ValidationError));
    expect((error as ValidationError).field).toBe('batchSize');
    expect(sent.length).toBe(0);
  });
});
