import { compileQuery, type QueryOptions } from '../../../src/emulator/soql/engine.js';
import { SfHttpError, type StoredRecord } from '../../../src/emulator/types.js';
import { ids, NOW, seed, type Seeded } from './fixture.js';

describe('SOQL engine', () => {
  let s: Seeded;
  let live: StoredRecord[];
  const run = (soql: string, opts: QueryOptions = {}) => {
    const r = compileQuery(s.store, soql, { now: NOW, ...opts }).execute();
    return { totalSize: r.totalSize, records: r.page(0, 1_000_000) };
  };
  const expectError = (soql: string, status: number, code: string, text: string) => {
    let caught: unknown;
    try { run(soql); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(SfHttpError);
    const e = caught as SfHttpError;
    expect([e.status, e.errorCode]).toEqual([status, code]);
    expect(e.message).toContain(text);
    return e;
  };

  beforeAll(() => {
    s = seed(10_000);
    live = s.accounts.filter(a => !a.IsDeleted);
  });

  describe('select list', () => {
    it('returns fields in SELECT order, canonical case, with attributes first', () => {
      const { records } = run(`select name, ID, industry from account where external_id__c = 'EXT-3'`);
      expect(records.length).toBe(1);
      expect(Object.keys(records[0]!)).toEqual(['attributes', 'Name', 'Id', 'Industry']);
      expect(records[0]!.attributes).toEqual({ type: 'Account', url: `/services/data/v62.0/sobjects/Account/${s.accounts[3]!.Id}` });
    });

    it('nests parents several levels deep, null when the lookup is empty', () => {
      const { records } = run(`SELECT Id, Parent.Name, Parent.Owner.Name, Owner.Name FROM Account WHERE External_Id__c IN ('EXT-20', 'EXT-21')`);
      const byId = new Map(records.map(r => [r.Id, r]));
      const withParent = byId.get(s.accounts[20]!.Id)!;
      expect(withParent.Parent).toEqual({
        attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${s.accounts[10]!.Id}` },
        Name: 'Account 00010',
        Owner: { attributes: { type: 'User', url: `/services/data/v62.0/sobjects/User/${s.users[1]!.Id}` }, Name: 'Test User1' },
      });
      expect(byId.get(s.accounts[21]!.Id)!.Parent).toBeNull();
      expect((byId.get(s.accounts[21]!.Id)!.Owner as { Name: string }).Name).toBe('Test User0');
    });

    it('resolves polymorphic What to the record actual type', () => {
      const { records } = run(`SELECT Subject, What.Name FROM Task WHERE Subject = 'Task 5'`);
      expect(records[0]!.What).toEqual({
        attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${s.accounts[5]!.Id}` }, Name: 'Account 00005',
      });
    });

    it('returns child subqueries as nested results, null when empty, honouring WHERE and deleted rows', () => {
      const { records } = run(`SELECT Id, (SELECT LastName FROM Contacts WHERE LastName != 'Last0' ORDER BY LastName) FROM Account WHERE External_Id__c IN ('EXT-8', 'EXT-12', 'EXT-13')`);
      const byId = new Map(records.map(r => [r.Id, r]));
      // EXT-8 has contacts Last0 and Last1 (deleted): nothing left after the filter.
      expect(byId.get(s.accounts[8]!.Id)!.Contacts).toBeNull();
      expect(byId.get(s.accounts[12]!.Id)!.Contacts).toBeNull();
      const expected = s.contacts.filter(c => c.AccountId === s.accounts[13]!.Id);
      expect(expected.length).toBe(0);
      const many = run(`SELECT Id, (SELECT Id FROM Contacts) FROM Account WHERE External_Id__c = 'EXT-0'`).records[0]!;
      const kids = many.Contacts as { totalSize: number; done: boolean; records: unknown[] };
      const want = s.contacts.filter(c => c.AccountId === s.accounts[0]!.Id && !c.IsDeleted);
      expect(kids.totalSize).toBe(want.length);
      expect(kids.done).toBeTrue();
      expect(ids(kids.records as StoredRecord[])).toEqual(ids(want));
    });

    it('expands FIELDS(STANDARD) and refuses FIELDS(ALL) without a LIMIT of at most 200', () => {
      const { records } = run(`SELECT FIELDS(STANDARD) FROM Account WHERE External_Id__c = 'EXT-1'`);
      expect(Object.keys(records[0]!)).toContain('Industry');
      expect(Object.keys(records[0]!)).not.toContain('Tags__c');
      expectError(`SELECT FIELDS(ALL) FROM Account`, 400, 'MALFORMED_QUERY', 'LIMIT');
      expect(Object.keys(run(`SELECT FIELDS(CUSTOM) FROM Account LIMIT 1`).records[0]!)).toContain('Tags__c');
    });
  });

  describe('WHERE', () => {
    const cases: Array<[string, (a: StoredRecord) => boolean]> = [
      [`Industry = 'banking'`, a => a.Industry === 'Banking'],
      [`Industry != 'Banking'`, a => a.Industry !== 'Banking'],
      [`Industry <> 'Banking'`, a => a.Industry !== 'Banking'],
      [`Industry = null`, a => a.Industry === null],
      [`AnnualRevenue != null`, a => a.AnnualRevenue !== null],
      [`AnnualRevenue > 20000`, a => a.AnnualRevenue !== null && (a.AnnualRevenue as number) > 20000],
      [`AnnualRevenue >= 20000 AND AnnualRevenue <= 30000`, a => a.AnnualRevenue !== null && (a.AnnualRevenue as number) >= 20000 && (a.AnnualRevenue as number) <= 30000],
      [`NumberOfEmployees < 10`, a => (a.NumberOfEmployees as number) < 10],
      [`Score__c = 1.25`, a => a.Score__c === 1.25],
      [`Industry IN ('Energy', 'Retail')`, a => a.Industry === 'Energy' || a.Industry === 'Retail'],
      [`Industry NOT IN ('Energy', 'Retail')`, a => a.Industry !== 'Energy' && a.Industry !== 'Retail'],
      [`Name LIKE 'account 0001%'`, a => /^Account 0001/.test(a.Name as string)],
      [`Name LIKE 'Account 0_00_'`, a => /^Account 0.00.$/.test(a.Name as string)],
      [`Name LIKE 'acme\\_1%\\%'`, a => /^Acme_1.*%$/.test(a.Name as string)],
      [`(Industry = 'Energy' OR Industry = 'Retail') AND NumberOfEmployees > 100`, a => (a.Industry === 'Energy' || a.Industry === 'Retail') && (a.NumberOfEmployees as number) > 100],
      [`Industry = 'Energy' OR (NumberOfEmployees > 290 AND NOT Industry = 'Banking')`, a => a.Industry === 'Energy' || ((a.NumberOfEmployees as number) > 290 && a.Industry !== 'Banking')],
      [`NOT (Industry = 'Energy' OR Industry = null)`, a => !(a.Industry === 'Energy' || a.Industry === null)],
      [`Tags__c INCLUDES ('a;b', 'c')`, a => { const t = String(a.Tags__c ?? '').split(';'); return (t.includes('a') && t.includes('b')) || t.includes('c'); }],
      [`Tags__c EXCLUDES ('a')`, a => !String(a.Tags__c ?? '').split(';').includes('a')],
      [`Tags__c = 'b;a'`, a => a.Tags__c === 'a;b'],
      [`Owner.Name = 'Test User2'`, a => a.OwnerId === s.users[2]!.Id],
      [`Parent.Industry = 'Banking'`, a => a.ParentId !== null && s.store.get(a.ParentId as string)?.Industry === 'Banking'],
      [`Id IN (SELECT AccountId FROM Contact WHERE LastName = 'Last2')`, a => s.contacts.some(c => !c.IsDeleted && c.AccountId === a.Id && c.LastName === 'Last2')],
      [`Id NOT IN (SELECT AccountId FROM Contact)`, a => !s.contacts.some(c => !c.IsDeleted && c.AccountId === a.Id)],
      [`CALENDAR_MONTH(CreatedDate) = 5`, a => new Date(String(a.CreatedDate).replace('+0000', 'Z')).getUTCMonth() === 4],
    ];
    for (const [where, filter] of cases) {
      it(`filters ${where}`, () => {
        const { records, totalSize } = run(`SELECT Id FROM Account WHERE ${where}`);
        const want = live.filter(filter);
        expect(totalSize).toBe(want.length);
        expect(ids(records)).toEqual(ids(want));
      });
    }

    it('decodes string escapes', () => {
      const rec = s.store.internalInsert('Account', { Name: `O'Brien \\ "x"\n\tA` });
      const { records } = run(`SELECT Id FROM Account WHERE Name = 'O\\'Brien \\\\ \\"x\\"\\n\\t\\u0041'`);
      expect(ids(records)).toEqual([rec.Id]);
      expect(ids(run(`SELECT Id FROM Account WHERE Name = 'O\\'Brien \\\\ \\"x\\"\\N\\T\\u0041'`).records)).toEqual([rec.Id]);
      expectError(`SELECT Id FROM Account WHERE Name = 'a\\qb'`, 400, 'MALFORMED_QUERY', "Illegal character sequence '\\q'");
      s.store.delete(rec.Id, { hard: true });
    });

    it('matches 15-character ids and looks ids up without scanning', () => {
      const id = s.accounts[42]!.Id;
      const scan = spyOn(s.store, 'scan').and.callThrough();
      const { records } = run(`SELECT Id FROM Account WHERE Id = '${id.slice(0, 15)}'`);
      expect(ids(records)).toEqual([id]);
      expect(run(`SELECT Id FROM Account WHERE External_Id__c = 'ext-42'`).records[0]!.Id).toBe(id);
      expect(scan).not.toHaveBeenCalled();
    });

    it('answers selective queries on 100,000 accounts from indexes, and full scans with the right rows', () => {
      const big = seed(100_000);
      const target = big.accounts[77_777]!;
      const scan = spyOn(big.store, 'scan').and.callThrough();
      const one = (soql: string) => compileQuery(big.store, soql, { now: NOW }).execute().page(0, 10).map(r => r.Id);
      // Id (15 or 18 characters), external id and unique-field equality and IN never read the table
      expect(one(`SELECT Id FROM Account WHERE Id = '${target.Id.slice(0, 15)}'`)).toEqual([target.Id]);
      expect(one(`SELECT Id FROM Account WHERE External_Id__c = 'EXT-77777' AND Industry = '${target.Industry}'`)).toEqual([target.Id]);
      expect(one(`SELECT Id FROM Account WHERE External_Id__c IN ('EXT-77777', 'EXT-99998', 'nope')`).sort())
        .toEqual([target.Id, big.accounts[99_998]!.Id].sort());
      expect(scan).not.toHaveBeenCalled();
      const r = compileQuery(big.store, `SELECT Id, Name FROM Account WHERE Industry = 'Energy' AND NumberOfEmployees > 150`, { now: NOW }).execute();
      expect(scan).toHaveBeenCalledTimes(1);
      expect(r.totalSize).toBe(big.accounts.filter(a => !a.IsDeleted && a.Industry === 'Energy' && (a.NumberOfEmployees as number) > 150).length);
    });
  });

  describe('date literals', () => {
    const day = (iso: string) => Date.parse(iso);
    const created = (a: StoredRecord) => Date.parse(String(a.CreatedDate).replace('+0000', 'Z'));
    const cases: Array<[string, number, number]> = [
      ['TODAY', day('2024-05-15T00:00:00Z'), day('2024-05-16T00:00:00Z')],
      ['YESTERDAY', day('2024-05-14T00:00:00Z'), day('2024-05-15T00:00:00Z')],
      ['THIS_WEEK', day('2024-05-12T00:00:00Z'), day('2024-05-19T00:00:00Z')],
      ['LAST_WEEK', day('2024-05-05T00:00:00Z'), day('2024-05-12T00:00:00Z')],
      ['THIS_MONTH', day('2024-05-01T00:00:00Z'), day('2024-06-01T00:00:00Z')],
      ['LAST_MONTH', day('2024-04-01T00:00:00Z'), day('2024-05-01T00:00:00Z')],
      ['THIS_QUARTER', day('2024-04-01T00:00:00Z'), day('2024-07-01T00:00:00Z')],
      ['LAST_QUARTER', day('2024-01-01T00:00:00Z'), day('2024-04-01T00:00:00Z')],
      ['THIS_YEAR', day('2024-01-01T00:00:00Z'), day('2025-01-01T00:00:00Z')],
      ['LAST_YEAR', day('2023-01-01T00:00:00Z'), day('2024-01-01T00:00:00Z')],
      ['LAST_N_DAYS:10', day('2024-05-05T00:00:00Z'), day('2024-05-16T00:00:00Z')],
      ['N_DAYS_AGO:3', day('2024-05-12T00:00:00Z'), day('2024-05-13T00:00:00Z')],
      ['LAST_N_MONTHS:2', day('2024-03-01T00:00:00Z'), day('2024-05-01T00:00:00Z')],
    ];
    for (const [literal, start, end] of cases) {
      it(`compares CreatedDate with ${literal} as a UTC range`, () => {
        const inRange = (a: StoredRecord) => created(a) >= start && created(a) < end;
        expect(ids(run(`SELECT Id FROM Account WHERE CreatedDate = ${literal}`).records)).toEqual(ids(live.filter(inRange)));
        expect(run(`SELECT Id FROM Account WHERE CreatedDate < ${literal}`).totalSize).toBe(live.filter(a => created(a) < start).length);
        expect(run(`SELECT Id FROM Account WHERE CreatedDate > ${literal}`).totalSize).toBe(live.filter(a => created(a) >= end).length);
      });
    }

    it('compares date fields and typed date/datetime literals', () => {
      expect(ids(run(`SELECT Id FROM Account WHERE Founded__c = 2024-05-10`).records))
        .toEqual(ids(live.filter(a => a.Founded__c === '2024-05-10')));
      expect(run(`SELECT Id FROM Account WHERE CreatedDate >= 2024-05-15T00:00:00Z`).totalSize)
        .toBe(live.filter(a => created(a) >= day('2024-05-15T00:00:00Z')).length);
      expect(run(`SELECT Id FROM Account WHERE CreatedDate >= 2024-05-15T02:00:00.000+0200`).totalSize)
        .toBe(live.filter(a => created(a) >= day('2024-05-15T00:00:00Z')).length);
      expect(ids(run(`SELECT Id FROM Account WHERE Founded__c = NEXT_N_DAYS:5`).records)).toEqual([]);
    });
  });

  describe('ORDER BY, LIMIT, OFFSET', () => {
    it('sorts on several keys with nulls first by default and NULLS LAST on demand', () => {
      const { records } = run(`SELECT Id, Industry, NumberOfEmployees FROM Account ORDER BY Industry DESC, NumberOfEmployees ASC, Id LIMIT 3000`);
      const key = (r: Record<string, unknown>) => [r.Industry, r.NumberOfEmployees];
      expect(records[0]!.Industry).toBeNull();
      const nonNull = records.filter(r => r.Industry !== null).map(key);
      for (let i = 1; i < nonNull.length; i++) {
        const [a, b] = [nonNull[i - 1]!, nonNull[i]!];
        expect(a[0]! >= b[0]! && (a[0] !== b[0] || (a[1] as number) <= (b[1] as number))).withContext(`row ${i}`).toBeTrue();
      }
      const last = run(`SELECT Industry FROM Account ORDER BY Industry ASC NULLS LAST`).records;
      expect(last[0]!.Industry).toBe('Banking');
      expect(last[last.length - 1]!.Industry).toBeNull();
    });

    it('applies OFFSET then LIMIT, and refuses OFFSET above 2,000', () => {
      const all = run(`SELECT Id FROM Account ORDER BY Name`).records;
      const page = run(`SELECT Id FROM Account ORDER BY Name LIMIT 5 OFFSET 10`);
      expect(page.records.map(r => r.Id)).toEqual(all.slice(10, 15).map(r => r.Id));
      expect(page.totalSize).toBe(5);
      expectError(`SELECT Id FROM Account LIMIT 5 OFFSET 2001`, 400, 'NUMBER_OUTSIDE_VALID_RANGE', 'Maximum SOQL offset allowed is 2000');
    });
  });

  describe('aggregates', () => {
    it('answers COUNT() with totalSize only', () => {
      expect(run(`SELECT COUNT() FROM Account WHERE Industry = 'Energy'`))
        .toEqual({ totalSize: live.filter(a => a.Industry === 'Energy').length, records: [] });
    });

    it('groups with COUNT, COUNT_DISTINCT, SUM, AVG, MIN, MAX, aliases and exprN names, HAVING and ORDER BY', () => {
      const { records } = run(`SELECT Industry, COUNT(Id), COUNT_DISTINCT(OwnerId) owners, SUM(AnnualRevenue), AVG(NumberOfEmployees) avgEmp, MIN(Name), MAX(CreatedDate) FROM Account WHERE Industry != null GROUP BY Industry HAVING COUNT(Id) > 10 ORDER BY Industry`);
      const industries = ['Banking', 'Energy', 'Retail', 'Technology'];
      expect(records.map(r => r.Industry)).toEqual(industries);
      for (const r of records) {
        const rows = live.filter(a => a.Industry === r.Industry);
        expect(Object.keys(r)).toEqual(['attributes', 'Industry', 'expr0', 'owners', 'expr1', 'avgEmp', 'expr2', 'expr3']);
        expect(r.attributes).toEqual({ type: 'AggregateResult' });
        expect(r.expr0).toBe(rows.length);
        expect(r.owners).toBe(3);
        expect(r.expr1).toBe(rows.reduce((n, a) => n + ((a.AnnualRevenue as number | null) ?? 0), 0));
        expect(r.avgEmp).toBeCloseTo(rows.reduce((n, a) => n + (a.NumberOfEmployees as number), 0) / rows.length, 6);
        expect(r.expr2).toBe(rows.map(a => a.Name as string).sort((x, y) => x.toLowerCase() < y.toLowerCase() ? -1 : 1)[0]!);
        expect(r.expr3).toBe(rows.map(a => a.CreatedDate as string).sort().pop()!);
      }
      expect(run(`SELECT Industry FROM Account GROUP BY Industry HAVING COUNT(Id) > 100000`).records).toEqual([]);
    });

    it('aggregates without GROUP BY into one row and refuses ungrouped fields', () => {
      expect(run(`SELECT COUNT(Id) n FROM Account`).records).toEqual([{ attributes: { type: 'AggregateResult' }, n: live.length }]);
      expectError(`SELECT Name, COUNT(Id) FROM Account GROUP BY Industry`, 400, 'MALFORMED_QUERY', 'Field must be grouped or aggregated: Name');
    });
  });

  it('includes deleted rows only for queryAll', () => {
    const deleted = s.accounts.filter(a => a.IsDeleted);
    expect(run(`SELECT COUNT() FROM Account WHERE IsDeleted = true`).totalSize).toBe(0);
    const all = run(`SELECT Id, IsDeleted FROM Account WHERE IsDeleted = true`, { includeDeleted: true });
    expect(ids(all.records)).toEqual(ids(deleted));
    expect(run(`SELECT Id FROM Account WHERE Id = '${deleted[0]!.Id}'`, { includeDeleted: true }).totalSize).toBe(1);
    expect(run(`SELECT Id FROM Account WHERE Id = '${deleted[0]!.Id}'`).totalSize).toBe(0);
  });

  describe('errors', () => {
    it('names an unknown column with the row/column message', () => {
      const e = expectError('SELECT Id, FullName FROM Account', 400, 'INVALID_FIELD', "No such column 'FullName' on entity 'Account'");
      expect(e.message).toBe("\nSELECT Id, FullName FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'FullName' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.");
    });

    it('refuses unknown objects, relationships and syntax', () => {
      expectError('SELECT Id FROM Foo', 400, 'INVALID_TYPE', "sObject type 'Foo' is not supported.");
      expectError('SELECT Id, Nope.Name FROM Contact', 400, 'INVALID_FIELD', "Didn't understand relationship 'Nope'");
      expectError('SELECT Id, (SELECT Id FROM Nopes) FROM Account', 400, 'INVALID_TYPE', "Didn't understand relationship 'Nopes'");
      expectError('SELECT Id, FROM Account', 400, 'MALFORMED_QUERY', 'ERROR at Row:1:Column:12');
      expectError(`SELECT Id FROM Account WHERE Name = 'a' AND Industry = 'b' OR Industry = 'c'`, 400, 'MALFORMED_QUERY', "unexpected token: 'OR'");
      expectError(`SELECT Id FROM Account WHERE NumberOfEmployees = '5'`, 400, 'INVALID_FIELD', 'must be of type double');
      expectError(`SELECT Id FROM Account WHERE Id = 'nope'`, 400, 'INVALID_QUERY_FILTER_OPERATOR', 'invalid ID field: nope');
    });
  });

  describe('compileQuery for bulk', () => {
    it('streams flat rows in SELECT order with parent columns', () => {
      const q = compileQuery(s.store, `SELECT Id, Owner.Name, Name, Parent.Name FROM Account WHERE External_Id__c = 'EXT-20'`);
      expect(q.columns).toEqual(['Id', 'Owner.Name', 'Name', 'Parent.Name']);
      expect(q.streaming).toBeTrue();
      expect([...q.rows()]).toEqual([[s.accounts[20]!.Id, 'Test User2', 'Account 00020', 'Account 00010']]);
    });

    it('iterates lazily without materialising the scan', () => {
      const q = compileQuery(s.store, `SELECT Id FROM Account`);
      const it = q.rows()[Symbol.iterator]();
      expect(it.next().value).toEqual([s.accounts[0]!.Id]);
      const agg = compileQuery(s.store, `SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry`);
      expect(agg.columns).toEqual(['Industry', 'expr0']);
      expect(agg.streaming).toBeFalse();
    });
  });
});
