import { ValidationError, type DescribeSObjectResult } from '../../src/index.js';
import { hasPlanColumns, isoDatetime, normalizeCsvRowInPlace, normalizeRow, planFields } from '../../src/sync/schema.js';
import { pageSoql } from '../../src/sync/soql.js';

function describeOf(name: string, fields: { name: string; type: string }[]): DescribeSObjectResult {
  return { name, fields } as unknown as DescribeSObjectResult;
}

describe('replication field plan', () => {
  const account = describeOf('Account', [
    { name: 'Id', type: 'id' }, { name: 'Name', type: 'string' }, { name: 'IsDeleted', type: 'boolean' },
    { name: 'BillingAddress', type: 'address' }, { name: 'BillingCity', type: 'string' }, { name: 'Logo__c', type: 'base64' },
    { name: 'AnnualRevenue', type: 'currency' }, { name: 'LastModifiedDate', type: 'datetime' }, { name: 'SystemModstamp', type: 'datetime' },
  ]);

  it('orders by SystemModstamp, else LastModifiedDate, else CreatedDate', () => {
    expect(planFields(account, undefined).watermark).toBe('SystemModstamp');
    const noModstamp = describeOf('Thing__c', [{ name: 'Id', type: 'id' }, { name: 'LastModifiedDate', type: 'datetime' }, { name: 'CreatedDate', type: 'datetime' }]);
    expect(planFields(noModstamp, undefined).watermark).toBe('LastModifiedDate');
    const createdOnly = describeOf('Log__c', [{ name: 'Id', type: 'id' }, { name: 'CreatedDate', type: 'datetime' }]);
    expect(planFields(createdOnly, undefined).watermark).toBe('CreatedDate');
    expect(() => planFields(describeOf('Odd', [{ name: 'Id', type: 'id' }]), undefined)).toThrowError(ValidationError, /cannot be followed/);
  });

  it('mirrors every readable field but compound and base64 ones, Id and the stamp first', () => {
    expect(planFields(account, undefined).fields.map(f => f.name)).toEqual(
      ['Id', 'SystemModstamp', 'Name', 'IsDeleted', 'BillingCity', 'AnnualRevenue', 'LastModifiedDate']);
    expect(planFields(account, ['name']).fields.map(f => f.name)).toEqual(['Id', 'SystemModstamp', 'Name']);
  });

  it('names the object and field it refuses', () => {
    expect(() => planFields(account, ['Nope__c'])).toThrowError(ValidationError, 'Account, field Nope__c: Account has no field Nope__c');
    expect(() => planFields(account, ['BillingAddress'])).toThrowError(ValidationError, /address field, which replication leaves out/);
  });

  it('reads REST and bulk CSV rows to the same values', () => {
    const plan = planFields(account, ['Name', 'AnnualRevenue', 'IsDeleted']);
    const rest = normalizeRow(plan, { Id: '001A', SystemModstamp: '2024-05-01T10:00:00.000+0000', Name: 'Acme', AnnualRevenue: 12.5, IsDeleted: false }, false);
    const csv = normalizeRow(plan, { Id: '001A', SystemModstamp: '2024-05-01T10:00:00.000Z', Name: 'Acme', AnnualRevenue: '12.5', IsDeleted: 'false' }, true);
    expect(csv).toEqual(rest);
    expect(rest.SystemModstamp).toBe('2024-05-01T10:00:00.000Z');
    expect(normalizeRow(plan, { Id: '001A', SystemModstamp: '2024-05-01T10:00:00.000Z', Name: '', AnnualRevenue: '' }, true))
      .toEqual({ Id: '001A', SystemModstamp: '2024-05-01T10:00:00.000Z', Name: null, AnnualRevenue: null, IsDeleted: null });
  });

  it('normalises a bulk row in place when its columns are the plan\'s, and says when they are not', () => {
    const plan = planFields(account, ['Name', 'AnnualRevenue', 'IsDeleted']);
    const cells = () => ({ Id: '001A', SystemModstamp: '2024-05-01T10:00:00.000+0000', Name: '', AnnualRevenue: '12.5', IsDeleted: 'true' });
    const row: Record<string, unknown> = cells();
    expect(hasPlanColumns(plan, row)).toBeTrue();
    const out = normalizeCsvRowInPlace(plan, row);
    expect(out as unknown).toBe(row);
    expect(out).toEqual(normalizeRow(plan, cells(), true));
    expect(out).toEqual({ Id: '001A', SystemModstamp: '2024-05-01T10:00:00.000Z', Name: null, AnnualRevenue: 12.5, IsDeleted: true });
    expect(hasPlanColumns(plan, { ...cells(), Extra__c: 'x' })).toBeFalse();
    expect(hasPlanColumns(plan, { SystemModstamp: '', Id: '001A', Name: '', AnnualRevenue: '', IsDeleted: '' })).toBeFalse();
    expect(() => normalizeCsvRowInPlace(plan, { ...cells(), Id: '' })).toThrowError(TypeError, 'A Account row came without an Id');
  });

  it('reads datetimes with any offset as UTC with milliseconds', () => {
    expect(isoDatetime('2024-05-01T10:00:00.000+0000')).toBe('2024-05-01T10:00:00.000Z');
    expect(isoDatetime('2024-05-01T12:00:00.000+0200')).toBe('2024-05-01T10:00:00.000Z');
    expect(isoDatetime('2024-05-01T10:00:00Z')).toBe('2024-05-01T10:00:00.000Z');
  });

  it('reads a settled slice and the recent rows in one keyset query, or everything from the watermark', () => {
    const plan = planFields(account, ['Name']);
    const at = Date.UTC(2024, 4, 1, 10);
    expect(pageSoql({ plan, from: at, settledTo: at + 5000, recentFrom: at + 50_000, withIsDeleted: false })).toBe(
      'SELECT Id, SystemModstamp, Name FROM Account WHERE ((SystemModstamp >= 2024-05-01T10:00:00Z AND ' +
      'SystemModstamp < 2024-05-01T10:00:05Z) OR SystemModstamp >= 2024-05-01T10:00:50Z) ORDER BY SystemModstamp ASC, Id ASC LIMIT 2000');
    // stretches that touch, or nothing settled yet: one range from the watermark
    expect(pageSoql({ plan, from: at, settledTo: at + 5000, recentFrom: at + 4000, withIsDeleted: false })).toContain('WHERE SystemModstamp >= 2024-05-01T10:00:00Z ORDER');
    expect(pageSoql({ plan, from: at, settledTo: at, recentFrom: at + 4000, withIsDeleted: false })).toContain('WHERE SystemModstamp >= 2024-05-01T10:00:00Z ORDER');
  });

  it('pages with whole-second literals and an Id tie-break, the filter in parentheses', () => {
    const plan = planFields(account, ['Name']);
    const at = Date.UTC(2024, 4, 1, 10);
    expect(pageSoql({ plan, from: at, after: { stamp: at + 1000, id: "001'x" }, where: "Name != 'x'", withIsDeleted: true })).toBe(
      'SELECT Id, SystemModstamp, Name, IsDeleted FROM Account WHERE SystemModstamp >= 2024-05-01T10:00:00Z AND ' +
      "(SystemModstamp > 2024-05-01T10:00:01Z OR (SystemModstamp = 2024-05-01T10:00:01Z AND Id > '001\\'x')) AND (Name != 'x') " +
      'ORDER BY SystemModstamp ASC, Id ASC LIMIT 2000');
  });
});
