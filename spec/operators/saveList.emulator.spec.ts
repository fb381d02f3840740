import type { SalesforceClient } from '../../src/client/client.js';
import { ValidationError } from '../../src/client/errors.js';
import type { Emulator } from '../../src/emulator/index.js';
import { defineSObject, sf } from '../../src/model/index.js';
import { insertList } from '../../src/operators/insertList.js';
import { saveList } from '../../src/operators/saveList.js';
import { updateList } from '../../src/operators/updateList.js';
import { upsertList } from '../../src/operators/upsertList.js';
import { withOrg } from '../support/org.js';

const Account = defineSObject('Account', {
  Id: sf.id(),
  Name: sf.string({ length: 255 }),
  External_Id__c: sf.string({ externalId: true, length: 255 }).optional(),
});

describe('saveList and the list twins against the emulator', () => {
  let emu: Emulator;
  let client: SalesforceClient;
  withOrg({ client: { retry: false } }, org => ({ emulator: emu, client } = org));

  it('updates records with an Id and inserts the rest, results in input order', async () => {
    const [existing] = await insertList(Account, [{ Name: 'Existing' }], { client });
    const rows = [{ Name: 'Brand new' }, { Id: existing.id!, Name: 'Existing renamed' }];
    const results = await saveList(Account, rows, { client });
    expect(results.map((r) => r.success)).toEqual([true, true]);
    expect(results[1].id).toBe(existing.id);
    expect(emu.store.get(existing.id!)?.Name).toBe('Existing renamed');
    expect(emu.store.get(results[0].id!)?.Name).toBe('Brand new');
  });

  it('upserts when an external id field is named', async () => {
    const results = await saveList(Account, [{ External_Id__c: 'SL-1', Name: 'A' }], {
      client,
      externalIdField: 'External_Id__c',
    });
    expect(results[0]).toEqual(jasmine.objectContaining({ success: true, created: true }));
    const again = await upsertList(Account, [{ External_Id__c: 'SL-1', Name: 'B' }], 'External_Id__c', { client });
    expect(again[0]).toEqual(jasmine.objectContaining({ success: true, created: false, id: results[0].id }));
  });

  it('with updateOnly refuses records without an Id before any request', async () => {
    const before = emu.stats.apiRequests;
    const error = await saveList(Account, [{ Name: 'no id' }], { client, updateOnly: true }).catch((e: unknown) => e);
    expect(error).toEqual(jasmine.any(ValidationError));
    expect(emu.stats.apiRequests).toBe(before);
  });

  it('reports a missing record per record and goes on with the rest', async () => {
    const [a] = await insertList(Account, [{ Name: 'Here' }], { client });
    const results = await updateList(Account, [{ Id: '001000000000000AAA', Name: 'x' }, { Id: a.id!, Name: 'Here too' }], { client });
    expect(results[0].success).toBeFalse();
    expect(results[0].errors[0].statusCode).toMatch(/^[A-Z_]+$/);
    expect(results[1].success).toBeTrue();
  });
});
