import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { rxforce, scratchDir } from './support.js';

// the sources, not dist/: a stale build must not stand in for the code under test
const ENTRY = ['--import', 'tsx', 'src/cli/main.ts'];

describe('rxforce emulator, demo and --emulator', () => {
  const tmp = scratchDir();
  afterAll(() => tmp.remove());

  it('runs the emulator until interrupted; other commands reach it through SF_* variables', async () => {
    const child = spawn(process.execPath, [...ENTRY, 'emulator', '--port', '0', '--seed', '7'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.on('data', d => { out += String(d); });
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => { const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out); if (m) resolve(m[1]!); });
        child.once('exit', code => reject(new Error(`emulator exited with ${code}: ${out}`)));
      });
      const env = { SF_LOGIN_URL: url, SF_USERNAME: 'admin@rxforce.local', SF_PASSWORD: 'rxforce',
        SF_CLIENT_ID: 'rxforce-local-key', SF_CLIENT_SECRET: 'rxforce-local-secret' };
      const res = await rxforce(['query', 'SELECT COUNT(Id) n FROM Account', '--format', 'json'], env);
      expect(res.code).withContext(res.stderr).toBe(0);
      expect(JSON.parse(res.stdout)).toEqual([{ n: jasmine.any(Number) }]);
      child.kill('SIGINT');
      const [code] = await once(child, 'exit') as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);

  it('refuses an unknown emulator flag in one line with exit 2', async () => {
    const res = await rxforce(['emulator', '--port', '0', '--frobnicate', '1']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('rxforce: emulator: Unknown option --frobnicate (emulator --help lists them)\n');
  });

  it('--emulator starts an embedded org seeded with the demo data and stops it afterwards', async () => {
    const out = tmp.path('contacts.csv');
    const res = await rxforce(['query', 'SELECT FirstName, LastName, Account.External_Id__c FROM Contact',
      '--emulator', '--bulk', '--out', out]);
    expect(res.code).withContext(res.stderr).toBe(0);
    expect(res.stderr).toBe(`1200 rows written to ${out}\n`);
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines[0]).toBe('FirstName,LastName,Account.External_Id__c');
    expect(lines.filter(l => /,ACC-\d{5}$/.test(l)).length).toBe(1200);
  }, 120_000);

  it('demo walks the features, prints the speedup and a summary, and exits 0', async () => {
    const res = await rxforce(['demo', '--latency', '5']);
    expect(res.code).withContext(res.stderr).toBe(0);
    for (const step of ['1. Bulk API 2.0 load', '2. A query across relationships', '3. 100 contacts by id', '4. Only-changes update',
      '5. Upsert 50 accounts', '6. Bulk query exported to CSV', 'Summary']) expect(res.stdout).toContain(step);
    expect(res.stdout).toMatch(/Account +400\/400 rows/);
    expect(res.stdout).toMatch(/sync +\(concatMap, one at a time\): 100 records in \d+\.\d\d s/);
    expect(res.stdout).toMatch(/async \(mergeMap, 10 in flight\): +100 records in \d+\.\d\d s/);
    expect(res.stdout).toMatch(/Speedup: \d+\.\dx/);
    expect(res.stdout).toMatch(/10 created, 40 updated, 0 failed/);
    const file = /1200 rows written to (\S+\.csv)/.exec(res.stdout)![1]!;
    expect(existsSync(file)).withContext('the demo removes its temporary files').toBeFalse();
    expect(existsSync(dirname(file))).toBeFalse();
    expect(res.stderr).not.toContain('rxforce:');
  }, 120_000);
});
