import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { loginFlags, rxforce, scratchDir } from './support.js';

describe('rxforce usage errors exit 2', () => {
  let emu: Emulator;
  let login: string[];
  const tmp = scratchDir();

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, seed: 6 });
    login = loginFlags(emu);
  });
  afterAll(async () => {
    await emu.stop();
    tmp.remove();
  });

  it('no command at all: the help on stderr, nothing on stdout, exit 2 (asking for help stays exit 0)', async () => {
    const res = await rxforce([]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('Usage: rxforce');
    const help = await rxforce(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: rxforce');
    expect((await rxforce(['help', 'query'])).code).toBe(0);
  });

  it('a --results path that cannot be a directory: one line naming it, exit 2, nothing sent', async () => {
    const file = tmp.path('one.csv');
    writeFileSync(file, 'Name\nResults-Elsewhere\n');
    const results = join(file, 'results');
    const res = await rxforce(['load', 'insert', 'Account', file, '--rest', '--results', results, ...login]);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(`rxforce: --results ${results}: cannot write here (ENOTDIR)\n`);
    const q = await rxforce(['query', "SELECT COUNT(Id) n FROM Account WHERE Name = 'Results-Elsewhere'", '--format', 'ndjson', ...login]);
    expect(q.stdout).toBe('{"n":0}\n');
  });
});
