import { isQueryValid } from '@jetstreamapp/soql-parser-js';
import { ValidationError } from '../../src/client/errors.js';
import {
  and, avg, count, countDistinct, dateFunction, dateLiteral, dateOnly, max, min, not, or, raw, select, sum,
} from '../../src/soql/index.js';
import { Account, Contact, ID_A } from '../model/fixtures/models.js';

const valid = (soql: string) => {
  expect(isQueryValid(soql)).withContext(soql).toBe(true);
  return soql;
};

describe('select()', () => {
  it('selects every model field by default', () => {
    expect(valid(select(Contact).toSoql())).toBe('SELECT Id, LastName, Email, AccountId FROM Contact');
    expect(select(Contact).model).toBe(Contact);
    expect(select(Contact).sobject).toBe('Contact');
  });

  it('selects listed fields, including parent paths, by model or by name', () => {
    expect(valid(select(Contact).fields('Id', 'Account.Name', 'Account.Owner.Email').toSoql()))
      .toBe('SELECT Id, Account.Name, Account.Owner.Email FROM Contact');
    expect(String(select('Lead').fields('Id', 'Company'))).toBe('SELECT Id, Company FROM Lead');
  });

  it('is immutable: each call returns a new builder', () => {
    const base = select(Contact).fields('Id');
    const a = base.where({ LastName: 'A' });
    const b = base.limit(1);
    expect(base.toSoql()).toBe('SELECT Id FROM Contact');
    expect(a.toSoql()).toBe("SELECT Id FROM Contact WHERE LastName = 'A'");
    expect(b.toSoql()).toBe('SELECT Id FROM Contact LIMIT 1');
  });

  it('renders every comparison operator', () => {
    const q = select(Account).fields('Id').where({
      Name: { ne: 'x' }, AnnualRevenue: { gt: 1e6, lte: 5e6 }, NumberOfEmployees: { gte: 10, lt: 20 },
      Industry: { in: ['Technology', 'Energy'] }, Id: { nin: [ID_A] }, Tags__c: { includes: ['a;b', 'c'], excludes: ['b'] },
      Rating: null, Website: { like: 'https://%' }, Phone: { endsWith: '00' }, Email__c: { contains: '@' },
    });
    expect(valid(q.toSoql())).toBe('SELECT Id FROM Account WHERE Name != \'x\' AND AnnualRevenue > 1000000 AND ' +
      'AnnualRevenue <= 5000000 AND NumberOfEmployees >= 10 AND NumberOfEmployees < 20 AND ' +
      "Industry IN ('Technology', 'Energy') AND Id NOT IN ('001000000000001AAA') AND Tags__c INCLUDES ('a;b', 'c') AND " +
      "Tags__c EXCLUDES ('b') AND Rating = null AND Website LIKE 'https://%' AND Phone LIKE '%00' AND Email__c LIKE '%@%'");
  });

  it('combines with and / or / not, parenthesizing as needed; where() calls are ANDed', () => {
    const q = select(Contact).fields('Id')
      .where(or({ LastName: 'A' }, and({ LastName: 'B' }, not({ Email: null }))))
      .where({ AccountId: ID_A });
    expect(valid(q.toSoql())).toBe("SELECT Id FROM Contact WHERE (LastName = 'A' OR (LastName = 'B' AND NOT (Email = null))) " +
      "AND AccountId = '001000000000001AAA'");
  });

  it('binds raw() parameters as literals, lists for arrays, leaving quoted text alone', () => {
    const q = select(Account).fields('Id').where(raw("AnnualRevenue > :min AND Name = :n AND Id IN :ids AND Description != ':n'", {
      min: 5, n: "x'y", ids: [ID_A],
    }));
    expect(valid(q.toSoql())).toBe("SELECT Id FROM Account WHERE AnnualRevenue > 5 AND Name = 'x\\'y' AND " +
      "Id IN ('001000000000001AAA') AND Description != ':n'");
    expect(() => select('Account').fields('Id').where(raw('Name = :missing')).toSoql()).toThrowError(ValidationError, /:missing/);
    expect(() => select('Account').fields('Id').where(raw('Name = :a', { a: 1, b: 2 })).toSoql()).toThrowError(ValidationError, /never used: b/);
  });

  it('renders date literals, date-only values and datetimes', () => {
    const q = select(Account).fields('Id').where({
      Founded__c: { gte: dateLiteral('LAST_N_DAYS', 30), lt: '2024-03-01' },
      LastSeen__c: { lt: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), gt: dateLiteral('THIS_QUARTER') },
      CreatedDate: { gte: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 250)) },
    });
    expect(valid(q.toSoql())).toBe('SELECT Id FROM Account WHERE Founded__c >= LAST_N_DAYS:30 AND Founded__c < 2024-03-01 AND ' +
      'LastSeen__c < 2024-01-02T03:04:05Z AND LastSeen__c > THIS_QUARTER AND CreatedDate >= 2024-01-02T03:04:05.250Z');
    expect(select('Account').fields('Id').where({ CloseDate: dateOnly('2024-02-29') }).toSoql())
      .toBe('SELECT Id FROM Account WHERE CloseDate = 2024-02-29');
    expect(() => dateLiteral('LAST_N_DAYS' as never)).toThrowError(ValidationError);
    expect(() => dateOnly('2023-02-29')).toThrowError(ValidationError, /malformed date/);
  });

  it('orders, limits and offsets', () => {
    const q = select(Contact).fields('Id').orderBy('LastName', 'desc', 'nullsLast').orderBy('Email').limit(10).offset(20);
    expect(valid(q.toSoql())).toBe('SELECT Id FROM Contact ORDER BY LastName DESC NULLS LAST, Email ASC LIMIT 10 OFFSET 20');
    expect(() => select(Contact).offset(2001)).toThrowError(ValidationError, /OFFSET/);
    expect(() => select(Contact).limit(-1)).toThrowError(ValidationError, /LIMIT/);
  });

  it('counts', () => {
    const q = select(Contact).where({ LastName: 'Doe' }).orderBy('LastName').count();
    expect(q.isCount).toBe(true);
    expect(valid(q.toSoql())).toBe("SELECT COUNT() FROM Contact WHERE LastName = 'Doe'");
  });

  it('aggregates, groups, filters groups and orders by aggregate', () => {
    const q = select(Account).groupBy('Industry').aggregate({
      total: sum('AnnualRevenue'), n: count(), people: avg('NumberOfEmployees'), earliest: min('CreatedDate'),
      latest: max('CreatedDate'), owners: countDistinct('OwnerId'),
    }).having({ total: { gt: 1000 } }).orderBy('total', 'desc');
    expect(q.isAggregate).toBe(true);
    expect(valid(q.toSoql())).toBe('SELECT Industry, SUM(AnnualRevenue) total, COUNT(Id) n, AVG(NumberOfEmployees) people, ' +
      'MIN(CreatedDate) earliest, MAX(CreatedDate) latest, COUNT_DISTINCT(OwnerId) owners FROM Account GROUP BY Industry ' +
      'HAVING SUM(AnnualRevenue) > 1000 ORDER BY SUM(AnnualRevenue) DESC');
    const byYear = select(Account).groupBy(dateFunction('CALENDAR_YEAR', 'CreatedDate')).aggregate({ n: count() });
    expect(valid(byYear.toSoql())).toBe('SELECT CALENDAR_YEAR(CreatedDate), COUNT(Id) n FROM Account GROUP BY CALENDAR_YEAR(CreatedDate)');
  });

  it('renders child subqueries, checked against the child model when given', () => {
    const q = select(Account).fields('Id', 'Name')
      .subquery('Contacts', Contact, c => c.fields('Id', 'Email').where({ Email: { like: '%@acme.com' } }).orderBy('Email').limit(5));
    expect(valid(q.toSoql())).toBe("SELECT Id, Name, (SELECT Id, Email FROM Contacts WHERE Email LIKE '%@acme.com' " +
      'ORDER BY Email ASC LIMIT 5) FROM Account');
    expect(() => select(Account).subquery('Contacts', Contact, c => c.fields('Nope' as never))).toThrowError(ValidationError, /Nope/);
    expect(() => select(Account).subquery('Contacts', c => c.fields('Id').count()).toSoql()).toThrowError(ValidationError);
  });

  describe('fails before any request', () => {
    const fieldError = (fn: () => unknown, field: string) => {
      expect(fn).toThrowMatching(e => e instanceof ValidationError && e.field === field && e.sobject !== undefined);
    };
    it('on unknown fields and relationships of the model', () => {
      fieldError(() => select(Contact).fields('Shoe_Size__c' as never), 'Shoe_Size__c');
      fieldError(() => select(Contact).where({ Shoe_Size__c: 1 } as never), 'Shoe_Size__c');
      fieldError(() => select(Contact).fields('Owner.Name'), 'Owner.Name');
      fieldError(() => select(Contact).orderBy('Nope' as never).toSoql(), 'Nope');
    });
    it('on values of the wrong kind for the field', () => {
      fieldError(() => select(Account).where({ NumberOfEmployees: '5' as never }), 'NumberOfEmployees');
      fieldError(() => select(Account).where({ Id: 'not-an-id' }), 'Id');
      fieldError(() => select(Account).where({ Founded__c: '01/02/2024' }), 'Founded__c');
      fieldError(() => select(Account).where({ Active__c: 'yes' as never }), 'Active__c');
    });
    it('on undefined values, empty lists, unknown operators, NaN', () => {
      fieldError(() => select(Contact).where({ LastName: undefined }), 'LastName');
      fieldError(() => select(Contact).where({ LastName: { in: [] } }), 'LastName');
      fieldError(() => select(Contact).where({ LastName: { regex: '.*' } as never }), 'LastName');
      fieldError(() => select('Contact').where({ Age__c: NaN }), 'Age__c');
      fieldError(() => select('Contact').where({ Tags: ['a'] as never }), 'Tags');
    });
    it('when nothing is selected from an object given by name', () => {
      expect(() => select('Lead').toSoql()).toThrowError(ValidationError, /no fields/);
    });
  });
});
