import nock from 'nock';
import { lastValueFrom, toArray } from 'rxjs';
import { count, count$ } from '../../../src/sources/query/count.js';
import { pages$ } from '../../../src/sources/query/pages.js';
import { Account, API, nockClient, org } from '../support/fixtures.js';
import { accountRows, page } from '../support/pages.js';
import { useNock } from '../../support/useNock.js';

describe('count$', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('reads totalSize of SELECT COUNT() in one request', async () => {
    const scope = org()
      .get(`${API}/query`).query({ q: "SELECT COUNT() FROM Account WHERE Industry = 'Energy'" })
      .reply(200, { totalSize: 4321, done: true, records: [] });
    expect(await lastValueFrom(count$("SELECT COUNT() FROM Account WHERE Industry = 'Energy'", { client: nockClient() }))).toBe(4321);
    scope.done();
  });

  it('counts a builder through its count() form', async () => {
    const builder = {
      model: Account,
      toSoql: () => 'SELECT Id, Name FROM Account',
      count: () => ({ model: Account, toSoql: () => 'SELECT COUNT() FROM Account' }),
    };
    const scope = org().get(`${API}/query`).query({ q: 'SELECT COUNT() FROM Account' }).reply(200, { totalSize: 7, done: true, records: [] });
    expect(await count(builder, { client: nockClient() })).toBe(7);
    scope.done();
  });

  it('stops after the first page of a plain query, never reading further pages', async () => {
    org().get(`${API}/query`).query(true).reply(200, page(accountRows(2000), 9000, `${API}/query/01g-2000`));
    const next = org().get(`${API}/query/01g-2000`).reply(200, page([], 9000));
    expect(await count('SELECT Id FROM Account', { client: nockClient() })).toBe(9000);
    expect(next.isDone()).toBeFalse();
  });
});

describe('pages$', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('emits whole pages with totalSize, done and nextRecordsUrl', async () => {
    const next = `${API}/query/01gD-2`;
    org()
      .get(`${API}/query`).query(true).reply(200, page(accountRows(2), 3, next))
      .get(next).reply(200, page(accountRows(1, 2), 3));
    const pages = await lastValueFrom(pages$('SELECT Id, Name FROM Account', { client: nockClient() }).pipe(toArray()));
    expect(pages.map((p) => [p.totalSize, p.done, p.nextRecordsUrl, p.records.length])).toEqual([
      [3, false, next, 2],
      [3, true, undefined, 1],
    ]);
  });
});
