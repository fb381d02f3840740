import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { bulkEngineFor } from '../../../src/emulator/bulk/jobs.js';
import { body, createIngest, upload, waitForJob } from './helpers.js';
import { startHarness, type Harness } from './harness.js';

/** Job files live as long as something reads or writes them, whatever deletes the job or stops the org meanwhile. */
describe('Bulk API 2.0 job files', () => {
  let h: Harness;
  let rejections: unknown[];
  const onRejection = (e: unknown): void => { rejections.push(e); };
  beforeEach(() => {
    rejections = [];
    process.on('unhandledRejection', onRejection);
  });
  afterEach(async () => {
    await h.stop();
    process.off('unhandledRejection', onRejection);
  });

  const until = async (done: () => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 500 && !done(); i++) await new Promise(r => setTimeout(r, 10));
    if (!done()) throw new Error(`timed out waiting for ${what}`);
  };
  const tick = (): Promise<void> => new Promise(r => setImmediate(r));

  async function queryJob(rows: number): Promise<string> {
    const description = 'd'.repeat(1000);
    for (let i = 0; i < rows; i++) h.store.insert('Account', { Name: `Row ${i}`, Description: description });
    const r = await h.http.post('/jobs/query', JSON.stringify({ operation: 'query', query: 'SELECT Name, Description FROM Account' }),
      { headers: { 'Content-Type': 'application/json' } });
    return String(body(r).id);
  }

  it('finishes a download whose job is deleted mid-stream, then removes the files', async () => {
    h = await startHarness();
    const id = await queryJob(3000);                          // ~3 MB of results: more than the socket buffers
    expect((await waitForJob(h.http, 'query', id)).state).toBe('JobComplete');
    const dir = bulkEngineFor(h.store).jobs.get(id)!.dir;
    const res = await h.http.get(`/jobs/query/${id}/results`, { responseType: 'stream', transformResponse: undefined });
    const stream = res.data as Readable;
    const chunks: Buffer[] = [];
    const first = await new Promise<Buffer>(resolve => stream.once('data', resolve));
    stream.pause();
    chunks.push(first);
    expect((await h.http.delete(`/jobs/query/${id}`)).status).toBe(204);
    expect((await h.http.get(`/jobs/query/${id}`)).status).toBe(404);
    expect(existsSync(dir)).withContext('files kept while the download runs').toBeTrue();
    stream.resume();
    for await (const c of stream) chunks.push(c as Buffer);
    const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
    expect(lines.length).toBe(3001);
    expect(lines[3000]).toContain('"Row 2999"');
    await until(() => !existsSync(dir), 'the job directory to go');
    expect(rejections).toEqual([]);
  });

  it('stops cleanly when the org stops right as a query job starts, with another processing and one open', async () => {
    h = await startHarness(2_000);
    const engine = bulkEngineFor(h.store);
    const running = await queryJob(1000);                     // processing at 2,000 rows/s
    await until(() => engine.jobs.get(running)?.state === 'InProgress', 'processing');
    const ingest = await createIngest(h.http, { object: 'Account', operation: 'insert' });
    await upload(h.http, String(ingest.id), 'Name\nA\nB\n');
    const dirs = [...engine.jobs.values()].map(j => j.dir);
    expect(dirs.length).toBe(2);
    // The next job stored gets the org stopped the moment its processing starts, before it opens its result file.
    const jobs = engine.jobs as { set: (id: string, job: unknown) => unknown };
    const set = jobs.set.bind(engine.jobs);
    jobs.set = (id, job) => {
      const j = job as { dir: string; state: string };
      let state = j.state;
      Object.defineProperty(j, 'state', {
        get: () => state,
        set: (v: string) => {
          state = v;
          if (v === 'InProgress') engine.dispose();
        },
      });
      dirs.push(j.dir);
      return set(id, job);
    };
    const created = await h.http.post('/jobs/query', JSON.stringify({ operation: 'query', query: 'SELECT Id FROM Account' }),
      { headers: { 'Content-Type': 'application/json' } });
    expect(created.status).toBe(200);
    expect(engine.isDisposed).toBeTrue();
    expect(engine.jobs.size).toBe(0);                         // every job dropped at once
    for (let i = 0; i < 5; i++) await tick();
    await until(() => dirs.every(d => !existsSync(d)), 'every job directory to go');
    await new Promise(r => setTimeout(r, 20));
    expect(rejections).toEqual([]);
  });
});
