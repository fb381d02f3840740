import { checksum, makeId, normalizeId } from '../../../src/emulator/ids.js';
import { Registry } from '../../../src/emulator/schema/registry.js';
import { Store } from '../../../src/emulator/store.js';

describe('emulator store', () => {
  it('makes 18-character ids with the key prefix and a valid checksum', () => {
    const id = makeId('001', 123456);
    expect(id.length).toBe(18);
    expect(id.slice(15)).toBe(checksum(id.slice(0, 15)));
    expect(normalizeId(id.slice(0, 15))).toBe(id);
    expect(normalizeId('001D000000IqhSL')).toBe('001D000000IqhSLIAZ');
    expect(normalizeId('001D000000IqhSLAAA')).toBeUndefined();
    expect(normalizeId('001D00000')).toBeUndefined();
  });

  it('rolls back every change of a failed transaction', () => {
    const store = new Store(new Registry());
    const kept = store.insert('Account', { Name: 'kept', External_Id__c: 'T-1' });
    expect(kept.success).toBeTrue();
    store.transaction(() => {
      store.insert('Account', { Name: 'temp', External_Id__c: 'T-2' });
      store.update('Account', kept.id!, { Name: 'changed', External_Id__c: 'T-3' });
      store.delete(kept.id!);
      return false;
    });
    expect(store.count('Account')).toBe(1);
    expect(store.get(kept.id!)?.Name).toBe('kept');
    expect(store.findBy('Account', 'External_Id__c', 'T-1').length).toBe(1);
    expect(store.findBy('Account', 'External_Id__c', 'T-2').length).toBe(0);
    expect(store.findBy('Account', 'External_Id__c', 'T-3').length).toBe(0);
    expect(() => store.transaction(() => {
      store.insert('Account', { Name: 'thrown' });
      throw new Error('boom');
    })).toThrowError('boom');
    expect(store.count('Account')).toBe(1);
  });

  it('holds 200,000 rows and finds them by external id from the index, never by a scan', () => {
    const store = new Store(new Registry());
    for (let i = 0; i < 200_000; i++) {
      const r = store.insert('Account', { Name: `Row ${i}`, External_Id__c: `E-${i}`, NumberOfEmployees: i });
      if (!r.success) throw new Error(JSON.stringify(r));
    }
    const scan = spyOn(store, 'scan').and.callThrough();
    for (let i = 0; i < 10_000; i++) expect(store.findBy('Account', 'External_Id__c', `e-${i * 13}`).length).toBe(1);
    expect(scan).not.toHaveBeenCalled();
    expect(store.count('Account')).toBe(200_000);
  });

  it('hard delete removes the row, soft delete keeps it for queryAll', () => {
    const store = new Store(new Registry());
    const a = store.insert('Account', { Name: 'a' }).id!;
    const b = store.insert('Account', { Name: 'b' }).id!;
    store.delete(a);
    store.delete(b, { hard: true });
    expect([...store.scan('Account', { includeDeleted: true })].map(r => r.Id)).toEqual([a]);
    expect(store.delete(a)).toEqual({ success: false, id: a, errors: [{ statusCode: 'ENTITY_IS_DELETED',
      message: 'entity is deleted', fields: [] }] });
  });
});
