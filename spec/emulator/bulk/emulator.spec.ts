import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import axios, { type AxiosInstance } from 'axios';
import { parse } from 'csv-parse/sync';
import { bulkEngineFor } from '../../../src/emulator/bulk/jobs.js';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { body, createIngest, results, setState, upload, waitForJob } from './helpers.js';

describe('Bulk API 2.0 through startEmulator()', () => {
  let emu: Emulator;
  let http: AxiosInstance;

  beforeEach(async () => {
    emu = await startEmulator({ port: 0, bulkRecordsPerSecond: 20_000 });
    const c = emu.credentials;
    const form = new URLSearchParams({ grant_type: 'password', client_id: c.consumerKey, client_secret: c.consumerSecret,
      username: c.username, password: c.password });
    const token = await axios.post(`${emu.url}/services/oauth2/token`, form.toString(),
      { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const { access_token: accessToken, instance_url: instanceUrl } = token.data as { access_token: string; instance_url: string };
    http = axios.create({ baseURL: `${instanceUrl}/services/data/v62.0`, headers: { Authorization: `Bearer ${accessToken}` },
      validateStatus: () => true, transformResponse: r => r as unknown });
  });
  afterEach(async () => { await emu.stop(); });

  it('runs an ingest job end to end and serves its results', async () => {
    const { id } = await createIngest(http, { object: 'Account', operation: 'insert', lineEnding: 'CRLF' });
    expect((await upload(http, String(id), 'Name,Site\r\nE2E One,a\r\nE2E Two,b\r\n')).status).toBe(201);
    expect((await setState(http, 'ingest', String(id), 'UploadComplete')).status).toBe(200);
    const info = await waitForJob(http, 'ingest', String(id));
    expect(info).toEqual(jasmine.objectContaining({ state: 'JobComplete', numberRecordsProcessed: 2, numberRecordsFailed: 0 }));
    const ok = parse(await results(http, String(id), 'successfulResults'), { columns: true, record_delimiter: '\r\n' }) as
      Record<string, string>[];
    expect(ok.map(r => emu.store.get(r.sf__Id)?.Site)).toEqual(['a', 'b']);
  });

  it('answers an unknown job with 404 NOT_FOUND and an unauthenticated call with 401', async () => {
    const r = await http.get('/jobs/ingest/7506g00000DhRA2AAN');
    expect(r.status).toBe(404);
    expect(JSON.parse(String(r.data))).toEqual([jasmine.objectContaining({ errorCode: 'NOT_FOUND' })]);
    const anon = await axios.get(`${emu.url}/services/data/v62.0/jobs/ingest`, { validateStatus: () => true });
    expect(anon.status).toBe(401);
  });

  it('runs a query job and removes its temp files on stop()', async () => {
    const created = await http.post('/jobs/query', JSON.stringify({ operation: 'query', query: 'SELECT Id, Name FROM Account' }),
      { headers: { 'Content-Type': 'application/json' } });
    expect(created.status).toBe(200);
    const id = String(body(created).id);
    expect((await waitForJob(http, 'query', id)).state).toBe('JobComplete');
    const r = await http.get(`/jobs/query/${id}/results`);
    expect(String(r.data).split('\n')[0]).toBe('"Id","Name"');
    expect(Number(r.headers['sforce-numberofrecords'])).toBe(emu.store.count('Account'));
    // this emulator's own folder, not a count of the shared temp dir (other specs' emulators come and go)
    const root = dirname(bulkEngineFor(emu.store).jobs.get(id)!.dir);
    expect(existsSync(root)).toBeTrue();
    await emu.stop();
    // files a response stream still held go when that stream closes, just after stop() resolves
    for (let i = 0; i < 100 && existsSync(root); i++) await new Promise(resolve => setTimeout(resolve, 20));
    expect(existsSync(root)).toBeFalse();
    emu = await startEmulator({ port: 0 });
  });
});
