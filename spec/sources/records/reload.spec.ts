import nock from 'nock';
import { changedFields } from '../../../src/model/index.js';
import { reload } from '../../../src/sources/records/reload.js';
import { Account, ACCOUNT_ID, API, nockClient, org, wireAccount } from '../support/fixtures.js';
import { useNock } from '../../support/useNock.js';

describe('reload$', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('writes the server values into the same object and leaves nothing pending', async () => {
    const record = Account.fromWire(wireAccount());
    record.Name = 'local edit';
    org()
      .get(`${API}/sobjects/Account/${ACCOUNT_ID}`)
      .query(true)
      .reply(200, wireAccount({ Name: 'Server name', Industry: null }));
    const same = await reload(Account, record, { client: nockClient() });
    expect(same).toBe(record);
    expect(record.Name).toBe('Server name');
    expect(record.Industry).toBeUndefined(); // cleared on the server
    expect(changedFields(Account, record)).toEqual([]);
  });
});
