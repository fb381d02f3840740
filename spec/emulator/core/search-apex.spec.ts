import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEmulatorArgs } from '../../../src/emulator/main.js';
import { Api, raw } from './helpers.js';

describe('emulator /search and /parameterizedSearch', () => {
  let api: Api;
  beforeAll(async () => {
    api = await Api.start({ seed: 8 });
    await api.create('Account', { Name: 'Acme Widgets', Phone: '(415) 555-1212', Website: 'acme.example.com' });
    await api.create('Account', { Name: 'Acme-Rockets (West)', Description: 'rockets' });
    await api.create('Account', { Name: 'Globex', Description: 'Acme supplier' });
    await api.create('Contact', { LastName: 'Coyote', FirstName: 'Wile', Email: 'wile@acme.example.com' });
  });
  afterAll(async () => { await api.emu.stop(); });

  const search = (sosl: string) => api.call('GET', `/search?q=${encodeURIComponent(sosl)}`);
  const names = (res: { json(): { searchRecords: { Name?: string; LastName?: string }[] } }) =>
    res.json().searchRecords.map(r => r.Name ?? r.LastName).sort();

  it('finds by name with wildcards and returns fields with attributes', async () => {
    const res = await search('FIND {Acme*} IN NAME FIELDS RETURNING Account(Id, Name ORDER BY Name)');
    expect(res.status).toBe(200);
    const recs = res.json().searchRecords;
    expect(recs.map((r: { Name: string }) => r.Name)).toEqual(['Acme Widgets', 'Acme-Rockets (West)']);
    expect(recs[0].attributes).toEqual({ type: 'Account', url: `/services/data/v62.0/sobjects/Account/${recs[0].Id}` });
  });

  it('searches all fields by default, email and phone fields when told, and applies WHERE and LIMIT', async () => {
    expect(names(await search('FIND {Acme} RETURNING Account(Name)'))).toEqual(['Acme Widgets', 'Acme-Rockets (West)', 'Globex']);
    expect(names(await search('FIND {wile@acme.example.com} IN EMAIL FIELDS RETURNING Contact(LastName), Account(Name)')))
      .toEqual(['Coyote']);
    expect(names(await search('FIND {415-555-1212} IN PHONE FIELDS RETURNING Account(Name)'))).toEqual(['Acme Widgets']);
    expect(names(await search("FIND {Acme} RETURNING Account(Name WHERE Description = 'rockets')"))).toEqual(['Acme-Rockets (West)']);
    expect(names(await search('FIND {Acme} RETURNING Account(Name ORDER BY Name LIMIT 1)'))).toEqual(['Acme Widgets']);
    expect(names(await search('FIND {Acme AND NOT Widgets} IN NAME FIELDS RETURNING Account(Name)'))).toEqual(['Acme-Rockets (West)']);
    expect(names(await search('FIND {"acme widgets" OR globex} RETURNING Account(Name)'))).toEqual(['Acme Widgets', 'Globex']);
    expect((await search('FIND {Acme} RETURNING Account(Name), Contact(LastName) LIMIT 2')).json().searchRecords.length).toBe(2);
  });

  it('takes escaped reserved characters as literal text', async () => {
    const res = await search('FIND {Acme\\-Rockets \\(West\\)} IN NAME FIELDS RETURNING Account(Name)');
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(['Acme-Rockets (West)']);
  });

  it('answers malformed SOSL with 400 MALFORMED_SEARCH and a one-character term with INVALID_SEARCH', async () => {
    const unclosed = await search('FIND {Acme RETURNING Account');
    expect(unclosed.status).toBe(400);
    expect(unclosed.json()[0].errorCode).toBe('MALFORMED_SEARCH');
    expect((await search('SELECT Id FROM Account')).json()[0].errorCode).toBe('MALFORMED_SEARCH');
    expect((await search('FIND {a}')).json()[0].errorCode).toBe('INVALID_SEARCH');
    expect((await search('FIND {Acme} RETURNING Nope__c(Id)')).status).toBe(400);
  });

  it('answers /parameterizedSearch by GET and POST in the searchRecords shape', async () => {
    const get = await api.call('GET', '/parameterizedSearch/?q=Acme&sobject=Account&Account.fields=Id,Name&Account.limit=10&in=NAME');
    expect(get.status).toBe(200);
    expect(names(get)).toEqual(['Acme Widgets', 'Acme-Rockets (West)']);
    const post = await api.call('POST', '/parameterizedSearch', { q: 'Acme', fields: ['Id', 'Name'],
      sobjects: [{ name: 'Account', where: "Description = 'Acme supplier'" }], in: 'ALL' });
    expect(names(post)).toEqual(['Globex']);
    expect((await api.call('GET', '/parameterizedSearch/?q=Acme&defaultLimit=5')).status).toBe(400);
    expect((await api.call('GET', '/parameterizedSearch/?sobject=Account')).status).toBe(400);
  });
});

describe('emulator Apex REST', () => {
  let api: Api;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rxforce-apex-'));
    api = await Api.start({ seed: 9, apex: {
      'GET /MyService/*': req => ({ path: req.path, id: req.path.split('/')[2], q: req.params.q ?? null }),
      'POST /MyService/*': (req, res) => {
        res.statusCode = 201;
        return { echoed: req.body };
      },
      'GET /MyService/special': () => 'exact wins',
      'DELETE /Void': () => undefined,
      'GET /Broken': () => { throw new TypeError('boom'); },
      'GET /teams/*/members': () => 'members',
      'DELETE /teams/*/members/*': () => 'member',
    } });
  });
  afterAll(async () => {
    await api.emu.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const apex = (method: string, path: string, body?: unknown) => raw(`${api.emu.url}/services/apexrest${path}`, {
    method, headers: { Authorization: `Bearer ${api.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });

  it('routes by verb and mapping: exact first, then the longest wildcard', async () => {
    expect((await apex('GET', '/MyService/001?q=x')).json()).toEqual({ path: '/MyService/001', id: '001', q: 'x' });
    expect((await apex('GET', '/MyService/special')).json()).toBe('exact wins');
    const posted = await apex('POST', '/MyService/', { a: 1 });
    expect(posted.status).toBe(201);
    expect(posted.json()).toEqual({ echoed: { a: 1 } });
    expect((await apex('DELETE', '/Void')).status).toBe(200);
    expect((await apex('GET', '/teams/7/members')).json()).toBe('members');
    expect((await apex('DELETE', '/teams/7/members/9')).json()).toBe('member');
    expect((await apex('GET', '/teams/7/members/9')).status).toBe(405); // the longest matching mapping lacks GET
  });

  it('answers an unregistered path as a missing Apex class does, and a missing verb with 405', async () => {
    const missing = await apex('GET', '/Missing');
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual([{ errorCode: 'NOT_FOUND', message: 'Could not find a match for URL /Missing' }]);
    expect((await apex('PUT', '/MyService/1')).status).toBe(405);
    const broken = await apex('GET', '/Broken');
    expect(broken.status).toBe(500);
    expect(broken.json()[0].errorCode).toBe('APEX_ERROR');
  });

  it('needs a session like any API call', async () => {
    const res = await raw(`${api.emu.url}/services/apexrest/MyService/1`);
    expect(res.status).toBe(401);
  });

  it('loads handlers from a module file (--apex FILE)', async () => {
    const file = join(dir, 'apex.mjs');
    writeFileSync(file, "export default { 'GET /Hello': req => ({ hello: req.params.name }) };\n");
    const other = await Api.start({ apex: file });
    try {
      const res = await raw(`${other.emu.url}/services/apexrest/Hello?name=World`, { headers: { Authorization: `Bearer ${other.token}` } });
      expect(res.json()).toEqual({ hello: 'World' });
      expect((await raw(`${other.emu.url}/services/apexrest/Nope`, { headers: { Authorization: `Bearer ${other.token}` } })).status)
        .toBe(404);
    } finally {
      await other.emu.stop();
    }
  });

  it('takes the handler module from --apex on the command line', () => {
    expect(parseEmulatorArgs(['--apex', 'handlers.mjs', '--port', '0'])).toEqual({ apex: 'handlers.mjs', port: 0 });
  });

  it('refuses a malformed urlMapping when starting', async () => {
    await expectAsync(Api.start({ apex: { 'GET /a*b': () => 1 } })).toBeRejectedWithError(/urlMapping/);
    await expectAsync(Api.start({ apex: { 'FETCH /a': () => 1 } })).toBeRejectedWithError(/VERB/);
  });
});
