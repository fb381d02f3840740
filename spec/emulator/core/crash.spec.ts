/**
 * `rxforce emulator --data-dir` killed with SIGKILL while writes are in flight: a restart must load, keep every
 * record whose create was acknowledged (byte for byte), invent none that was never sent, and go on writing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../../src/emulator/index.js';
import { form, raw } from './helpers.js';

// the built emulator starts in well under a second; from src, tsx compiles it first (CI builds before testing)
const BUILT = existsSync('dist/esm/emulator/main.js');
const MAIN = BUILT ? './dist/esm/emulator/main.js' : './src/emulator/main.ts';

function spawnEmulator(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const run = `import(${JSON.stringify(MAIN)}).then(m => m.runEmulatorCli(process.argv.slice(1)))`;
  const child = spawn(process.execPath, [...(BUILT ? [] : ['--import', 'tsx']), '-e', run, '--', '--port', '0', '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', line => {
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
      if (url) resolve({ child, url });
      else reject(new Error(`unexpected first line: ${line}`));
    });
    child.once('exit', code => reject(new Error(`emulator exited (${code}) before listening`)));
  });
}

const description = (n: number) => `record ${n} `.repeat(2000).slice(0, 30_000);
const bytesOf = (n: number) => Buffer.alloc(64 * 1024, n % 251);

describe('emulator --data-dir after SIGKILL mid-write', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'rxforce-crash-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('restarts with every acknowledged create intact and none that was not sent', async () => {
    const { child, url } = await spawnEmulator(dir);
    const exited = new Promise(resolve => child.once('exit', resolve));
    const login = await raw(`${url}/services/oauth2/token`, { method: 'POST', ...form({ grant_type: 'password',
      client_id: 'rxforce-local-key', client_secret: 'rxforce-local-secret', username: 'admin@rxforce.local', password: 'rxforce' }) });
    const auth = { Authorization: `Bearer ${login.json().access_token}`, 'Content-Type': 'application/json' };
    const api = `${url}/services/data/v62.0/sobjects`;

    const acked = new Map<string, number>(); // account id → n
    const files = new Map<string, number>(); // attachment id → n
    let sent = 0;
    let killed = false;
    const worker = async () => {
      while (!killed) {
        const n = sent++;
        try {
          const res = await raw(`${api}/Account`, { method: 'POST', headers: auth,
            body: JSON.stringify({ Name: `crash-${n}`, Description: description(n) }) });
          if (res.status !== 201) throw new Error(res.text);
          const id = res.json().id as string;
          acked.set(id, n);
          const att = await raw(`${api}/Attachment`, { method: 'POST', headers: auth,
            body: JSON.stringify({ Name: `f-${n}.bin`, ParentId: id, Body: bytesOf(n).toString('base64') }) });
          if (att.status === 201) files.set(att.json().id as string, n);
        } catch (e) {
          if (!killed) throw e;
        }
      }
    };
    let failure: unknown;
    const workers = Array.from({ length: 6 }, () => worker().catch(e => { failure = e; killed = true; }));
    while (acked.size < 40 && !killed) await new Promise(r => setTimeout(r, 5));
    killed = true;
    child.kill('SIGKILL');
    await Promise.all([exited, ...workers]);
    if (failure) throw failure;

    const emu = await startEmulator({ dataDir: dir });
    try {
      for (const [id, n] of acked) {
        const rec = emu.store.get(id);
        expect(rec?.Name).withContext(id).toBe(`crash-${n}`);
        expect(rec?.Description).withContext(id).toBe(description(n));
      }
      for (const [id, n] of files) expect(emu.store.blob(id)?.equals(bytesOf(n))).withContext(id).toBeTrue();
      const stored = [...emu.store.scan('Account')].filter(r => String(r.Name).startsWith('crash-'));
      expect(stored.length).toBeGreaterThanOrEqual(acked.size);
      expect(stored.length).toBeLessThanOrEqual(sent);
      expect(new Set(stored.map(r => r.Name)).size).toBe(stored.length);
      expect(emu.store.insert('Account', { Name: 'after the crash' }).success).toBeTrue();
    } finally {
      await emu.stop();
    }
    const again = await startEmulator({ dataDir: dir });
    expect([...again.store.scan('Account')].some(r => r.Name === 'after the crash')).toBeTrue();
    await again.stop();
  });
});
