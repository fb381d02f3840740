import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ValidationError } from '../../src/client/errors.js';
import { saveList, saveList$ } from '../../src/operators/saveList.js';
import { ok, type LoggedRequest } from '../../src/testing/index.js';
import { Account, failed, fakeId, listClient, okResults } from './support/lists.js';

const records = (req: LoggedRequest) => (req.body as { records: Record<string, unknown>[] }).records;

describe('saveList$ (marbles)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('updates records with an Id first, then inserts the rest, with results in input order', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client, requests: sent } = listClient(scheduler, (req) =>
        cold('-(r|)', { r: ok(req.method === 'PATCH' ? records(req).map((r) => ({ id: r.id, success: true, errors: [] })) : okResults(req, 100)) }),
      );
      const rows = [{ Name: 'new 1' }, { Id: fakeId(7), Name: 'old' }, { Name: 'new 2' }];
      const events$ = saveList$(Account, rows, { client });
      expectObservable(events$.pipe(map((e) => (e.type === 'progress' ? [e.batch.index, e.batch.first, e.done, e.total] : e.results.map((r) => r.id))))).toBe(
        '-a(bc|)',
        { a: [0, 1, 1, 3], b: [1, 0, 3, 3], c: [fakeId(101), fakeId(7), fakeId(102)] },
      );
      scheduler.flush();
      expect(sent.map((s) => s.method)).toEqual(['PATCH', 'POST']);
      expect(records(sent[1]).map((r) => r.Name)).toEqual(['new 1', 'new 2']);
    });
  });

  it('upserts everything when an external id field is named', () => {
    scheduler.run(({ cold }) => {
      const { client, requests: sent } = listClient(scheduler, (req) => cold('-(r|)', { r: ok(okResults(req)) }));
      saveList$(Account, [{ Id: fakeId(1), External_Id__c: 'A', Name: 'a' }, { External_Id__c: 'B', Name: 'b' }], { client, externalIdField: 'External_Id__c' }).subscribe();
      scheduler.flush();
      expect(sent.length).toBe(1);
      expect(sent[0].url).toMatch(/composite\/sobjects\/Account\/External_Id__c$/);
    });
  });

  it('reports the inserts as not attempted when the update request failed', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const { client, requests: sent } = listClient(scheduler, () => cold('-(e|)', { e: failed(500, [{ errorCode: 'UNKNOWN_EXCEPTION', message: 'boom' }]) }));
      const events$ = saveList$(Account, [{ Name: 'new' }, { Id: fakeId(7), Name: 'old' }], { client });
      expectObservable(events$.pipe(map((e) => (e.type === 'progress' ? 'p' : e.results.map((r) => r.errors[0].statusCode))))).toBe('-(pc|)', {
        p: 'p',
        c: ['NOT_ATTEMPTED', 'UNKNOWN_EXCEPTION'],
      });
      scheduler.flush();
      expect(sent.length).toBe(1);
    });
  });
});

describe('saveList (validation)', () => {
  it('with updateOnly refuses records without an Id before any request', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const { client, requests: sent } = listClient(scheduler, () => {
      throw new Error('no request expected');
    });
    const error = await saveList(Account, [{ Id: fakeId(1), Name: 'a' }, { Name: 'b' }], { client, updateOnly: true }).catch((e: unknown) => e);
    expect(error).toEqual(jasmine.any(ValidationError));
    expect((error as ValidationError).recordIndex).toBe(1);
    expect(sent.length).toBe(0);
  });

  it('refuses updateOnly with an external id field, since an upsert would create unmatched records', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const { client, requests: sent } = listClient(scheduler, () => {
      throw new Error('no request expected');
    });
    const error = await saveList(Account, [{ External_Id__c: 'A', Name: 'a' }], { client, externalIdField: 'External_Id__c', updateOnly: true }).catch((e: unknown) => e);
    expect(error).toEqual(jasmine.any(ValidationError));
    expect((error as ValidationError).field).toBe('updateOnly');
    expect(sent.length).toBe(0);
  });

  it('validates inserts before sending updates, naming the input index', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const { client, requests: sent } = listClient(scheduler, () => {
      throw new Error('no request expected');
    });
    const error = await saveList(Account, [{ Id: fakeId(1), Name: 'a' }, { Id: fakeId(2), Name: 'b' }, { Name: 'x'.repeat(100) }], { client }).catch((e: unknown) => e);
    expect((error as ValidationError).recordIndex).toBe(2);
    expect((error as ValidationError).field).toBe('Name');
    expect(sent.length).toBe(0);
  });
});
