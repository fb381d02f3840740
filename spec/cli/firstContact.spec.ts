/**
 * What a new user of the command line runs into first: COUNT() and aggregate columns, relationship fields in each
 * output format, SOQL errors that point at the column, pipes closed by `head`, usage errors, bulk jobs by id,
 * hardDelete, and the standalone emulator with the demo org.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { loginFlags, rxforce, scratchDir } from './support.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRY = ['--import', 'tsx', join(root, 'src/cli/main.ts')];

/** `rxforce ARGS | head -LINES` in a shell: the CLI's exit status and what it printed on stderr. */
function throughHead(args: string[], lines: number): Promise<{ code: number; stderr: string; shown: string }> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const cmd = `${quote(process.execPath)} ${[...ENTRY, ...args].map(quote).join(' ')} 2>"$ERR" | head -${lines}; echo "exit \${PIPESTATUS[0]}" >&2`;
  const tmpErr = join(scratch.dir, `err-${Math.random().toString(36).slice(2)}`);
  const child = spawn('bash', ['-c', cmd], { env: { ...process.env, ERR: tmpErr }, stdio: ['ignore', 'pipe', 'pipe'] });
  let shown = '';
  let status = '';
  child.stdout.on('data', d => { shown += String(d); });
  child.stderr.on('data', d => { status += String(d); });
  return once(child, 'close').then(() => ({ code: Number(/exit (\d+)/.exec(status)?.[1] ?? -1), stderr: readFileSync(tmpErr, 'utf8'), shown }));
}

const scratch = scratchDir();

describe('rxforce, first contact', () => {
  let emu: Emulator;
  let login: string[];
  beforeAll(async () => {
    emu = await startEmulator({ port: 0, seed: 9 });
    login = loginFlags(emu);
    const acme = emu.store.insert('Account', { Name: 'Acme', Industry: 'Energy' });
    emu.store.insert('Account', { Name: 'Globex', Industry: 'Energy' });
    if (!acme.success) throw new Error('seed');
    emu.store.insert('Contact', { LastName: 'Ann', AccountId: acme.id });
    emu.store.insert('Contact', { LastName: 'Orphan' });
    for (let i = 0; i < 300; i++) emu.store.insert('Lead', { LastName: `Lead ${i}`, Company: 'Co' });
  });
  afterAll(async () => {
    await emu.stop();
    scratch.remove();
  });

  it('SELECT COUNT() prints the count; aggregates print their aliases', async () => {
    const count = await rxforce(['query', 'SELECT COUNT() FROM Contact', '--format', 'csv', ...login]);
    expect(count.stdout).toBe('count\n2\n');
    const json = await rxforce(['query', 'SELECT COUNT() FROM Account WHERE Industry = \'Energy\'', '--format', 'json', ...login]);
    expect(JSON.parse(json.stdout)).toEqual([{ count: 2 }]);
    const agg = await rxforce(['query', 'SELECT Industry, COUNT(Id) total, MAX(Name) newest FROM Account GROUP BY Industry', '--format', 'csv', ...login]);
    expect(agg.stdout).toBe('Industry,total,newest\nEnergy,2,Globex\n');
  });

  it('JSON and NDJSON nest relationship fields as Salesforce does; CSV keeps dotted columns', async () => {
    const soql = 'SELECT LastName, Account.Name FROM Contact ORDER BY LastName';
    const json = await rxforce(['query', soql, '--format', 'json', ...login]);
    expect(JSON.parse(json.stdout)).toEqual([{ LastName: 'Ann', Account: { Name: 'Acme' } }, { LastName: 'Orphan', Account: null }]);
    const ndjson = await rxforce(['query', soql, '--format', 'ndjson', ...login]);
    expect(ndjson.stdout.trim().split('\n').map(l => JSON.parse(l))).toEqual([{ LastName: 'Ann', Account: { Name: 'Acme' } },
      { LastName: 'Orphan', Account: null }]);
    const bulk = await rxforce(['query', 'SELECT LastName, Account.Name FROM Contact', '--format', 'ndjson', '--bulk', ...login]);
    expect(bulk.stdout.trim().split('\n').map(l => JSON.parse(l)).sort((a, b) => a.LastName.localeCompare(b.LastName)))
      .toEqual([{ LastName: 'Ann', Account: { Name: 'Acme' } }, { LastName: 'Orphan', Account: null }]);
    const csv = await rxforce(['query', soql, '--format', 'csv', ...login]);
    expect(csv.stdout).toBe('LastName,Account.Name\nAnn,Acme\nOrphan,\n');
  });

  it('a SOQL error keeps Salesforce\'s line breaks, so ^ points at the column', async () => {
    const res = await rxforce(['query', 'SELECT Id, Nme FROM Account', '--format', 'csv', ...login]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    const lines = res.stderr.split('\n');
    expect(lines[0]).toBe('rxforce: INVALID_FIELD:');
    const query = lines.findIndex(l => l.includes('SELECT Id, Nme FROM Account'));
    expect(query).toBeGreaterThan(0);
    const caret = lines[query + 1]!;
    expect(caret.trim()).toBe('^');
    expect(caret.indexOf('^')).toBe(lines[query]!.indexOf('Nme'));
  });

  it('a pipe closed by head ends quietly with exit 0 (query and describe)', async () => {
    const q = await throughHead(['query', 'SELECT LastName FROM Lead', '--format', 'csv', ...login], 2);
    expect(q.shown.split('\n').length).toBe(3);
    expect(q.stderr).toBe('');
    expect(q.code).toBe(0);
    const d = await throughHead(['describe', 'Account', ...login], 1);
    expect(d.stderr).toBe('');
    expect(d.code).toBe(0);
  }, 180_000);

  it('usage errors exit 2 naming the flag; an API version the org lacks is named with those it has', async () => {
    const abc = await rxforce(['limits', '--api-version', 'abc', ...login]);
    expect(abc.code).toBe(2);
    expect(abc.stderr).toMatch(/--api-version/);
    expect(abc.stderr.trim().split('\n').length).toBe(1);
    const envAbc = await rxforce(['limits', ...login], { SF_API_VERSION: 'abc' });
    expect(envAbc.code).toBe(2);
    expect(envAbc.stderr).toBe('rxforce: SF_API_VERSION must look like 62.0\n');
    const v99 = await rxforce(['limits', '--api-version', '99.0', ...login]);
    expect(v99.code).toBe(2);
    expect(v99.stderr).toMatch(/^rxforce: --api-version 99\.0: the org has no API version 99\.0; it has \d+\.0 to 62\.0\n$/);
    const port = await rxforce(['emulator', '--port', '99999']);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/^rxforce: emulator: Invalid port for --port: 99999/);
    const bogus = await rxforce(['emulator', 'bogus']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/^rxforce: emulator: unexpected argument "bogus"/);
  });

  it('rxforce job status, results and abort work on a bulk job by id; load hardDelete empties the recycle bin too', async () => {
    const file = join(scratch.dir, 'mix.csv');
    writeFileSync(file, 'Name,NumberOfEmployees\nJob One,1\nJob Two,2\n');
    const load = await rxforce(['load', 'insert', 'Account', file, ...login]);
    const jobId = /bulk job (750\w+)/.exec(load.stderr)![1]!;
    const status = await rxforce(['job', 'status', jobId, ...login]);
    expect(status.stdout).toBe(`bulk job ${jobId} (insert Account): JobComplete — 2 processed, 0 failed\n`);
    const dir = join(scratch.dir, 'job-results');
    const results = await rxforce(['job', 'results', jobId, '--results', dir, ...login]);
    expect(results.code).withContext(results.stderr).toBe(0);
    const ok = parse(readFileSync(join(dir, 'successful.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(ok.map(r => r.Name).sort()).toEqual(['Job One', 'Job Two']);
    expect(ok.every(r => /^001/.test(r.sf__Id!))).toBeTrue();
    const abort = await rxforce(['job', 'abort', jobId, ...login]);
    expect(abort.code).toBe(1);
    expect(abort.stderr).toBe(`rxforce: bulk job ${jobId} is already JobComplete: nothing to abort\n`);
    const nope = await rxforce(['job', 'status', 'nope', ...login]);
    expect(nope.code).toBe(2);

    const ids = join(scratch.dir, 'ids.csv');
    writeFileSync(ids, `Id\n${ok.map(r => r.sf__Id).join('\n')}\n`);
    const hard = await rxforce(['load', 'hardDelete', 'Account', ids, ...login]);
    expect(hard.code).withContext(hard.stderr).toBe(0);
    expect(hard.stderr).toContain('Account hardDelete: 2 rows — 2 successful, 0 failed, 0 unprocessed');
    const all = await rxforce(['query', "SELECT Id FROM Account WHERE Name LIKE 'Job %'", '--all', '--format', 'csv', ...login]);
    expect(all.stdout).toBe('Id\n');
    const rest = await rxforce(['load', 'hardDelete', 'Account', ids, '--rest', ...login]);
    expect(rest.code).toBe(2);
    expect(rest.stderr).toMatch(/^rxforce: --rest: hardDelete runs through Bulk API 2\.0 only/);
  });

  it('rxforce emulator --demo-data starts with the demo org loaded and prints the default credentials', async () => {
    const child = spawn(process.execPath, [...ENTRY, 'emulator', '--port', '0', '--demo-data'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.on('data', d => { out += String(d); });
      await new Promise<void>((done, fail) => {
        child.stdout.on('data', () => { if (/demo data: .*\n/.test(out)) done(); });
        child.once('exit', code => fail(new Error(`emulator exited with ${code}: ${out}`)));
      });
      const lines = out.split('\n');
      const url = /^rxforce emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(lines[0]!)![1]!;
      expect(lines[1]).toBe('  username admin@rxforce.local · password rxforce · security token rxforce-token');
      expect(lines[2]).toBe('  consumer key rxforce-local-key · consumer secret rxforce-local-secret');
      expect(lines[3]).toMatch(/^ {2}demo data: 400 Account, 1200 Contact, \d+ Opportunity$/);
      const env = { SF_LOGIN_URL: url, SF_USERNAME: 'admin@rxforce.local', SF_PASSWORD: 'rxforce', SF_CLIENT_ID: 'rxforce-local-key',
        SF_CLIENT_SECRET: 'rxforce-local-secret' };
      const count = await rxforce(['query', 'SELECT COUNT() FROM Contact', '--format', 'csv'], env);
      expect(count.stdout).toBe('count\n1200\n');
    } finally {
      child.kill('SIGINT');
      if (child.exitCode === null) await once(child, 'exit');
    }
  }, 120_000);
});
