import { Api, form, raw } from './helpers.js';

describe('emulator answers malformed requests with a Salesforce error body', () => {
  let api: Api;

  beforeAll(async () => {
    api = await Api.start();
  });

  afterAll(async () => {
    await api.emu.stop();
  });

  it('answers a path with broken percent-encoding with 404 NOT_FOUND, not a 500', async () => {
    for (const path of ['/sobjects/%ZZ', '/sobjects/Account/001000000000000AAA/%E0%A4%A', '/composite/sobjects/%ZZ?ids=x']) {
      const res = await api.call('GET', path);
      expect(res.status).withContext(path).toBe(404);
      expect(res.json()).withContext(path).toEqual([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
    }
  });

  it('rejects a JSON body that is not valid UTF-8 with 400 JSON_PARSER_ERROR instead of storing U+FFFD', async () => {
    const body = Buffer.concat([Buffer.from('{"Name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const res = await api.call('POST', '/sobjects/Account', body, { 'Content-Type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.json()[0].errorCode).toBe('JSON_PARSER_ERROR');
    expect(res.json()[0].message).toContain('Invalid UTF-8');
  });

  it('sends Sforce-Limit-Info on the 204 of a deleted bulk job', async () => {
    const created = await api.call('POST', '/jobs/ingest', { object: 'Account', operation: 'insert' });
    const id = created.json().id as string;
    await api.call('PATCH', `/jobs/ingest/${id}`, { state: 'Aborted' });
    const res = await api.call('DELETE', `/jobs/ingest/${id}`);
    expect(res.status).toBe(204);
    expect(res.headers['sforce-limit-info']).toMatch(/^api-usage=\d+\/\d+$/);
  });

  it('answers a bulk upload whose gzip body is corrupt with 400, not a 500', async () => {
    const created = await api.call('POST', '/jobs/ingest', { object: 'Account', operation: 'insert' });
    const id = created.json().id as string;
    const res = await api.call('PUT', `/jobs/ingest/${id}/batches`, 'Name\nnot gzip\n',
      { 'Content-Type': 'text/csv', 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(400);
    expect(res.json()[0].errorCode).toBe('INVALIDREQUEST');
    const info = await api.call('GET', `/jobs/ingest/${id}`);
    expect(info.json().state).toBe('Open');
  });
});

describe('emulator token endpoint with malformed Basic credentials', () => {
  it('answers invalid_client as an OAuth error object, not a 500', async () => {
    const api = await Api.start();
    try {
      const basic = Buffer.from(`${api.emu.credentials.consumerKey}:bad%ZZsecret`).toString('base64');
      const res = await raw(`${api.emu.url}/services/oauth2/token`, { method: 'POST',
        headers: { ...form({}).headers, Authorization: `Basic ${basic}` }, body: 'grant_type=client_credentials' });
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ error: 'invalid_client', error_description: 'invalid client credentials' });
    } finally {
      await api.emu.stop();
    }
  });
});
