import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { loginFlags, rxforce, scratchDir } from './support.js';

const exec = promisify(execFile);

describe('rxforce commands', () => {
  let emu: Emulator;
  let login: string[];
  const tmp = scratchDir();

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, seed: 5 });
    login = loginFlags(emu);
  });
  afterAll(async () => {
    await emu.stop();
    tmp.remove();
  });

  it('prints help for the program and every command, exit 0', async () => {
    const top = await rxforce(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['query', 'load', 'describe', 'generate', 'limits', 'emulator', 'demo']) expect(top.stdout).toContain(c);
    for (const c of ['query', 'load', 'describe', 'generate', 'limits', 'demo']) {
      const res = await rxforce([c, '--help']);
      expect(res.code).withContext(c).toBe(0);
      expect(res.stdout).withContext(c).toContain(`rxforce ${c}`);
    }
    expect((await rxforce(['load', '--help'])).stdout).toContain('--external-id');
    expect((await rxforce(['emulator', '--help'])).stdout).toContain('--latency');
  });

  it('rejects unknown commands, flags and bad values with exit 2 and one rxforce: line', async () => {
    for (const args of [['nope'], ['query', 'SELECT Id FROM Account', '--frobnicate'], ['query', 'SELECT Id FROM Account', '--format', 'xml'],
      ['load', 'insert', 'Account', 'a.csv', '--batch-size', 'many'], ['load', 'insert']]) {
      const res = await rxforce(args);
      expect(res.code).withContext(args.join(' ')).toBe(2);
      expect(res.stderr).withContext(args.join(' ')).toMatch(/^rxforce: .* \(see --help\)\n$/);
    }
  });

  it('asks for an org when none is given, from flags or environment', async () => {
    const none = await rxforce(['limits']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--emulator');
    const c = emu.credentials;
    const env = await rxforce(['limits', '--json'], { SF_LOGIN_URL: emu.url, SF_USERNAME: c.username, SF_PASSWORD: c.password,
      SF_CLIENT_ID: c.consumerKey, SF_CLIENT_SECRET: c.consumerSecret });
    expect(env.code).withContext(env.stderr).toBe(0);
    expect(JSON.parse(env.stdout).DailyApiRequests.Max).toBeGreaterThan(0);
  });

  it('reports a failed login in one line without the password', async () => {
    const secret = 'Sup3r-Secret-Pw';
    const args = ['limits', ...login];
    args[args.indexOf('--password') + 1] = secret;
    const res = await rxforce(args);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^rxforce: login failed: /);
    expect(res.stderr.trim().split('\n').length).toBe(1);
    expect(res.stderr).not.toContain(secret);
  });

  it('describes an object as a table and as JSON; an unknown one is an error', async () => {
    const table = await rxforce(['describe', 'Account', ...login]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^External_Id__c\s+string\s+255\s+external id/m);
    const json = await rxforce(['describe', 'Contact', '--json', ...login]);
    expect(JSON.parse(json.stdout).fields.some((f: { name: string }) => f.name === 'AccountId')).toBeTrue();
    const bad = await rxforce(['describe', 'Nope__c', ...login]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('rxforce: unknown sObject Nope__c\n');
  });

  it('generates typed models from describe', async () => {
    const out = tmp.path('models.ts');
    const res = await rxforce(['generate', 'Account', 'Contact', '--out', out, ...login]);
    expect(res.code).toBe(0);
    const src = readFileSync(out, 'utf8');
    expect(src).toContain('defineSObject("Account"');
    expect(src).toContain('defineSObject("Contact"');
    expect(src).toMatch(/External_Id__c: sf\.string\(/);
  });

  it('prints SELECT columns in order, parent fields dotted, aggregates by alias or exprN', async () => {
    await rxforce(['load', 'insert', 'Account', writeCsv(tmp.path('agg.csv'), 'Name,Industry\nA1,Energy\nA2,Energy\n'), '--rest', ...login]);
    const res = await rxforce(['query', "SELECT Industry, COUNT(Id), MAX(Name) top FROM Account WHERE Industry = 'Energy' GROUP BY Industry", ...login]);
    expect(res.stdout).toBe('Industry,expr0,top\nEnergy,2,A2\n');
    const parent = await rxforce(['query', "SELECT LastName, Account.Name FROM Contact WHERE Account.Name = 'A1'", '--format', 'csv', ...login]);
    expect(parent.stdout).toBe('LastName,Account.Name\n');
  });

  it('runs as a child process with real exit codes', async () => {
    // the sources, not dist/: a stale build must not stand in for the code under test (the packed bin is run by
    // spec/package/consumers.spec.ts)
    const entry = ['--import', 'tsx', 'src/cli/main.ts'];
    const help = await exec(process.execPath, [...entry, '--help']);
    expect(help.stdout).toContain('Usage: rxforce');
    const err = await exec(process.execPath, [...entry, 'describe', 'Nope__c', ...login]).catch(e => e as { code: number; stderr: string });
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toBe('rxforce: unknown sObject Nope__c\n');
  }, 120_000);
});

function writeCsv(path: string, text: string): string {
  writeFileSync(path, text);
  return path;
}
