import nock from 'nock';
import { lastValueFrom } from 'rxjs';
import { ValidationError } from '../../../src/client/errors.js';
import { changedFields } from '../../../src/model/index.js';
import { saveInsert, saveInsert$ } from '../../../src/sources/records/saveInsert.js';
import { Account, ACCOUNT_ID, API, nockClient, org } from '../support/fixtures.js';
import { useNock } from '../../support/useNock.js';

describe('saveInsert$', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('POSTs the createable fields as JSON and reports the new id', async () => {
    let body: unknown;
    const scope = org()
      .post(`${API}/sobjects/Account`, (b) => ((body = b), true))
      .matchHeader('content-type', /application\/json/)
      .reply(201, { id: ACCOUNT_ID, errors: [], success: true });
    const record = { Name: 'Acme', Industry: 'Energy' as const, CreatedDate: new Date() };
    const result = await lastValueFrom(saveInsert$(Account, record, { client: nockClient() }));
    scope.done();
    expect(body).toEqual({ Name: 'Acme', Industry: 'Energy' }); // read-only CreatedDate never sent
    expect(result).toEqual({ id: ACCOUNT_ID, success: true, created: true });
  });

  it('writes the new Id into the record and marks it synced', async () => {
    org().post(`${API}/sobjects/Account`).reply(201, { id: ACCOUNT_ID, errors: [], success: true });
    const record: { Id?: string; Name: string } = { Name: 'Acme' };
    await saveInsert(Account, record, { client: nockClient() });
    expect(record.Id).toBe(ACCOUNT_ID);
    expect(changedFields(Account, record)).toEqual([]);
  });

  it('validates before any request: a too-long Name never leaves', async () => {
    const error = await saveInsert(Account, { Name: 'x'.repeat(256) }, { client: nockClient() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('Name');
  });

  it('validates before any request: a picklist value of the wrong type', async () => {
    const bad = { Name: 'Acme', Industry: 42 } as unknown as { Name: string };
    const error = await saveInsert(Account, bad, { client: nockClient() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('Industry');
  });
});
