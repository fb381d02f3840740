import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { loginFlags, rxforce, scratchDir } from './support.js';

const TRICKY_CSV = 'Name,Description,External_Id__c\n'
  + '"Comma, Inc.","He said ""hi""\nand left, quickly",T-1\n'
  + 'Zoë Ünïcode 日本,tab\there; emoji 🎉,T-2\n'
  + 'Plain,,T-3\n';

/** A refusal is one line on stderr. */
const res1Line = (r: { stderr: string }) => r.stderr.trim().split('\n').length === 1;

describe('rxforce load', () => {
  let emu: Emulator;
  let login: string[];
  const tmp = scratchDir();

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, seed: 3 });
    login = loginFlags(emu);
  });
  afterAll(async () => {
    await emu.stop();
    tmp.remove();
  });


  it('loads a CSV with quotes, commas, newlines and unicode that queries back byte-exact (bulk)', async () => {
    const file = tmp.path('tricky.csv');
    writeFileSync(file, TRICKY_CSV);
    const load = await rxforce(['load', 'insert', 'Account', file, '--results', tmp.path('tricky-results'), ...login]);
    expect(load.code).withContext(load.stderr).toBe(0);
    expect(load.stderr).toContain('3 rows — 3 successful, 0 failed, 0 unprocessed');

    const out = tmp.path('back.csv');
    const q = await rxforce(['query', "SELECT Name, Description, External_Id__c FROM Account WHERE External_Id__c LIKE 'T-%' ORDER BY External_Id__c",
      '--out', out, ...login]);
    expect(q.code).withContext(q.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(TRICKY_CSV);

    const bulkOut = tmp.path('back-bulk.csv');
    const b = await rxforce(['query', "SELECT Name, Description, External_Id__c FROM Account WHERE External_Id__c LIKE 'T-%'",
      '--bulk', '--out', bulkOut, ...login]);
    expect(b.code).withContext(b.stderr).toBe(0);
    // bulk results come in no particular order: same bytes once sorted by record
    const records = (text: string) => (parse(text) as string[][]).map(r => JSON.stringify(r)).sort();
    const bulkText = readFileSync(bulkOut, 'utf8');
    expect(Buffer.byteLength(bulkText)).toBe(Buffer.byteLength(TRICKY_CSV));
    expect(bulkText.startsWith('Name,Description,External_Id__c\n')).toBeTrue();
    expect(records(bulkText)).toEqual(records(TRICKY_CSV));

    const ok = parse(readFileSync(tmp.path('tricky-results/successful.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(ok.map(r => r.Description)).toEqual(jasmine.arrayWithExactContents(['He said "hi"\nand left, quickly', 'tab\there; emoji 🎉', '']));
    expect(ok.every(r => /^001/.test(r.sf__Id!) && r.sf__Created === 'true')).toBeTrue();
  });

  it('puts every row in exactly one result file and exits 1 when some fail (REST)', async () => {
    const file = tmp.path('dupes.csv');
    writeFileSync(file, 'Name,External_Id__c\nFirst,D-1\nSecond,D-1\nThird,D-2\n');
    const res = await rxforce(['load', 'insert', 'Account', file, '--rest', '--batch-size', '2', '--results', tmp.path('dupes'), ...login]);
    expect(res.code).toBe(1);
    const read = (n: string) => parse(readFileSync(tmp.path(`dupes/${n}.csv`), 'utf8'), { columns: true }) as Record<string, string>[];
    const ok = read('successful');
    const failed = read('failed');
    expect(ok.length + failed.length + read('unprocessed').length).toBe(3);
    expect(failed.length).toBe(1);
    expect(failed[0]!.sf__Error).toMatch(/^DUPLICATE_VALUE:/);
    expect(Object.keys(failed[0]!)).toEqual(['Name', 'External_Id__c', 'sf__Error']);
    expect(Object.keys(ok[0]!)).toEqual(['Name', 'External_Id__c', 'sf__Id', 'sf__Created']);
  });

  it('loads JSON and NDJSON, then updates, upserts and deletes from files', async () => {
    const json = tmp.path('a.json');
    writeFileSync(json, JSON.stringify([{ Name: 'Json One', External_Id__c: 'J-1', NumberOfEmployees: 12 }]));
    const nd = tmp.path('a.ndjson');
    writeFileSync(nd, '{"Name":"Nd One","External_Id__c":"J-2"}\n\n{"Name":"Nd Two","External_Id__c":"J-3"}\n');
    expect((await rxforce(['load', 'insert', 'Account', json, '--rest', ...login])).code).toBe(0);
    expect((await rxforce(['load', 'insert', 'Account', nd, ...login])).code).toBe(0);

    const ids = await rxforce(['query', "SELECT Id, Name FROM Account WHERE External_Id__c IN ('J-1','J-2','J-3') ORDER BY Name", '--format', 'json', ...login]);
    const rows = JSON.parse(ids.stdout) as { Id: string; Name: string }[];
    expect(rows.map(r => r.Name)).toEqual(['Json One', 'Nd One', 'Nd Two']);

    const upd = tmp.path('upd.csv');
    writeFileSync(upd, `Id,Industry\n${rows.map(r => `${r.Id},Energy`).join('\n')}\n`);
    expect((await rxforce(['load', 'update', 'Account', upd, '--rest', ...login])).code).toBe(0);
    const ups = tmp.path('ups.csv');
    writeFileSync(ups, 'External_Id__c,Name\nJ-1,Json Renamed\nJ-9,Json New\n');
    const up = await rxforce(['load', 'upsert', 'Account', ups, '--external-id', 'External_Id__c', '--results', tmp.path('ups'), ...login]);
    expect(up.code).withContext(up.stderr).toBe(0);
    const created = (parse(readFileSync(tmp.path('ups/successful.csv'), 'utf8'), { columns: true }) as Record<string, string>[])
      .map(r => [r.External_Id__c, r.sf__Created]);
    expect(created).toEqual(jasmine.arrayWithExactContents([['J-1', 'false'], ['J-9', 'true']]));

    const after = await rxforce(['query', "SELECT Name, Industry FROM Account WHERE External_Id__c LIKE 'J-%' ORDER BY External_Id__c", '--format', 'ndjson', ...login]);
    expect(after.stdout.trim().split('\n').map(l => JSON.parse(l))).toEqual([
      { Name: 'Json Renamed', Industry: 'Energy' }, { Name: 'Nd One', Industry: 'Energy' },
      { Name: 'Nd Two', Industry: 'Energy' }, { Name: 'Json New', Industry: null }]);

    const del = tmp.path('del.csv');
    writeFileSync(del, `Id\n${rows.map(r => r.Id).join('\n')}\n`);
    expect((await rxforce(['load', 'delete', 'Account', del, ...login])).code).toBe(0);
    const left = await rxforce(['query', "SELECT Name FROM Account WHERE External_Id__c LIKE 'J-%'", '--format', 'csv', ...login]);
    expect(left.stdout).toBe('Name\nJson New\n');
  });

  it('names a row that fails the check by its line, in a JSON array with its element too', async () => {
    const file = tmp.path('lines.json');
    // elements that span lines, a string holding brackets, commas and an escaped quote, and a nested array
    writeFileSync(file, '[\n  {"Name": "Multi",\n   "Description": "[not, an] \\"element\\" {"},\n'
      + '  {"Industry": "Energy"},   {"Name": "Same line", "NumberOfEmployees": "many"},\n\n  {\n    "Name": "Ok"\n  }\n]\n');
    const csv = tmp.path('lines.csv');
    writeFileSync(csv, 'Name,Description\n"Two\nlines",x\n,y\n');
    const ndjson = tmp.path('lines.ndjson');
    writeFileSync(ndjson, '{"Name":"A"}\n\n{"Industry":"Energy"}\n');
    const dry = async (f: string) => (await rxforce(['load', 'insert', 'Account', f, '--dry-run', ...login])).stderr
      .split('\n').filter(l => l.includes('(not sent)'));
    expect(await dry(file)).toEqual([
      `${file}: line 4 (element [1]): REQUIRED_FIELD_MISSING:Required fields are missing: [Name] (not sent)`,
      `${file}: line 4 (element [2]): INVALID_TYPE_ON_FIELD_IN_RECORD:Employees: malformed number: "many":[NumberOfEmployees] (not sent)`,
    ]);
    expect(await dry(csv)).toEqual([`${csv}: line 4: REQUIRED_FIELD_MISSING:Required fields are missing: [Name] (not sent)`]);
    expect(await dry(ndjson)).toEqual([`${ndjson}: line 3: REQUIRED_FIELD_MISSING:Required fields are missing: [Name] (not sent)`]);
  });

  it('draws a progress bar on stderr only when stderr is a terminal', async () => {
    const file = tmp.path('progress.csv');
    writeFileSync(file, `Name\n${Array.from({ length: 450 }, (_, i) => `Progress ${i}`).join('\n')}\n`);
    const tty = await rxforce(['load', 'insert', 'Account', file, '--rest', '--batch-size', '50', ...login], {}, { stderrIsTTY: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toContain('Account insert');
    expect(tty.stderr).toContain('100% | 450/450');
    expect(tty.stderr).toContain('\x1b[');
    expect(tty.stdout).toBe('');

    const piped = await rxforce(['load', 'insert', 'Account', file, '--rest', '--batch-size', '50', ...login]);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('Account insert: 450 rows — 450 successful, 0 failed, 0 unprocessed\n');
  });

  it('prints a table on a terminal and CSV when piped', async () => {
    const file = tmp.path('table.csv');
    writeFileSync(file, 'Name,External_Id__c\nZoë Ünïcode 日本,TBL-1\n');
    expect((await rxforce(['load', 'insert', 'Account', file, ...login])).code).toBe(0);
    const soql = "SELECT Name, External_Id__c FROM Account WHERE External_Id__c = 'TBL-1'";
    const table = await rxforce(['query', soql, ...login], {}, { stdoutIsTTY: true });
    expect(table.stdout.split('\n').slice(0, 3)).toEqual([
      'Name           | External_Id__c', '---------------+---------------', 'Zoë Ünïcode 日本 | TBL-1']);
    expect(table.stdout).toContain('(1 row)');
    expect((await rxforce(['query', soql, ...login])).stdout).toBe('Name,External_Id__c\nZoë Ünïcode 日本,TBL-1\n');
  });

  describe('bad input fails before any request, with exit code 2', () => {
    async function expectRefused(args: string[], message: RegExp): Promise<void> {
      const before = emu.stats.apiRequests;
      const res = await rxforce([...args, ...login]);
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/^rxforce: /);
      expect(res.stderr).toMatch(message);
      expect(res.stderr).not.toContain('    at ');
      // describe calls only (no job, no collections request)
      expect(emu.stats.apiRequests - before).toBeLessThanOrEqual(3);
    }

    it('an unknown column, named', async () => {
      const file = tmp.path('unknown.csv');
      writeFileSync(file, 'Name,Colour__c\nX,red\n');
      await expectRefused(['load', 'insert', 'Account', file], /unknown column "Colour__c"/);
    });

    it('a broken CSV', async () => {
      const file = tmp.path('broken.csv');
      writeFileSync(file, 'Name,Industry\n"unterminated,Energy\n');
      await expectRefused(['load', 'insert', 'Account', file], /broken CSV/);
    });

    it('a header naming a column twice (in any case), with its line and both columns', async () => {
      const file = tmp.path('dup.csv');
      writeFileSync(file, 'Name,Industry,name\nFirst,Energy,Second\n');
      await expectRefused(['load', 'insert', 'Account', file], /dup\.csv:1: duplicate column "name" \(columns 1 and 3\)/);
      expect(res1Line(await rxforce(['load', 'insert', 'Account', file, ...login]))).toBeTrue();
    });

    it('bytes that are not UTF-8, naming the line (never loaded as U+FFFD)', async () => {
      const file = tmp.path('latin1.csv');
      writeFileSync(file, Buffer.concat([Buffer.from('Name\nPlain\nCaf'), Buffer.from([0xe9]), Buffer.from(' Latin-1\nAfter\n')]));
      await expectRefused(['load', 'insert', 'Account', file], /latin1\.csv:3: not UTF-8 \(byte 0xe9 on line 3\)/);
      const json = tmp.path('latin1.ndjson');
      writeFileSync(json, Buffer.concat([Buffer.from('{"Name":"ok"}\n{"Name":"bad '), Buffer.from([0xff]), Buffer.from('"}\n')]));
      await expectRefused(['load', 'insert', 'Account', json], /latin1\.ndjson:2: not UTF-8/);
      expect([...emu.store.scan('Account')].some(a => String(a.Name).includes('\ufffd'))).toBeFalse();
    });

    it('an empty file', async () => {
      const file = tmp.path('empty.csv');
      writeFileSync(file, '');
      await expectRefused(['load', 'insert', 'Account', file], /no (columns|records)/);
    });


    it('upsert without --external-id, and a read-only column', async () => {
      const file = tmp.path('ro.csv');
      writeFileSync(file, 'Name,CreatedDate\nX,2020-01-01T00:00:00.000Z\n');
      await expectRefused(['load', 'upsert', 'Account', file], /--external-id/);
      await expectRefused(['load', 'insert', 'Account', file], /CreatedDate.*not createable/);
    });

    it('a JSON array that is not one of objects, or not JSON: the line of the element or of the error', async () => {
      const file = tmp.path('mixed.json');
      writeFileSync(file, '[\n  {"Name": "A"},\n  {"Name": "B"},\n\n  5\n]\n');
      await expectRefused(['load', 'insert', 'Account', file], /mixed\.json:5: element \[2\] is not a JSON object/);
      const broken = tmp.path('broken.json');
      writeFileSync(broken, '[\n  {"Name": "A"},\n  {"Name": "B",}\n]\n');
      await expectRefused(['load', 'insert', 'Account', broken], /broken\.json:3: invalid JSON/);
    });

    it('an unknown file type and a missing file', async () => {
      await expectRefused(['load', 'insert', 'Account', tmp.path('x.xlsx')], /unknown file type/);
      await expectRefused(['load', 'insert', 'Account', tmp.path('missing.csv')], /no such file/);
    });
  });
});
