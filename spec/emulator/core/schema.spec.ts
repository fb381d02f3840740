import { Api } from './helpers.js';

describe('emulator custom schema', () => {
  let api: Api;
  beforeAll(async () => {
    api = await Api.start({ schemaFile: {
      objects: [{ name: 'Invoice__c', label: 'Invoice', labelPlural: 'Invoices', keyPrefix: 'a07', fields: [
        { name: 'Amount__c', type: 'currency', precision: 18, scale: 2, required: true },
        { name: 'Account__c', type: 'reference', referenceTo: ['Account'], childRelationshipName: 'Invoices__r' },
        { name: 'Status__c', type: 'picklist', picklistValues: ['Draft', 'Sent'], restrictedPicklist: true },
      ] }],
      fields: { Account: [{ name: 'Tier__c', type: 'picklist', picklistValues: ['Gold', 'Silver'] }] },
    } });
  });
  afterAll(async () => { await api.emu.stop(); });

  it('describes custom objects, their fields and the parent child relationship', async () => {
    const d = (await api.call('GET', '/sobjects/Invoice__c/describe')).json();
    expect(d).toEqual(jasmine.objectContaining({ name: 'Invoice__c', custom: true, keyPrefix: 'a07' }));
    expect(d.fields.find((f: { name: string }) => f.name === 'Account__c'))
      .toEqual(jasmine.objectContaining({ relationshipName: 'Account__r', referenceTo: ['Account'] }));
    expect(d.fields.some((f: { name: string }) => f.name === 'OwnerId')).toBeTrue();
    const account = (await api.call('GET', '/sobjects/Account/describe')).json();
    expect(account.childRelationships).toContain(jasmine.objectContaining({ childSObject: 'Invoice__c',
      relationshipName: 'Invoices__r' }));
    expect(account.fields.some((f: { name: string }) => f.name === 'Tier__c')).toBeTrue();
  });

  it('validates custom records like standard ones', async () => {
    const acct = await api.create('Account', { Name: 'Parent', Tier__c: 'Gold' });
    const id = await api.create('Invoice__c', { Name: 'INV-1', Amount__c: 12.345, Account__c: acct, Status__c: 'Draft' });
    expect(id.startsWith('a07')).toBeTrue();
    expect(api.emu.store.get(id)?.Amount__c).toBe(12.35);
    const missing = await api.call('POST', '/sobjects/Invoice__c', { Name: 'INV-2' });
    expect(missing.json()[0]).toEqual(jasmine.objectContaining({ errorCode: 'REQUIRED_FIELD_MISSING', fields: ['Amount__c'] }));
    const bad = await api.call('POST', '/sobjects/Invoice__c', { Name: 'INV-3', Amount__c: 1, Status__c: 'Paid' });
    expect(bad.json()[0].errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    const q = await api.call('GET', `/query?q=${encodeURIComponent('SELECT Name, (SELECT Name FROM Invoices__r) FROM Account')}`);
    expect(q.status).withContext(q.text).toBe(200);
    expect(q.json().records[0].Invoices__r.records[0].Name).toBe('INV-1');
  });
});
