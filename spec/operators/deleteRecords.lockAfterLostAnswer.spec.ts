import nock from 'nock';
import { from, lastValueFrom } from 'rxjs';
import { SalesforceClient } from '../../src/client/client.js';
import { deleteRecords, results } from '../../src/operators/index.js';
import { Account, API, INSTANCE, org } from '../sources/support/fixtures.js';
import { useNock } from '../support/useNock.js';

const A = '001D000000IqhSLIAZ';
const B = '001D000000IqhSMIAZ';
const deleted = { statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] };
const locked = { statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record', fields: [] };

describe('deleteRecords: a lock retry after a lost answer', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => { nock.cleanAll(); nock.enableNetConnect(); });

  it('counts a row the lost first attempt deleted as deleted, even when the lock retry is a new request', async () => {
    const scope = org()
      // the first attempt deletes both rows, but its answer is lost
      .delete(`${API}/composite/sobjects`).query(true).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      // the re-send finds A gone and B held by a lock
      .delete(`${API}/composite/sobjects`).query(true).reply(200, [{ id: A, success: false, errors: [deleted] }, { id: B, success: false, errors: [locked] }])
      // the lock retry, a request of its own, finds B gone as well
      .delete(`${API}/composite/sobjects`).query(true).reply(200, [{ id: B, success: false, errors: [deleted] }]);
    const client = new SalesforceClient({ login: { accessToken: '00Dx0000000TEST!token', instanceUrl: INSTANCE }, apiVersion: '62.0',
      retry: { maxAttempts: 2, baseDelayMs: 0, jitter: 'none' } });
    const all = await lastValueFrom(from([A, B]).pipe(deleteRecords(Account, { client, lockRetryDelayMs: 1 }), results()));
    expect(all.map(r => [r.id, r.success])).toEqual([[A, true], [B, true]]);
    scope.done();
  });
});
