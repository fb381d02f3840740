import { ResourceNotFoundError, ValidationError } from '../../src/client/errors.js';
import type { SalesforceClient } from '../../src/client/client.js';
import type { Emulator } from '../../src/emulator/index.js';
import { find } from '../../src/soql/index.js';
import { apex } from '../../src/sources/apex/index.js';
import { parameterizedSearch, search } from '../../src/sources/search/index.js';
import { startOrg } from '../support/org.js';
import { Account } from './support/fixtures.js';

describe('search and Apex REST against the emulator', () => {
  let emulator: Emulator;
  let client: SalesforceClient;
  beforeAll(async () => {
    ({ emulator, client } = await startOrg({ seed: 12, client: { retry: false }, apex: {
      'GET /Invoices/*': req => ({ id: req.path.split('/')[2], year: req.params.year }),
      'POST /Invoices': (req, res) => { res.statusCode = 201; return { created: req.body }; },
    } }));
    for (const Name of ['Acme (West)', 'Acme-East', 'Globex', 'C++ Tools & Co']) emulator.store.insert('Account', { Name });
  });
  afterAll(async () => { await emulator.stop(); });

  it('search: typed records per object from the builder', async () => {
    const r = await search(find('Acme*').in('NAME').returning(Account, { fields: ['Id', 'Name'], orderBy: 'Name' }), { client });
    expect(r.byType.Account?.map(a => a.Name)).toEqual(['Acme (West)', 'Acme-East']);
    expect(r.records.length).toBe(2);
  });

  it('search: reserved characters in user text are searched as text', async () => {
    const r = await search(find('C++ Tools & Co').in('NAME').returning(Account, { fields: ['Name'] }), { client });
    expect(r.byType.Account?.map(a => a.Name)).toEqual(['C++ Tools & Co']);
    const west = await search(find('(West)').returning('Account', { fields: ['Name'] }), { client });
    expect(west.records.map(x => x.Name)).toEqual(['Acme (West)']);
  });

  it('search: a raw SOSL string and its errors', async () => {
    const r = await search('FIND {Globex} RETURNING Account(Name)', { client });
    expect(r.records[0].attributes?.type).toBe('Account');
    await expectAsync(search('FIND {Globex RETURNING Account', { client })).toBeRejectedWith(jasmine.objectContaining({ errorCode: 'MALFORMED_SEARCH' }));
    await expectAsync(search('SELECT Id FROM Account', { client })).toBeRejectedWithError(ValidationError);
  });

  it('parameterizedSearch: escaped text, per-object fields, where and limit', async () => {
    const r = await parameterizedSearch('Acme*', [{ sobject: Account, fields: ['Id', 'Name'], where: { Name: 'Acme-East' }, limit: 5 }],
      { client, in: 'NAME' });
    expect(r.byType.Account?.map(a => a.Name)).toEqual(['Acme-East']);
  });

  it('apex: calls handlers with the session; a missing class is a ResourceNotFoundError', async () => {
    const got = await apex<{ id: string; year: string }>({ method: 'GET', path: '/Invoices/INV-1', params: { year: 2024 } }, { client });
    expect(got.body).toEqual({ id: 'INV-1', year: '2024' });
    const posted = await apex({ method: 'POST', path: '/Invoices', body: { amount: 5 } }, { client });
    expect(posted.status).toBe(201);
    expect(posted.body).toEqual({ created: { amount: 5 } });
    const missing = await apex({ method: 'GET', path: '/Missing' }, { client }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundError);
    expect((missing as ResourceNotFoundError).message).toBe('Could not find a match for URL /Missing');
    await expectAsync(apex({ method: 'GET', path: 'Invoices' }, { client })).toBeRejectedWithError(ValidationError);
  });
});
