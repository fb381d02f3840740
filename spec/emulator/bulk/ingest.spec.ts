import { parse } from 'csv-parse/sync';
import { body, createIngest, results, runIngest, setState, upload, waitForJob } from './helpers.js';
import { startHarness, type Harness } from './harness.js';

describe('Bulk API 2.0 ingest', () => {
  let h: Harness;
  beforeEach(async () => { h = await startHarness(); });
  afterEach(async () => { await h.stop(); });

  it('creates a job with a 750 id and the documented job info', async () => {
    const job = await createIngest(h.http, { object: 'Account', operation: 'insert', lineEnding: 'LF' });
    expect(job.id).toMatch(/^750[A-Za-z0-9]{15}$/);
    expect(job).toEqual(jasmine.objectContaining({
      operation: 'insert', object: 'Account', state: 'Open', concurrencyMode: 'Parallel', contentType: 'CSV',
      apiVersion: 62, lineEnding: 'LF', columnDelimiter: 'COMMA',
      contentUrl: `services/data/v62.0/jobs/ingest/${String(job.id)}/batches`,
    }));
    const info = body(await h.http.get(`/jobs/ingest/${String(job.id)}`));
    expect(info).toEqual(jasmine.objectContaining({
      jobType: 'V2Ingest', numberRecordsProcessed: 0, numberRecordsFailed: 0, retries: 0, totalProcessingTime: 0,
      apiActiveProcessingTime: 0, apexProcessingTime: 0,
    }));
  });

  it('inserts rows from several uploads and reports each in successfulResults', async () => {
    const { id } = await createIngest(h.http, { object: 'Account', operation: 'insert' });
    expect((await upload(h.http, String(id), 'Name,NumberOfEmployees\nAcme,10\n')).status).toBe(201);
    expect((await upload(h.http, String(id), 'Name,NumberOfEmployees\nGlobex,20\nInitech,\n')).status).toBe(201);
    expect((await setState(h.http, 'ingest', String(id), 'UploadComplete')).status).toBe(200);
    const info = await waitForJob(h.http, 'ingest', String(id));
    expect(info).toEqual(jasmine.objectContaining({ state: 'JobComplete', numberRecordsProcessed: 3, numberRecordsFailed: 0 }));
    const ok = await results(h.http, String(id), 'successfulResults');
    const lines = ok.trimEnd().split('\n');
    expect(lines[0]).toBe('"sf__Id","sf__Created",Name,NumberOfEmployees');
    const rows = parse(ok, { columns: true }) as Record<string, string>[];
    expect(rows.map(r => r.Name)).toEqual(['Acme', 'Globex', 'Initech']);
    expect(rows.every(r => r.sf__Created === 'true' && /^001/.test(r.sf__Id))).toBeTrue();
    const stored = h.store.get(rows[1].sf__Id);
    expect(stored?.Name).toBe('Globex');
    expect(stored?.NumberOfEmployees).toBe(20);
    expect(h.store.get(rows[2].sf__Id)?.NumberOfEmployees ?? null).toBeNull();
  });

  it('reconciles failing rows with their Salesforce error and original values', async () => {
    const long = 'x'.repeat(256);
    const csv = `Name,Rating\nGood,Hot\n,Warm\n${long},Cold\n`;
    const info = await runIngest(h.http, { object: 'Account', operation: 'insert' }, csv);
    expect(info).toEqual(jasmine.objectContaining({ state: 'JobComplete', numberRecordsProcessed: 3, numberRecordsFailed: 2 }));
    const failed = parse(await results(h.http, String(info.id), 'failedResults'), { columns: true }) as Record<string, string>[];
    expect(failed.length).toBe(2);
    const byName = new Map(failed.map(f => [f.Name, f]));
    expect(byName.get('')?.sf__Error).toMatch(/^REQUIRED_FIELD_MISSING:Required fields are missing: \[Name\]/);
    expect(byName.get(long)?.sf__Error).toMatch(/^STRING_TOO_LONG:/);
    expect(byName.get(long)?.Rating).toBe('Cold');
    const ok = parse(await results(h.http, String(info.id), 'successfulResults'), { columns: true }) as Record<string, string>[];
    expect(ok.map(r => r.Name)).toEqual(['Good']);
  });

  it('fails a row whose restricted picklist value is not allowed', async () => {
    const csv = 'LastName,Company,Status\nDoe,Acme,Bogus\nRoe,Acme,Working - Contacted\n';
    const info = await runIngest(h.http, { object: 'Lead', operation: 'insert' }, csv);
    expect(info.numberRecordsFailed).toBe(1);
    const failed = parse(await results(h.http, String(info.id), 'failedResults'), { columns: true }) as Record<string, string>[];
    expect(failed[0].sf__Error).toMatch(/^INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:/);
    expect(failed[0].LastName).toBe('Doe');
  });

  it('fails the whole job on an unknown header column, leaving every row unprocessed', async () => {
    const info = await runIngest(h.http, { object: 'Account', operation: 'insert' }, 'Name,Nope__c\nA,x\nB,y\n');
    expect(info).toEqual(jasmine.objectContaining({
      state: 'Failed', numberRecordsProcessed: 0, errorMessage: 'InvalidBatch : Field name not found : Nope__c',
    }));
    expect(await results(h.http, String(info.id), 'unprocessedrecords')).toBe('Name,Nope__c\nA,x\nB,y\n');
    expect(h.store.count('Account')).toBe(0);
  });

  it('fails the job with an errorMessage on broken quoting', async () => {
    const info = await runIngest(h.http, { object: 'Account', operation: 'insert' }, 'Name\n"Acme\n');
    expect(info.state).toBe('Failed');
    expect(String(info.errorMessage)).toMatch(/^InvalidBatch : Failed to parse CSV/);
  });

  it('fails only the row with a wrong column count', async () => {
    const info = await runIngest(h.http, { object: 'Account', operation: 'insert' }, 'Name,Site\nA,1\nB,2,3\nC,4\n');
    expect(info).toEqual(jasmine.objectContaining({ state: 'JobComplete', numberRecordsProcessed: 3, numberRecordsFailed: 1 }));
  });

  it('round-trips quotes, delimiters, newlines and unicode', async () => {
    const names = ['He said "hi"', 'a,b', 'line1\nline2', 'Zoë 日本 🚀', ' padded '];
    const csv = 'Name\n' + names.map(n => `"${n.replace(/"/g, '""')}"`).join('\n') + '\n';
    const info = await runIngest(h.http, { object: 'Account', operation: 'insert' }, csv);
    expect(info.numberRecordsFailed).toBe(0);
    const ok = parse(await results(h.http, String(info.id), 'successfulResults'), { columns: true }) as Record<string, string>[];
    expect(ok.map(r => r.Name)).toEqual(names);
    expect(ok.map(r => h.store.get(r.sf__Id)?.Name)).toEqual(names);
  });

  for (const [columnDelimiter, lineEnding, sep, eol] of [['TAB', 'CRLF', '\t', '\r\n'], ['PIPE', 'LF', '|', '\n'],
    ['SEMICOLON', 'CRLF', ';', '\r\n'], ['CARET', 'LF', '^', '\n'], ['BACKQUOTE', 'LF', '`', '\n']]) {
    it(`honours columnDelimiter ${columnDelimiter} and lineEnding ${lineEnding} both ways`, async () => {
      const csv = ['Name', 'Site'].join(sep) + eol + ['Acme', 'a,b'].join(sep) + eol + ['Globex', 'HQ'].join(sep) + eol;
      const info = await runIngest(h.http, { object: 'Account', operation: 'insert', columnDelimiter, lineEnding }, csv);
      expect(info).toEqual(jasmine.objectContaining({ state: 'JobComplete', numberRecordsProcessed: 2, numberRecordsFailed: 0 }));
      const ok = await results(h.http, String(info.id), 'successfulResults');
      expect(ok.startsWith(`"sf__Id"${sep}"sf__Created"${sep}Name${sep}Site${eol}`)).toBeTrue();
      const rows = parse(ok, { columns: true, delimiter: sep, record_delimiter: eol }) as Record<string, string>[];
      expect(rows.map(r => [r.Name, r.Site])).toEqual([['Acme', 'a,b'], ['Globex', 'HQ']]);
    });
  }

  it('ignores empty values on update and nulls #N/A', async () => {
    const a = h.store.insert('Account', { Name: 'Acme', Site: 'HQ', Phone: '123' });
    if (!a.success) throw new Error('seed failed');
    const info = await runIngest(h.http, { object: 'Account', operation: 'update' }, `Id,Site,Phone\n${a.id},,#N/A\n`);
    expect(info).toEqual(jasmine.objectContaining({ state: 'JobComplete', numberRecordsFailed: 0 }));
    expect(h.store.get(a.id)?.Site).toBe('HQ');
    expect(h.store.get(a.id)?.Phone).toBeNull();
    const ok = parse(await results(h.http, String(info.id), 'successfulResults'), { columns: true }) as Record<string, string>[];
    expect(ok[0]).toEqual(jasmine.objectContaining({ sf__Id: a.id, sf__Created: 'false' }));
  });

  it('resolves relationship columns through the external id index', async () => {
    const a = h.store.insert('Account', { Name: 'Acme', External_Id__c: 'EXT-1' });
    if (!a.success) throw new Error('seed failed');
    const csv = 'LastName,Account.External_Id__c\nDoe,EXT-1\nRoe,EXT-404\n';
    const info = await runIngest(h.http, { object: 'Contact', operation: 'insert' }, csv);
    expect(info.numberRecordsFailed).toBe(1);
    const ok = parse(await results(h.http, String(info.id), 'successfulResults'), { columns: true }) as Record<string, string>[];
    expect(h.store.get(ok[0].sf__Id)?.AccountId).toBe(a.id);
    const failed = parse(await results(h.http, String(info.id), 'failedResults'), { columns: true }) as Record<string, string>[];
    expect(failed[0].sf__Error).toContain('EXT-404');
    expect(failed[0]['Account.External_Id__c']).toBe('EXT-404');
  });

  it('upserts on an external id, reporting created true/false', async () => {
    h.store.insert('Account', { Name: 'Old', External_Id__c: 'E1' });
    const info = await runIngest(h.http, { object: 'Account', operation: 'upsert', externalIdFieldName: 'External_Id__c' },
      'External_Id__c,Name\nE1,Renamed\nE2,Fresh\n');
    const ok = parse(await results(h.http, String(info.id), 'successfulResults'), { columns: true }) as Record<string, string>[];
    expect(ok.map(r => [r.External_Id__c, r.sf__Created])).toEqual([['E1', 'false'], ['E2', 'true']]);
    expect(h.store.findBy('Account', 'External_Id__c', 'E1')[0]?.Name).toBe('Renamed');
  });

  it('deletes and hard-deletes by Id', async () => {
    const ids = ['A', 'B'].map(n => { const r = h.store.insert('Account', { Name: n }); return r.success ? r.id : ''; });
    const info = await runIngest(h.http, { object: 'Account', operation: 'delete' }, `Id\n${ids[0]}\n`);
    expect(info.numberRecordsFailed).toBe(0);
    expect(h.store.get(ids[0])).toBeUndefined();
    expect(h.store.get(ids[0], { includeDeleted: true })?.IsDeleted).toBeTrue();
    await runIngest(h.http, { object: 'Account', operation: 'hardDelete' }, `Id\n${ids[1]}\n`);
    expect(h.store.get(ids[1], { includeDeleted: true })).toBeUndefined();
  });

  it('refuses invalid state transitions with INVALIDJOBSTATE', async () => {
    const { id } = await createIngest(h.http, { object: 'Account', operation: 'insert' });
    await upload(h.http, String(id), 'Name\nA\n');
    await setState(h.http, 'ingest', String(id), 'UploadComplete');
    const again = await setState(h.http, 'ingest', String(id), 'UploadComplete');
    expect(again.status).toBe(400);
    expect(JSON.parse(String(again.data))).toEqual([jasmine.objectContaining({ errorCode: 'INVALIDJOBSTATE' })]);
    const put = await upload(h.http, String(id), 'Name\nB\n');
    expect(put.status).toBe(400);
    await waitForJob(h.http, 'ingest', String(id));
    expect((await setState(h.http, 'ingest', String(id), 'Aborted')).status).toBe(400);
  });

  it('aborts mid-processing and leaves the rest as unprocessed records', async () => {
    await h.stop();
    h = await startHarness(2_000);
    const rows = Array.from({ length: 2000 }, (_, i) => `Acct ${i}`);
    const { id } = await createIngest(h.http, { object: 'Account', operation: 'insert' });
    await upload(h.http, String(id), 'Name\n' + rows.join('\n') + '\n');
    await setState(h.http, 'ingest', String(id), 'UploadComplete');
    let info = body(await h.http.get(`/jobs/ingest/${String(id)}`));
    for (let i = 0; i < 200 && Number(info.numberRecordsProcessed) === 0; i++) {
      await new Promise(r => setTimeout(r, 10));
      info = body(await h.http.get(`/jobs/ingest/${String(id)}`));
    }
    expect(info.state).toBe('InProgress');
    expect((await setState(h.http, 'ingest', String(id), 'Aborted')).status).toBe(200);
    info = await waitForJob(h.http, 'ingest', String(id));
    expect(info.state).toBe('Aborted');
    await new Promise(r => setTimeout(r, 30));
    info = body(await h.http.get(`/jobs/ingest/${String(id)}`));
    const processed = Number(info.numberRecordsProcessed);
    expect(processed).toBeGreaterThan(0);
    expect(processed).toBeLessThan(2000);
    const ok = parse(await results(h.http, String(id), 'successfulResults'), { columns: true }) as unknown[];
    const rest = parse(await results(h.http, String(id), 'unprocessedrecords'), { columns: true }) as { Name: string }[];
    expect(ok.length).toBe(processed);
    expect(rest.length).toBe(2000 - processed);
    expect(rest[0].Name).toBe(`Acct ${processed}`);
    expect(h.store.count('Account')).toBe(processed);
  });

  it('creates, uploads and closes a job in one multipart request', async () => {
    const boundary = 'BOUNDARY';
    const payload = [`--${boundary}`, 'Content-Type: application/json', 'Content-Disposition: form-data; name="job"', '',
      JSON.stringify({ object: 'Account', operation: 'insert' }), `--${boundary}`, 'Content-Type: text/csv',
      'Content-Disposition: form-data; name="content"; filename="content"', '', 'Name\nMulti\n', `--${boundary}--`, ''].join('\r\n');
    const r = await h.http.post('/jobs/ingest', payload, { headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` } });
    expect(r.status).toBe(200);
    const job = body(r);
    expect(job.state).toBe('UploadComplete');
    const info = await waitForJob(h.http, 'ingest', String(job.id));
    expect(info).toEqual(jasmine.objectContaining({ state: 'JobComplete', numberRecordsProcessed: 1 }));
  });

  it('lists jobs and deletes them (204, then 404)', async () => {
    const a = await runIngest(h.http, { object: 'Account', operation: 'insert' }, 'Name\nA\n');
    const list = body(await h.http.get('/jobs/ingest'));
    expect(list.done).toBeTrue();
    expect((list.records as { id: string }[]).map(r => r.id)).toContain(String(a.id));
    expect((await h.http.delete(`/jobs/ingest/${String(a.id)}`)).status).toBe(204);
    expect((await h.http.get(`/jobs/ingest/${String(a.id)}`)).status).toBe(404);
  });
});
