import { query } from '../../src/sources/query/query.js';
import { emulatorClient } from '../../src/cli/target.js';
import { startThreadEmulator } from '../../src/cli/threadEmulator.js';

describe('the demo\'s emulator on its own thread', () => {
  it('answers a client, reports its counters and refuses connections once stopped', async () => {
    const emulator = await startThreadEmulator({ port: 0, seed: 42 });
    let stopped = false;
    try {
      expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const client = emulatorClient(emulator);
      const before = (await emulator.stats()).apiRequests;
      const rows = await query<{ Id: string }>('SELECT Id FROM User LIMIT 1', { client });
      expect(rows.length).toBe(1);
      expect((await emulator.stats()).apiRequests).toBe(before + 1);
      await emulator.stop();
      stopped = true;
      await expectAsync(fetch(`${emulator.url}/services/data/`)).toBeRejected();
    } finally {
      if (!stopped) await emulator.stop();
    }
  }, 60_000);

  it('rejects with the emulator\'s own reason when it cannot start', async () => {
    await expectAsync(startThreadEmulator({ port: 70_000 })).toBeRejectedWithError(/the emulator could not start: .*70000/);
  }, 60_000);
});
