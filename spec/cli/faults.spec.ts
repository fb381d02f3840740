import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { rxforce, scratchDir } from './support.js';

type Row = Record<string, string>;

/** The CLI pointed at an emulator through the environment, as a user points it at an org. */
function envFor(emu: Emulator): Record<string, string> {
  const c = emu.credentials;
  return { SF_LOGIN_URL: emu.url, SF_USERNAME: c.username, SF_PASSWORD: c.password, SF_CLIENT_ID: c.consumerKey,
    SF_CLIENT_SECRET: c.consumerSecret };
}

/** Live Account ids by External_Id__c, for markers with this prefix. */
function orgRows(emu: Emulator, prefix: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const row of emu.store.scan('Account')) {
    const key = row.External_Id__c;
    if (typeof key === 'string' && key.startsWith(prefix)) out.set(key, [...(out.get(key) ?? []), row.Id as string]);
  }
  return out;
}

describe('rxforce load against a faulty org', () => {
  const tmp = scratchDir();
  afterAll(() => tmp.remove());

  /** Loads `n` marked rows and checks that every one is in exactly one result file, matching the org. */
  async function loadAndAccount(emu: Emulator, mode: '--bulk' | '--rest', prefix: string, n: number,
    during?: () => void): Promise<{ code: number; stderr: string; files: Record<string, Row[]> }> {
    const file = tmp.path(`${prefix}.csv`);
    writeFileSync(file, `Name,External_Id__c\n${Array.from({ length: n }, (_, i) => `Row ${i},${prefix}${i}`).join('\n')}\n`);
    const dir = tmp.path(`${prefix}-results`);
    const timer = during ? setInterval(during, 2) : undefined;
    const res = await rxforce(['load', 'insert', 'Account', file, mode, '--batch-size', '40', '--results', dir], envFor(emu))
      .finally(() => clearInterval(timer));
    const files: Record<string, Row[]> = {};
    for (const kind of ['successful', 'failed', 'unprocessed']) {
      files[kind] = parse(readFileSync(`${dir}/${kind}.csv`, 'utf8'), { columns: true }) as Row[];
    }
    const where = `${mode} ${prefix}: ${res.stderr}`;
    const markers = Object.values(files).flat().map(r => r.External_Id__c).sort();
    expect(markers).withContext(where).toEqual(Array.from({ length: n }, (_, i) => `${prefix}${i}`).sort());
    expect(res.code).withContext(where).toBe(files.failed!.length + files.unprocessed!.length > 0 ? 1 : 0);
    // one summary line, after the bulk job's id (printed as soon as the job exists)
    expect(res.stderr.trim().split('\n').filter(l => !/^bulk job 750\w+ \(Account insert\)$/.test(l)).length).withContext(where).toBe(1);

    emu.faults.set({ failRate: 0, resetRate: 0, lockRate: 0, dailyApiLimit: 100_000 });
    const org = orgRows(emu, prefix);
    for (const r of files.successful!) expect(org.get(r.External_Id__c!)).withContext(where).toEqual([r.sf__Id!]);
    for (const r of files.unprocessed!) expect(org.has(r.External_Id__c!)).withContext(`${where} unprocessed`).toBeFalse();
    for (const r of files.failed!) {
      // only a row whose answer was lost may be on the org; a refused one must not be
      if (!/^(AMBIGUOUS_REQUEST|UNKNOWN_OUTCOME)/.test(r.sf__Error!)) expect(org.has(r.External_Id__c!)).withContext(`${where} ${r.sf__Error}`).toBeFalse();
      expect(r.sf__Error).withContext(where).not.toBe('');
    }
    return { code: res.code, stderr: res.stderr, files };
  }

  async function withOrg<T>(opts: EmulatorOptions, fn: (emu: Emulator) => Promise<T>): Promise<T> {
    const emu = await startEmulator({ port: 0, ...opts });
    try {
      return await fn(emu);
    } finally {
      await emu.stop();
    }
  }

  const CHAOS = { failRate: 0.08, resetRate: 0.06, lockRate: 0.05 };

  // seeds picked for variety: 5xx on collections calls, dropped creates, a dropped upload, a refused job
  const SEEDS = { '--rest': [5, 8, 9], '--bulk': [4, 6, 8] };

  for (const mode of ['--rest', '--bulk'] as const) {
    it(`puts every row in exactly one result file under 5xx, dropped connections and row locks (${mode})`, async () => {
      const stopped: string[] = [];
      for (const seed of SEEDS[mode]) {
        await withOrg({ seed, ...CHAOS }, async emu => {
          const r = await loadAndAccount(emu, mode, `F${seed}-`, 200);
          if (/stopped/.test(r.stderr)) stopped.push(r.stderr);
        });
      }
      for (const line of stopped) expect(line).toMatch(/^(bulk job 750\w+ \(Account insert\)\n)?rxforce: .*\(Account insert stopped: \d+ successful, \d+ failed, \d+ unprocessed.*; results in /);
    });
  }

  it('writes every row to unprocessed.csv when the org refuses the bulk job (--bulk)', async () => {
    // one API request left today: the describe gets it, the job is refused
    await withOrg({ seed: 3, dailyApiLimit: 1 }, async emu => {
      const r = await loadAndAccount(emu, '--bulk', 'NONE-', 120);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^rxforce: REQUEST_LIMIT_EXCEEDED: .*\(Account insert stopped: 0 successful, 0 failed, 120 unprocessed; results in .*\)\n$/);
      expect(r.files.unprocessed!.length).toBe(120);
    });
  });

  it('writes every refused row to failed.csv with the org\'s error when collections calls are refused (--rest)', async () => {
    await withOrg({ seed: 3, dailyApiLimit: 1 }, async emu => {
      const r = await loadAndAccount(emu, '--rest', 'NONE-', 120);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`Account insert: 120 rows — 0 successful, 120 failed, 0 unprocessed; results in ${tmp.path('NONE--results')}\n`);
      expect(r.files.failed!.every(x => x.sf__Error!.startsWith('REQUEST_LIMIT_EXCEEDED:'))).toBeTrue();
    });
  });

  it('marks rows of a bulk job cut off mid-way as UNKNOWN_OUTCOME with the job id, never as lost', async () => {
    await withOrg({ seed: 2, bulkRecordsPerSecond: 1_000 }, async emu => {
      let cut = false;
      // the daily API limit runs out once the org has started saving the job's rows
      const r = await loadAndAccount(emu, '--bulk', 'CUT-', 300, () => {
        if (!cut && orgRows(emu, 'CUT-').size > 0) { cut = true; emu.faults.set({ dailyApiLimit: 1 }); }
      });
      expect(cut).toBeTrue();
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^bulk job (750\w+) \(Account insert\)\nrxforce: REQUEST_LIMIT_EXCEEDED: .*Account insert stopped: 0 successful, 300 failed, 0 unprocessed, bulk job \1/);
      expect(r.files.failed!.every(x => /^UNKNOWN_OUTCOME:.*see bulk job 750\w+$/.test(x.sf__Error!))).toBeTrue();
    });
  });
});
