import { parse } from 'csv-parse/sync';
import type { AxiosResponse } from 'axios';
import { body, setState, waitForJob, type Json } from './helpers.js';
import { startHarness, type Harness } from './harness.js';

describe('Bulk API 2.0 query', () => {
  let h: Harness;
  beforeEach(async () => { h = await startHarness(); });
  afterEach(async () => { await h.stop(); });

  const create = (job: Json): Promise<AxiosResponse> =>
    h.http.post('/jobs/query', JSON.stringify(job), { headers: { 'Content-Type': 'application/json' } });

  async function completed(job: Json): Promise<string> {
    const r = await create(job);
    expect(r.status).toBe(200);
    const id = String(body(r).id);
    expect((await waitForJob(h.http, 'query', id)).state).toBe('JobComplete');
    return id;
  }

  function seed(n: number): void {
    const parent = h.store.insert('Account', { Name: 'Parent Co' });
    for (let i = 0; i < n; i++) {
      h.store.insert('Contact', { LastName: `Doe ${i}`, AccountId: i % 2 === 0 && parent.success ? parent.id : null });
    }
  }

  it('answers CSV in SELECT order with parent columns, nulls as empty strings', async () => {
    seed(2);
    const id = await completed({ operation: 'query', query: 'SELECT LastName, Account.Name, Email FROM Contact' });
    const r = await h.http.get(`/jobs/query/${id}/results`);
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toContain('text/csv');
    expect(r.headers['sforce-numberofrecords']).toBe('2');
    expect(r.headers['sforce-locator']).toBe('null');
    expect(String(r.data)).toBe('"LastName","Account.Name","Email"\n"Doe 0","Parent Co",\n"Doe 1",,\n');
  });

  it('pages with maxRecords and re-fetchable locators', async () => {
    seed(25);
    const id = await completed({ operation: 'query', query: 'SELECT LastName FROM Contact' });
    const seen: string[] = [];
    let locator = '';
    const locators: string[] = [];
    for (let page = 0; page < 10; page++) {
      const r = await h.http.get(`/jobs/query/${id}/results`, { params: { maxRecords: 10, ...(locator ? { locator } : {}) } });
      const rows = parse(String(r.data), { columns: true }) as { LastName: string }[];
      expect(r.headers['sforce-numberofrecords']).toBe(String(rows.length));
      seen.push(...rows.map(x => x.LastName));
      locator = String(r.headers['sforce-locator']);
      if (locator === 'null') break;
      locators.push(locator);
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `Doe ${i}`));
    expect(locators.length).toBe(2);
    const again = await h.http.get(`/jobs/query/${id}/results`, { params: { maxRecords: 10, locator: locators[0] } });
    expect((parse(String(again.data), { columns: true }) as { LastName: string }[])[0].LastName).toBe('Doe 10');
  });

  it('lists result pages (v58+) with done and nextRecordsUrl', async () => {
    seed(13);
    const id = await completed({ operation: 'query', query: 'SELECT Id FROM Contact' });
    const first = body(await h.http.get(`/jobs/query/${id}/resultPages`, { params: { maxRecords: 2 } }));
    const pages = first.resultPages as { resultUrl: string }[];
    expect(pages.length).toBe(5);
    expect(first.done).toBeFalse();
    const next = String(first.nextRecordsUrl).replace(/^\/services\/data\/v62\.0/, '');
    const second = body(await h.http.get(next));
    expect(second.done).toBeTrue();
    expect(second.nextRecordsUrl).toBeNull();
    let total = 0;
    for (const p of [...pages, ...(second.resultPages as { resultUrl: string }[])]) {
      const r = await h.http.get(p.resultUrl.replace(/^\/services\/data\/v62\.0/, ''));
      total += Number(r.headers['sforce-numberofrecords']);
    }
    expect(total).toBe(13);
  });

  it('answers 412 JOB_NOT_COMPLETE before the job completes', async () => {
    await h.stop();
    h = await startHarness(500);
    seed(300);
    const r = await create({ operation: 'query', query: 'SELECT Id FROM Contact' });
    const id = String(body(r).id);
    const early = await h.http.get(`/jobs/query/${id}/results`);
    expect(early.status).toBe(412);
    expect(JSON.parse(String(early.data))).toEqual([jasmine.objectContaining({ errorCode: 'JOB_NOT_COMPLETE' })]);
    expect((await setState(h.http, 'query', id, 'Aborted')).status).toBe(200);
    expect((await waitForJob(h.http, 'query', id)).state).toBe('Aborted');
  });

  it('honours TAB and CRLF in results', async () => {
    seed(1);
    const id = await completed({ operation: 'query', query: 'SELECT LastName FROM Contact', columnDelimiter: 'TAB', lineEnding: 'CRLF' });
    expect(String((await h.http.get(`/jobs/query/${id}/results`)).data)).toBe('"LastName"\r\n"Doe 0"\r\n');
  });

  it('includes deleted rows for queryAll only', async () => {
    seed(2);
    const [victim] = [...h.store.scan('Contact')];
    expect(h.store.delete(victim.Id).success).toBeTrue();
    const q = await completed({ operation: 'query', query: 'SELECT Id FROM Contact' });
    const qa = await completed({ operation: 'queryAll', query: 'SELECT Id FROM Contact' });
    expect((await h.http.get(`/jobs/query/${q}/results`)).headers['sforce-numberofrecords']).toBe('1');
    expect((await h.http.get(`/jobs/query/${qa}/results`)).headers['sforce-numberofrecords']).toBe('2');
  });

  it('refuses ORDER BY, OFFSET, aggregates and subqueries at creation', async () => {
    for (const query of ['SELECT Id FROM Contact ORDER BY LastName', 'SELECT Id FROM Contact LIMIT 5 OFFSET 2',
      'SELECT COUNT() FROM Contact', 'SELECT Id, (SELECT Id FROM Contacts) FROM Account']) {
      const r = await create({ operation: 'query', query });
      expect(r.status).withContext(query).toBe(400);
    }
    const bad = await create({ operation: 'query', query: 'SELECT Nope FROM Contact' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(String(bad.data))[0].errorCode).toBe('INVALID_FIELD');
  });

  it('lists and deletes query jobs', async () => {
    const id = await completed({ operation: 'query', query: 'SELECT Id FROM Account' });
    const list = body(await h.http.get('/jobs/query'));
    expect((list.records as Json[]).find(r => r.id === id)).toEqual(jasmine.objectContaining({ jobType: 'V2Query' }));
    expect((await h.http.delete(`/jobs/query/${id}`)).status).toBe(204);
    expect((await h.http.get(`/jobs/query/${id}/results`)).status).toBe(404);
  });
});
