import { from, lastValueFrom } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ValidationError } from '../../src/client/errors.js';
import { results } from '../../src/operators/results.js';
import { upsertRecords } from '../../src/operators/upsertRecords.js';
import { ok, type LoggedRequest } from '../../src/testing/index.js';
import { Account, fakeId, listClient } from './support/lists.js';

const records = (req: LoggedRequest) => (req.body as { records: Record<string, unknown>[] }).records;

describe('upsertRecords', () => {
  it('PATCHes /composite/sobjects/{T}/{field} and reports which records were created', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable }) => {
      const { client, requests: sent } = listClient(scheduler, (req) =>
        cold('-(r|)', { r: ok(records(req).map((_r, i) => ({ id: fakeId(i + 1), success: true, errors: [], created: i === 0 }))) }),
      );
      const rows = [{ External_Id__c: 'A-1', Name: 'New' }, { External_Id__c: 'A-2', Name: 'Existing' }];
      expectObservable(from(rows).pipe(upsertRecords(Account, 'external_id__c', { client }), results())).toBe('-(r|)', {
        r: [
          { id: fakeId(1), success: true, errors: [], created: true },
          { id: fakeId(2), success: true, errors: [], created: false },
        ],
      });
      scheduler.flush();
      expect(sent[0].method).toBe('PATCH');
      expect(sent[0].url).toMatch(/\/composite\/sobjects\/Account\/External_Id__c$/);
      expect(records(sent[0])).toEqual([
        { attributes: { type: 'Account' }, External_Id__c: 'A-1', Name: 'New' },
        { attributes: { type: 'Account' }, External_Id__c: 'A-2', Name: 'Existing' },
      ]);
    });
  });

  it('refuses a field that is not an external id, and a record without a value, before any request', async () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const { client, requests: sent } = listClient(scheduler, () => {
      throw new Error('no request expected');
    });
    const notExternal = await lastValueFrom(from([{ Name: 'x' }]).pipe(upsertRecords(Account, 'Name', { client }))).catch((e: unknown) => e);
    expect(notExternal).toEqual(jasmine.any(ValidationError));
    expect((notExternal as ValidationError).field).toBe('Name');
    const noValue = await lastValueFrom(
      from([{ External_Id__c: 'A-1', Name: 'x' }, { Name: 'y' }]).pipe(upsertRecords(Account, 'External_Id__c', { client })),
    ).catch((e: unknown) => e);
    expect((noValue as ValidationError).recordIndex).toBe(1);
    expect((noValue as ValidationError).field).toBe('External_Id__c');
    expect(sent.length).toBe(0);
  });
});
