import jsforce from 'jsforce';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { jsforceConnection } from '../../support/org.js';

/** jsforce@3's array create / update / upsert / destroy / retrieve go through sObject Collections. */
describe('jsforce array operations against the emulator collections', () => {
  let emu: Emulator;
  let conn: jsforce.Connection;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0 });
    conn = await jsforceConnection(emu);
  });
  afterAll(async () => { await emu.stop(); });

  const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ Name: `${prefix} ${i}` }));
  const idsOf = (results: { id?: string | null }[]) => results.map(r => r.id!);

  it('creates, updates and destroys 450 records in 200-record calls with allowRecursive, in input order', async () => {
    const before = emu.stats.apiRequests;
    const created = await conn.sobject('Account').create(names('jsf bulk', 450), { allowRecursive: true });
    expect(emu.stats.apiRequests - before).toBe(3);
    expect(created.every(r => r.success)).toBeTrue();
    const ids = idsOf(created);
    expect(ids.map(id => emu.store.get(id)?.Name)).toEqual(names('jsf bulk', 450).map(r => r.Name));

    const updated = await conn.sobject('Account').update(ids.map((Id, i) => ({ Id, NumberOfEmployees: i })),
      { allowRecursive: true });
    expect(updated.every(r => r.success)).toBeTrue();
    expect(emu.store.get(ids[449])?.NumberOfEmployees).toBe(449);

    const destroyed = await conn.sobject('Account').destroy(ids, { allowRecursive: true });
    expect(destroyed.map(r => r.id)).toEqual(ids);
    expect(ids.every(id => emu.store.get(id) === undefined)).toBeTrue();
    const again = await conn.sobject('Account').destroy(ids.slice(0, 2));
    expect(again.map(r => r.success)).toEqual([false, false]);
    expect(again.map(r => !r.success && r.errors[0]).map(e => e && (e as { statusCode?: string }).statusCode))
      .toEqual(['ENTITY_IS_DELETED', 'ENTITY_IS_DELETED']);
  });

  it('fails a call of more than 200 records without allowRecursive', async () => {
    await expectAsync(conn.sobject('Account').create(names('too many', 201)))
      .toBeRejectedWith(jasmine.objectContaining({ errorCode: 'EXCEEDED_ID_LIMIT' }));
  });

  it('rolls back creates and updates with allOrNone, writing nothing', async () => {
    const count = emu.store.count('Account');
    const created = await conn.sobject('Account').create([{ Name: 'aon ok' }, { Name: '' }], { allOrNone: true });
    expect(created.map(r => r.success)).toEqual([false, false]);
    expect((created[0] as { errors: { statusCode: string }[] }).errors[0].statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect((created[1] as { errors: { statusCode: string }[] }).errors[0].statusCode).toBe('REQUIRED_FIELD_MISSING');
    expect(emu.store.count('Account')).toBe(count);

    const [a] = idsOf(await conn.sobject('Account').create([{ Name: 'aon before' }]));
    const updated = await conn.sobject('Account').update([{ Id: a, Name: 'aon after' }, { Id: a, Name: 'x'.repeat(300) }],
      { allOrNone: true });
    expect(updated.map(r => r.success)).toEqual([false, false]);
    expect(emu.store.get(a)?.Name).toBe('aon before');
  });

  it('upserts on an external id with created flags', async () => {
    const first = await conn.sobject('Account').upsert([{ Name: 'jsu 1', External_Id__c: 'JSU-1' }], 'External_Id__c');
    const second = await conn.sobject('Account').upsert([{ Name: 'jsu 1b', External_Id__c: 'JSU-1' },
      { Name: 'jsu 2', External_Id__c: 'JSU-2' }], 'External_Id__c');
    expect(first.map(r => (r as { created?: boolean }).created)).toEqual([true]);
    expect(second.map(r => (r as { created?: boolean }).created)).toEqual([false, true]);
    expect(second[0].id).toBe(first[0].id);
  });

  it('retrieves with nulls in the place of unknown and deleted ids', async () => {
    const ids = idsOf(await conn.sobject('Account').create(names('jsr', 3)));
    await conn.sobject('Account').destroy(ids[1]);
    const got = await conn.sobject('Account').retrieve([ids[0], ids[1], '001000000000099AAA', ids[2]], { fields: ['Name'] });
    expect(got.map(r => r?.Name ?? null)).toEqual(['jsr 0', null, null, 'jsr 2']);
    const all = await conn.sobject('Account').retrieve([ids[0], ids[2]]); // every field, from describe
    expect(all.map(r => r?.Id)).toEqual([ids[0], ids[2]]);
  });
});
