import nock from 'nock';
import { SalesforceClient } from '../../../src/client/client.js';
import { ResourceNotFoundError } from '../../../src/client/errors.js';
import { deleteRecord } from '../../../src/sources/records/delete.js';
import { Account, ACCOUNT_ID, API, INSTANCE, org } from '../support/fixtures.js';
import { useNock } from '../../support/useNock.js';

/** A client that re-sends at once, so a dropped answer is followed by a second DELETE. */
function retryingClient(): SalesforceClient {
  return new SalesforceClient({
    login: { accessToken: '00Dx0000000TEST!token', instanceUrl: INSTANCE },
    apiVersion: '62.0',
    retry: { maxAttempts: 2, baseDelayMs: 0, jitter: 'none' },
  });
}

const deleted = [{ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }];

describe('delete$ re-sent after a lost answer', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('succeeds when the re-sent DELETE finds the record already deleted by the first one', async () => {
    const scope = org()
      .delete(`${API}/sobjects/Account/${ACCOUNT_ID}`).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .delete(`${API}/sobjects/Account/${ACCOUNT_ID}`).reply(404, deleted);
    expect(await deleteRecord(Account, ACCOUNT_ID, { client: retryingClient() })).toEqual({ id: ACCOUNT_ID, success: true });
    scope.done();
  });

  it('still fails with ENTITY_IS_DELETED on a first-time answer', async () => {
    org().delete(`${API}/sobjects/Account/${ACCOUNT_ID}`).reply(404, deleted);
    await expectAsync(deleteRecord(Account, ACCOUNT_ID, { client: retryingClient() })).toBeRejectedWithError(ResourceNotFoundError);
  });

  it('still fails when the earlier attempt provably never reached the org', async () => {
    const scope = org()
      .delete(`${API}/sobjects/Account/${ACCOUNT_ID}`).reply(503, 'maintenance')
      .delete(`${API}/sobjects/Account/${ACCOUNT_ID}`).reply(404, deleted);
    await expectAsync(deleteRecord(Account, ACCOUNT_ID, { client: retryingClient() })).toBeRejectedWithError(ResourceNotFoundError);
    scope.done();
  });
});
