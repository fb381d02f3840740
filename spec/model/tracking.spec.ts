import { changedFields, markSynced, snapshotOf } from '../../src/model/index.js';
import { Account, ContentVersion, ID_A } from './fixtures/models.js';

const read = () => Account.fromWire({
  attributes: { type: 'Account' }, Id: ID_A, Name: 'Acme', Tags__c: 'a;b', LastSeen__c: '2013-05-20T20:49:32.000Z',
  AnnualRevenue: 10, CreatedDate: '2012-01-02T03:04:05.000+0000', Owner: { Name: 'Ann' },
});

describe('change tracking', () => {
  it('an unchanged record gives {} so the caller can skip the request', () => {
    expect(Account.toWire(read(), 'update', { onlyChanges: true })).toEqual({});
    expect(changedFields(Account, read())).toEqual([]);
  });

  it('one change sends that field (with the Id)', () => {
    const a = read();
    a.Name = 'Acme Corp';
    expect(changedFields(Account, a)).toEqual(['Name']);
    expect(Account.toWire(a, 'update', { onlyChanges: true })).toEqual({ Id: ID_A, Name: 'Acme Corp' });
  });

  it('compares wire values: a new but equal Date or array is not a change', () => {
    const a = read();
    a.LastSeen__c = new Date(Date.UTC(2013, 4, 20, 20, 49, 32));
    a.Tags__c = ['a', 'b'];
    expect(changedFields(Account, a)).toEqual([]);
    a.Tags__c.push('c');
    expect(changedFields(Account, a)).toEqual(['Tags__c']);
  });

  it('undefined is "not set", null is a change that clears', () => {
    const a = read();
    delete a.AnnualRevenue;
    expect(changedFields(Account, a)).toEqual([]);
    a.AnnualRevenue = null;
    expect(Account.toWire(a, 'update', { onlyChanges: true })).toEqual({ Id: ID_A, AnnualRevenue: null });
  });

  it('a record never read has every set field changed', () => {
    expect(changedFields(Account, { Name: 'New' })).toEqual(['Name']);
    expect(Account.toWire({ Id: ID_A, Name: 'New' }, 'update', { onlyChanges: true })).toEqual({ Id: ID_A, Name: 'New' });
  });

  it('markSynced(record, body) merges what was sent; the next save sends nothing', () => {
    const a = read();
    a.Name = 'B';
    const body = Account.toWire(a, 'update', { onlyChanges: true });
    markSynced(a, body);
    expect(Account.toWire(a, 'update', { onlyChanges: true })).toEqual({});
    expect(snapshotOf(a)?.AnnualRevenue).toBe(10);
  });

  it('markSynced(record) takes the whole record as saved, also for a record built locally', () => {
    const a: Record<string, unknown> = { Name: 'Fresh', LastSeen__c: new Date(0) };
    Account.toWire(a as never, 'insert');
    a.Id = ID_A;
    markSynced(a);
    expect(Account.toWire(a as never, 'update', { onlyChanges: true })).toEqual({});
    expect(snapshotOf(a)?.LastSeen__c).toBe('1970-01-01T00:00:00.000+0000');
  });

  it('an unknown field changed by the caller counts as a change', () => {
    const a = read() as Record<string, unknown>;
    expect(changedFields(Account, a)).toEqual([]);
    (a.Owner as Record<string, unknown>).Name = 'Bob';
    expect(changedFields(Account, a)).toEqual(['Owner']);
  });

  it('a Blob is unchanged only while it is the same Blob (its bytes cannot be compared synchronously)', () => {
    const v = { Id: '068000000000001AAA', Title: 't', PathOnClient: 't.txt', VersionData: new Blob(['one']) };
    markSynced(v);
    expect(changedFields(ContentVersion, v)).toEqual([]);
    v.VersionData = new Blob(['two']);
    expect(changedFields(ContentVersion, v)).toEqual(['VersionData']);
  });

  it('frozen records are tracked: one frozen after it was read, and one frozen before it was saved', () => {
    const a = Object.freeze(read());
    expect(changedFields(Account, a)).toEqual([]);
    expect(Account.toWire(a, 'update', { onlyChanges: true })).toEqual({});
    const b = Object.freeze({ Id: ID_A, Name: 'Frozen' });
    markSynced(b);
    expect(Account.toWire(b, 'update', { onlyChanges: true })).toEqual({});
  });

  it('tracking stays out of the record: keys, JSON and deep equality see only fields', () => {
    const a = read() as Record<string, unknown>;
    expect(Object.keys(a)).toEqual(['attributes', 'Id', 'Name', 'Tags__c', 'LastSeen__c', 'AnnualRevenue', 'CreatedDate', 'Owner']);
    const copy = JSON.parse(JSON.stringify(a)) as Record<string, unknown>;
    expect(Object.keys(copy)).toEqual(Object.keys(a));
    expect({ ...a }).toEqual(a);
    expect(changedFields(Account, { ...a })).toContain('Name');
  });
});
