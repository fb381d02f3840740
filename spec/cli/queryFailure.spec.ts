import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { loginFlags, rxforce, scratchDir } from './support.js';

describe('rxforce query that the org refuses', () => {
  let emu: Emulator;
  let login: string[];
  const tmp = scratchDir();
  /** A directory of its own for each case, so its listing shows only what that case left behind. */
  const dirOf = (name: string) => { const d = tmp.path(name); mkdirSync(d); return d; };

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, seed: 5 });
    login = loginFlags(emu);
  });
  afterAll(async () => {
    await emu.stop();
    tmp.remove();
  });

  for (const format of ['csv', 'json', 'ndjson', 'table']) {
    it(`prints nothing on stdout, only the error on stderr (--format ${format})`, async () => {
      const res = await rxforce(['query', 'SELECT Id, Nme FROM Account', '--format', format, ...login]);
      expect(res.code).toBe(1);
      expect(res.stdout).toBe('');
      // Salesforce's message as it gives it: the query, `^` under the column, the row and column, the reason
      expect(res.stderr).toMatch(/^rxforce: INVALID_FIELD:\n.*Nme[\s\S]*\^[\s\S]*No such column 'Nme'/);
    });
  }

  it('leaves an existing --out file as it was and no half-written file behind', async () => {
    const dir = dirOf('keep');
    const out = join(dir, 'keep.csv');
    writeFileSync(out, 'Id\n001000000000001AAA\n');
    const res = await rxforce(['query', 'SELECT Id, Nme FROM Account', '--out', out, ...login]);
    expect(res.code).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe('Id\n001000000000001AAA\n');
    expect(readdirSync(dir)).toEqual(['keep.csv']);
  });

  it('creates no --out file when a bulk query is refused', async () => {
    const dir = dirOf('grouped');
    const out = join(dir, 'grouped.json');
    const res = await rxforce(['query', 'SELECT COUNT(Id) n, Industry FROM Account GROUP BY Industry', '--bulk', '--out', out, ...login]);
    expect(res.code).toBe(1);
    expect(existsSync(out)).toBeFalse();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('still writes the --out file whole when the query succeeds', async () => {
    const dir = dirOf('two');
    const out = join(dir, 'two.json');
    const res = await rxforce(['query', 'SELECT COUNT(Id) n FROM Account', '--out', out, ...login]);
    expect(res.code).withContext(res.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual([{ n: jasmine.any(Number) }]);
    expect(readdirSync(dir)).toEqual(['two.json']);
  });

  it('refuses an --out file in a missing directory in one line naming it, exit 2', async () => {
    const out = join(tmp.dir, 'no-such-dir', 'x.csv');
    const res = await rxforce(['query', 'SELECT COUNT(Id) n FROM Account', '--out', out, ...login]);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(`rxforce: ${out}: cannot write here (ENOENT)\n`);
  });
});
