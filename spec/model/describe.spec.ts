import { ValidationError } from '../../src/client/errors.js';
import { schemaFromDescribe } from '../../src/model/index.js';
import { accountDescribe, attachmentDescribe } from './fixtures/describe.js';

describe('schemaFromDescribe', () => {
  const Account = schemaFromDescribe(accountDescribe);

  it('maps every Salesforce field type to a kind', () => {
    const kinds = Object.fromEntries(Object.values(Account.fields).map(f => [f.name, f.kind]));
    expect(kinds).toEqual({
      Id: 'id', IsDeleted: 'boolean', Name: 'string', Type: 'picklist', Rating: 'picklist', Tags__c: 'multipicklist',
      ParentId: 'reference', OwnerId: 'reference', AnnualRevenue: 'currency', NumberOfEmployees: 'int', Share__c: 'percent',
      Score__c: 'double', Active__c: 'boolean', Description: 'textarea', Phone: 'phone', Website: 'url', Email__c: 'email',
      Secret__c: 'string', External_Id__c: 'string', Founded__c: 'date', Opens__c: 'time', LastSeen__c: 'datetime',
      Score_Text__c: 'string', Number__c: 'string', Set_Once__c: 'string', CreatedDate: 'datetime', Big__c: 'int',
    });
  });

  it('keeps compound and untyped fields out of the model, and as sent on read', () => {
    expect(Account.field('BillingAddress')).toBeUndefined();
    const rec = Account.fromWire({ Id: '001000000000001AAA', BillingAddress: { city: 'Paris' }, Location__c: null }) as Record<string, unknown>;
    expect(rec.BillingAddress).toEqual({ city: 'Paris' });
  });

  it('derives flags: read-only, createable-only, external id, length, active picklist values, restriction', () => {
    expect(Account.fields.Score_Text__c!.readonly).toBe(true);
    expect(Account.fields.Number__c!.readonly).toBe(true);
    expect(Account.fields.CreatedDate!.readonly).toBe(true);
    expect(Account.fields.Set_Once__c).toEqual(jasmine.objectContaining({ createable: true, updateable: false, readonly: false }));
    expect(Account.fields.External_Id__c).toEqual(jasmine.objectContaining({ externalId: true, unique: true, length: 40 }));
    expect(Account.fields.Type!.values).toEqual(['Prospect', 'Customer']);
    expect(Account.fields.Rating!.restricted).toBe(true);
    expect(Account.fields.ParentId).toEqual(jasmine.objectContaining({ referenceTo: ['Account'], relationshipName: 'Parent' }));
    expect(Account.relationship('owner')?.name).toBe('OwnerId');
  });

  it('derives optional / nullable: required on create, always present on read, nillable', () => {
    expect(Account.fields.Name).toEqual(jasmine.objectContaining({ optional: false, nullable: false }));
    expect(Account.fields.CreatedDate).toEqual(jasmine.objectContaining({ optional: false, nullable: false }));
    expect(Account.fields.Active__c).toEqual(jasmine.objectContaining({ optional: true, nullable: false }));
    expect(Account.fields.OwnerId).toEqual(jasmine.objectContaining({ optional: true, nullable: false }));
    expect(Account.fields.Description).toEqual(jasmine.objectContaining({ optional: true, nullable: true }));
  });

  it('validates as the org would: required Name, restricted Rating, length', () => {
    expect(Account.toWire({ Name: 'Acme', Rating: 'Hot' }, 'insert')).toEqual({ Name: 'Acme', Rating: 'Hot' });
    expect(() => Account.toWire({ Rating: 'Hot' }, 'insert')).toThrowMatching(e => e instanceof ValidationError && e.field === 'Name');
    expect(() => Account.toWire({ Name: 'A', Rating: 'Tepid' }, 'insert')).toThrowMatching(e => e instanceof ValidationError && e.field === 'Rating');
    expect(() => Account.toWire({ Name: 'x'.repeat(256) }, 'insert')).toThrowMatching(e => e instanceof ValidationError && /256 > 255/.test(e.reason));
  });

  it('knows the blob field and the tooling flag', () => {
    expect(schemaFromDescribe(attachmentDescribe).blobField).toBe('Body');
    expect(schemaFromDescribe(attachmentDescribe, { tooling: true }).tooling).toBe(true);
  });
});
