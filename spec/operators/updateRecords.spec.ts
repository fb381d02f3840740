import { from, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { markSynced } from '../../src/model/index.js';
import { results } from '../../src/operators/results.js';
import { updateRecords } from '../../src/operators/updateRecords.js';
import { ok, type LoggedRequest } from '../../src/testing/index.js';
import { Account, Contact, fakeId, listClient } from './support/lists.js';

type Body = { allOrNone: boolean; records: Record<string, unknown>[] };
const bodyOf = (req: LoggedRequest) => req.body as Body;
const echo = (req: LoggedRequest) => bodyOf(req).records.map((r) => ({ id: r.id, success: true, errors: [] }));

describe('updateRecords', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('PATCHes records with attributes.type and id, marked idempotent-safe', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client, requests: sent } = listClient(scheduler, (req) => cold('-(r|)', { r: ok(echo(req)) }));
      const rows = [{ Id: fakeId(1), Name: 'One' }, { Id: fakeId(2), Name: 'Two' }];
      expectObservable(from(rows).pipe(updateRecords(Account, { client, allOrNone: true }), results())).toBe('-(r|)', {
        r: [jasmine.objectContaining({ id: fakeId(1), success: true }), jasmine.objectContaining({ id: fakeId(2), success: true })],
      });
      scheduler.flush();
      expect(sent[0].method).toBe('PATCH');
      expect(bodyOf(sent[0])).toEqual({
        allOrNone: true,
        records: [{ attributes: { type: 'Account' }, id: fakeId(1), Name: 'One' }, { attributes: { type: 'Account' }, id: fakeId(2), Name: 'Two' }],
      });
    });
  });

  it('with onlyChanges, sends only changed fields and settles unchanged records without a request', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client, requests: sent } = listClient(scheduler, (req) => cold('-(r|)', { r: ok(echo(req)) }));
      const same = Account.fromWire({ Id: fakeId(1), Name: 'Same', NumberOfEmployees: 5 });
      const edited = Account.fromWire({ Id: fakeId(2), Name: 'Before', NumberOfEmployees: 5 });
      edited.Name = 'After';
      expectObservable(from([same, edited]).pipe(updateRecords(Account, { client, onlyChanges: true }), results())).toBe('-(r|)', {
        r: [{ id: fakeId(1), success: true, errors: [] }, { id: fakeId(2), success: true, errors: [] }],
      });
      scheduler.flush();
      expect(sent.length).toBe(1);
      expect(bodyOf(sent[0]).records).toEqual([{ attributes: { type: 'Account' }, id: fakeId(2), Name: 'After' }]);
    });
  });

  it('sends no request at all when nothing changed', () => {
    scheduler.run(({ expectObservable }) => {
      const { client, requests: sent } = listClient(scheduler, () => {
        throw new Error('no request expected');
      });
      const record = { Id: fakeId(3), Name: 'Synced' };
      markSynced(record);
      expectObservable(from([record]).pipe(updateRecords(Account, { client, onlyChanges: true }), results())).toBe('(r|)', {
        r: [{ id: fakeId(3), success: true, errors: [] }],
      });
      scheduler.flush();
      expect(sent.length).toBe(0);
    });
  });

  it('re-sends only the records that came back UNABLE_TO_LOCK_ROW, after a backoff on the client scheduler', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const locked = { statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record', fields: [] };
      const { client, requests: sent } = listClient(scheduler, (req, n) => {
        const records = bodyOf(req).records;
        const data = records.map((r, i) => (n === 0 && i === 1 ? { id: r.id, success: false, errors: [locked] } : { id: r.id, success: true, errors: [] }));
        return cold('-(r|)', { r: ok(data) });
      });
      const rows = [1, 2, 3].map((n) => ({ Id: fakeId(n), Name: `N${n}` }));
      const events$ = from(rows).pipe(updateRecords(Account, { client, lockRetryDelayMs: 10 }));
      // first answer at 1, retry sent at 1 + 10 ms and answered 1 ms later; the operation completes with that answer
      expectObservable(events$.pipe(map((e) => (e.type === 'progress' ? e.batch.attempts : e.results.map((r) => r.success))))).toBe(
        '-- 10ms (pc|)',
        { p: 2, c: [true, true, true] },
      );
      scheduler.flush();
      expect(sent.map((s) => bodyOf(s).records.map((r) => r.id))).toEqual([[fakeId(1), fakeId(2), fakeId(3)], [fakeId(2)]]);
    });
  });

  it('gives up on a locked record after lockRetries attempts and reports the lock', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const locked = { statusCode: 'UNABLE_TO_LOCK_ROW', message: 'locked', fields: [] };
      const { client, requests: sent } = listClient(scheduler, (req) =>
        cold('-(r|)', { r: ok(bodyOf(req).records.map((r) => ({ id: r.id, success: false, errors: [locked] }))) }),
      );
      const events$ = from([{ Id: fakeId(1), Name: 'x' }]).pipe(updateRecords(Account, { client, lockRetries: 2, lockRetryDelayMs: 5 }), results());
      expectObservable(events$).toBe('- 6ms (r|)', { r: [{ id: fakeId(1), success: false, errors: [locked] }] });
      scheduler.flush();
      expect(sent.length).toBe(2);
    });
  });

  it('batches records of several models by attributes.type', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client, requests: sent } = listClient(scheduler, (req) => cold('-(r|)', { r: ok(echo(req)) }));
      const rows = [
        { attributes: { type: 'Account' }, Id: fakeId(1), Name: 'A' },
        { attributes: { type: 'Contact' }, Id: fakeId(2, '003'), LastName: 'C' },
      ];
      expectObservable(from(rows).pipe(updateRecords([Account, Contact], { client }), map((e) => e.type))).toBe('-(pc|)', {
        p: 'progress',
        c: 'complete',
      });
      scheduler.flush();
      expect(bodyOf(sent[0]).records).toEqual([
        { attributes: { type: 'Account' }, id: fakeId(1), Name: 'A' },
        { attributes: { type: 'Contact' }, id: fakeId(2, '003'), LastName: 'C' },
      ]);
    });
  });
});
