import { Api } from './helpers.js';

describe('emulator fault injection', () => {
  let api: Api;
  beforeAll(async () => { api = await Api.start({ seed: 7 }); });
  afterAll(async () => { await api.emu.stop(); });
  afterEach(() => api.emu.faults.set({ failRate: 0, resetRate: 0, lockRate: 0, latencyMs: 0, maxConcurrent: 0 }));

  it('resetRate drops connections (before and after processing)', async () => {
    api.emu.faults.set({ resetRate: 1 });
    const before = api.emu.store.count('Account');
    const outcomes = await Promise.all(Array.from({ length: 12 }, () =>
      api.call('POST', '/sobjects/Account', { Name: 'maybe' }).then(() => 'answered', (e: NodeJS.ErrnoException) => e.code)));
    expect(outcomes.every(o => o === 'ECONNRESET' || o === 'EPIPE' || o === 'socket hang up')).withContext(String(outcomes))
      .toBeTrue();
    const { resetBefore, resetAfter } = api.emu.stats.faults;
    expect(resetBefore + resetAfter).toBeGreaterThanOrEqual(12);
    expect(resetBefore).toBeGreaterThan(0);
    expect(resetAfter).toBeGreaterThan(0);
    // "after" resets processed the insert although the client never saw an answer
    expect(api.emu.store.count('Account')).toBe(before + resetAfter);
  });

  it('failRate answers with transient 5xx/420 HTML pages', async () => {
    api.emu.faults.set({ failRate: 1 });
    const statuses = new Set<number>();
    for (let i = 0; i < 16; i++) {
      const res = await api.call('GET', '/limits');
      expect(String(res.headers['content-type'])).toContain('text/html');
      expect(res.text).toContain('<html>');
      statuses.add(res.status);
    }
    expect([...statuses].every(s => [420, 500, 502, 503].includes(s))).toBeTrue();
    expect(statuses.size).toBeGreaterThan(1);
  });

  it('lockRate fails records with UNABLE_TO_LOCK_ROW in collections', async () => {
    api.emu.faults.set({ lockRate: 1 });
    const res = await api.call('POST', '/composite/sobjects', { records: [{ attributes: { type: 'Account' }, Name: 'l' }] });
    expect(res.json()).toEqual([{ success: false, errors: [{ statusCode: 'UNABLE_TO_LOCK_ROW',
      message: 'unable to obtain exclusive access to this record', fields: [] }] }]);
    const single = await api.call('POST', '/sobjects/Account', { Name: 'l' });
    expect(single.status).toBe(400);
    expect(single.json()[0].errorCode).toBe('UNABLE_TO_LOCK_ROW');
  });

  it('maxConcurrent refuses requests beyond the limit while others are in flight', async () => {
    api.emu.faults.set({ maxConcurrent: 2, latencyMs: 40 });
    const refusedBefore = api.emu.stats.faults.concurrency;
    const results = await Promise.all(Array.from({ length: 5 }, () => api.call('GET', '/limits')));
    const refused = results.filter(r => r.status === 403);
    expect(refused.length).toBe(3);
    expect(refused[0].json()).toEqual([{ errorCode: 'REQUEST_LIMIT_EXCEEDED',
      message: 'ConcurrentRequests (Concurrent API Requests) Limit exceeded.' }]);
    expect(results.filter(r => r.status === 200).length).toBe(2);
    expect(api.emu.stats.faults.concurrency - refusedBefore).toBe(3);
    // the peak counts what was admitted, never the refused
    expect(api.emu.stats.peakInFlight).toBe(2);
    expect(api.emu.stats.inFlight).toBe(0);
  });

  it('records the most API requests in flight at once', async () => {
    const started = await Api.start({ seed: 8, latencyMs: 300 });
    try {
      expect(started.emu.stats.peakInFlight).toBe(0);
      await Promise.all(Array.from({ length: 7 }, () => started.call('GET', '/limits')));
      expect(started.emu.stats.peakInFlight).toBe(7);
      await started.call('GET', '/limits');
      expect(started.emu.stats.peakInFlight).withContext('a later, lone request leaves the peak as it was').toBe(7);
      expect(started.emu.stats.inFlight).toBe(0);
    } finally {
      await started.emu.stop();
    }
  });

  it('adds latency to every request', async () => {
    api.emu.faults.set({ latencyMs: 60 });
    const t0 = Date.now();
    await api.call('GET', '/limits');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
  });

  it('is deterministic with a seed', async () => {
    const run = async () => {
      const a = await Api.start({ seed: 123, failRate: 0.5 });
      try {
        const out: number[] = [];
        for (let i = 0; i < 10; i++) out.push((await a.call('GET', '/limits')).status);
        return out;
      } finally {
        await a.emu.stop();
      }
    };
    const [x, y] = [await run(), await run()];
    expect(x).toEqual(y);
    expect(new Set(x).size).toBeGreaterThan(1);
  });

  it('rejects invalid settings', () => {
    expect(() => api.emu.faults.set({ failRate: 2 })).toThrowError(/failRate/);
    expect(() => api.emu.faults.set({ latencyMs: -1 })).toThrowError(/latencyMs/);
  });
});
