/**
 * Bad input to a single-record operation fails before any request, with a ValidationError whose message names the
 * object (and, in list operations, the record index), the field and the reason. The messages are part of the product:
 * they are asserted word for word.
 */
import { lastValueFrom } from 'rxjs';
import { SalesforceClient } from '../../src/client/client.js';
import { ValidationError } from '../../src/client/errors.js';
import { defineSObject, sf } from '../../src/model/index.js';
import { deleteRecord } from '../../src/sources/records/delete.js';
import { downloadFile } from '../../src/sources/records/downloadFile.js';
import { fetch } from '../../src/sources/records/fetch.js';
import { reload } from '../../src/sources/records/reload.js';
import { save } from '../../src/sources/records/save.js';
import { saveInsert } from '../../src/sources/records/saveInsert.js';
import { saveUpdate } from '../../src/sources/records/saveUpdate.js';
import { saveUpsert } from '../../src/sources/records/saveUpsert.js';
import { saveList$ } from '../../src/operators/saveList.js';
import { createFakeTransport } from '../../src/testing/index.js';

const Account = defineSObject('Account', {
  Id: sf.id(),
  Name: sf.string({ length: 10 }),
  NumberOfEmployees: sf.int().optional(),
  Industry: sf.picklist(['Energy', 'Banking'], { restricted: true }).optional(),
  External_Id__c: sf.string({ externalId: true }).optional(),
});
const Invoice = defineSObject('Invoice__c', { Id: sf.id(), Name: sf.string() });
const ID = '001D000000IqhSLIAZ';

describe('bad input to single-record operations', () => {
  const fake = createFakeTransport(); // no routes: a request would be answered 404, and is counted
  const client = new SalesforceClient({ login: { accessToken: '00D000000000001!x', instanceUrl: 'https://acme.my.salesforce.com' },
    apiVersion: '62.0', transport: fake.transport });

  async function rejection(run: () => Promise<unknown>): Promise<ValidationError> {
    const e = await run().then(() => undefined, (err: unknown) => err);
    if (!(e instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${String(e)}`);
    return e;
  }

  afterEach(() => expect(fake.requests.length).withContext('requests sent').toBe(0));

  const cases: Array<[string, () => Promise<unknown>, string]> = [
    ['an id with a character that is not a letter or digit', () => fetch(Account, '001-bad', { client }),
      "Account, field Id: Account id '001-bad' is malformed: an id has only letters and digits"],
    ['an id of the wrong length', () => deleteRecord(Account, '001D000000Iqh', { client }),
      "Account, field Id: Account id '001D000000Iqh' is malformed: 13 characters, an id has 15 or 18"],
    ['an id whose checksum does not match', () => fetch(Account, '001D000000IqhSLAAA', { client }),
      "Account, field Id: Account id '001D000000IqhSLAAA' is malformed: its checksum suffix AAA does not match its first " +
      '15 characters (expected IAZ)'],
    ["another object's id", () => fetch(Account, '003D000000IqhSLIAZ', { client }),
      "Account, field Id: Account id '003D000000IqhSLIAZ' belongs to Contact (key prefix 003), not to Account"],
    ["a standard object's id for a custom object", () => reload(Invoice, { Id: ID, Name: 'x' }, { client }),
      "Invoice__c, field Id: Invoice__c id '001D000000IqhSLIAZ' belongs to Account (key prefix 001), not to Invoice__c"],
    ['an update without an Id', () => saveUpdate(Account, { Name: 'x' }, { client }),
      'Account, field Id: Account Id is missing'],
    ['an unknown field', () => saveInsert(Account, { Name: 'Acme', Nope__c: 1 } as never, { client }),
      'Account, field Nope__c: not a field of the Account model (define it with { passthrough: true } to send fields the ' +
      'model does not name)'],
    ['a wrong type', () => save(Account, { Name: 'Acme', NumberOfEmployees: 'ten' } as never, { client }),
      'Account, field NumberOfEmployees: expected an integer, got string'],
    ['a missing required field', () => saveInsert(Account, {} as never, { client }),
      'Account, field Name: required field is missing'],
    ['a value too long', () => saveUpdate(Account, { Id: ID, Name: 'x'.repeat(11) }, { client }),
      'Account, field Name: string too long (11 > 10 characters)'],
    ['a value outside a restricted picklist', () => saveInsert(Account, { Name: 'Acme', Industry: 'Mining' } as never, { client }),
      "Account, field Industry: value 'Mining' is not allowed in restricted picklist (allowed: Energy, Banking)"],
    ['an upsert without the external id value', () => saveUpsert(Account, { Name: 'Acme' }, 'External_Id__c', { client }),
      'Account, field External_Id__c: Account.External_Id__c must have a value to upsert on'],
    ['an upsert on a field that is not an external id', () => saveUpsert(Account, { Name: 'Acme' }, 'Name', { client }),
      'Account, field Name: Account.Name is not an external id field'],
    ['a download from an object without a blob field', () => downloadFile(Account, ID, { client }),
      'Account: Account has no blob field; pass { field }'],
  ];

  for (const [what, run, message] of cases) {
    it(`refuses ${what}`, async () => {
      expect((await rejection(run)).message).toBe(message);
    });
  }

  it('names the record index in a list operation', async () => {
    const rows = [{ Name: 'ok' }, { Name: 'also ok' }, { Name: 'Acme', NumberOfEmployees: 1.5 }];
    const e = await rejection(() => lastValueFrom(saveList$(Account, rows, { client })));
    expect(e.message).toBe('Account, record 2, field NumberOfEmployees: expected an integer, got number');
    expect([e.sobject, e.recordIndex, e.field]).toEqual(['Account', 2, 'NumberOfEmployees']);
  });
});
