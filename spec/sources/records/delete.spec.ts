import nock from 'nock';
import { lastValueFrom } from 'rxjs';
import { ResourceNotFoundError, ValidationError } from '../../../src/client/errors.js';
import { delete$, deleteRecord } from '../../../src/sources/records/delete.js';
import * as promise from '../../../src/sources/index.js';
import { Account, ACCOUNT_ID, API, nockClient, org } from '../support/fixtures.js';
import { useNock } from '../../support/useNock.js';

describe('delete$', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('DELETEs the record of a model', async () => {
    const scope = org().delete(`${API}/sobjects/Account/${ACCOUNT_ID}`).reply(204);
    expect(await lastValueFrom(delete$(Account, ACCOUNT_ID, { client: nockClient() }))).toEqual({ id: ACCOUNT_ID, success: true });
    scope.done();
  });

  it('takes an API name instead of a model', async () => {
    const scope = org().delete(`${API}/sobjects/Contact/003D000000QhXYZIA3`).reply(204);
    await deleteRecord('Contact', '003D000000QhXYZIA3', { client: nockClient() });
    scope.done();
  });

  it('is exported as `delete` too', () => {
    expect(promise.delete).toBe(deleteRecord);
  });

  it('fails with ResourceNotFoundError for an unknown record', async () => {
    org()
      .delete(`${API}/sobjects/Account/${ACCOUNT_ID}`)
      .reply(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    await expectAsync(deleteRecord(Account, ACCOUNT_ID, { client: nockClient() })).toBeRejectedWithError(ResourceNotFoundError);
  });

  it('fails before any request for a malformed id', async () => {
    await expectAsync(deleteRecord(Account, 'nope', { client: nockClient() })).toBeRejectedWithError(ValidationError);
  });
});
