import { VirtualTimeScheduler } from 'rxjs';
import { startEmulator } from '../../../src/emulator/index.js';
import { bulkEngineFor } from '../../../src/emulator/bulk/jobs.js';
import { body, waitForJob } from './helpers.js';
import { startHarness, type Harness } from './harness.js';

describe('Bulk API 2.0 pacing in virtual time', () => {
  let h: Harness | undefined;
  afterEach(async () => { await h?.stop(); });

  it('passes through InProgress for as long as the rate says, on the scheduler rather than the wall clock', async () => {
    const scheduler = new VirtualTimeScheduler();
    h = await startHarness(100, {
      now: () => scheduler.now(),
      sleep: ms => new Promise<void>(resolve => { scheduler.schedule(() => resolve(), ms); }),
    });
    for (let i = 0; i < 500; i++) h.store.insert('Account', { Name: `Paced ${i}` });
    const r = await h.http.post('/jobs/query', JSON.stringify({ operation: 'query', query: 'SELECT Name FROM Account' }),
      { headers: { 'Content-Type': 'application/json' } });
    const id = String(body(r).id);
    const job = bulkEngineFor(h.store).jobs.get(id)!;
    const started = Date.now();
    const seen = new Set<string>();
    let atTwoSeconds: number | undefined;
    // Each flush ends one pacing wait; between flushes the job's real work (writing result files) runs, which takes
    // as long as the machine needs, so the loop waits on real I/O rather than counting ticks.
    while (job.state !== 'JobComplete' && Date.now() - started < 20_000) {
      seen.add(job.state);
      if (atTwoSeconds === undefined && scheduler.now() >= 2_000) atTwoSeconds = job.numberRecordsProcessed;
      scheduler.flush();
      await new Promise(resolve => setTimeout(resolve, 1));
    }
    expect(job.state).toBe('JobComplete');
    expect(seen).toContain('InProgress');
    expect(atTwoSeconds).toBeGreaterThanOrEqual(190);        // 100 rows/s, in virtual seconds
    expect(atTwoSeconds).toBeLessThanOrEqual(210);
    expect(scheduler.now()).toBeGreaterThanOrEqual(4_900);  // 500 rows at 100 rows/s: 5 s of virtual time
    expect(scheduler.now()).toBeLessThanOrEqual(5_100);
    expect((await waitForJob(h.http, 'query', id)).numberRecordsProcessed).toBe(500);
  });

  it('paces on the emulator\'s scheduler option', async () => {
    const scheduler = new VirtualTimeScheduler();
    const emu = await startEmulator({ port: 0, scheduler, bulkRecordsPerSecond: 10 });
    try {
      const clock = bulkEngineFor(emu.store).options.clock;
      scheduler.schedule(() => undefined, 1234);
      scheduler.flush();
      expect(clock.now()).toBe(1234);
      let woke = false;
      void clock.sleep(500).then(() => { woke = true; });
      await new Promise(resolve => setImmediate(resolve));
      expect(woke).toBeFalse();                               // no real time moves it
      scheduler.flush();
      await new Promise(resolve => setImmediate(resolve));
      expect(woke).toBeTrue();
      expect(scheduler.now()).toBe(1734);
    } finally {
      await emu.stop();
    }
  });
});
