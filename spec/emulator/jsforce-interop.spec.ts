import jsforce from 'jsforce';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { jsforceConnection } from '../support/org.js';

describe('jsforce against the emulator', () => {
  let emu: Emulator;
  beforeAll(async () => { emu = await startEmulator({ port: 0 }); });
  afterAll(async () => { await emu.stop(); });

  it('logs in with the OAuth password flow', async () => {
    const conn = await jsforceConnection(emu);
    expect(conn.instanceUrl).toBe(emu.url);
    expect(conn.userInfo?.organizationId).toBe(emu.org.orgId);
    expect(conn.userInfo?.id).toBe(emu.org.users[0].userId);
  });

  it('logs in over SOAP and fails with the SOAP fault on a bad password', async () => {
    const conn = new jsforce.Connection({ loginUrl: emu.url, version: '62.0' });
    const info = await conn.login(emu.credentials.username, emu.credentials.password + emu.credentials.securityToken);
    expect(info.organizationId).toBe(emu.org.orgId);
    expect(conn.instanceUrl).toBe(emu.url);
    const limits = await conn.limits();
    expect(limits.DailyApiRequests.Max).toBeGreaterThan(0);
    const bad = new jsforce.Connection({ loginUrl: emu.url, version: '62.0' });
    await expectAsync(bad.login(emu.credentials.username, 'wrong')).toBeRejectedWithError(/INVALID_LOGIN/);
  });

  it('creates, retrieves, updates, upserts and destroys single records', async () => {
    const conn = await jsforceConnection(emu);
    const created = await conn.sobject('Account').create({ Name: 'jsforce single' });
    expect(created.success).toBeTrue();
    const rec = await conn.sobject('Account').retrieve(created.id!);
    expect(rec.Name).toBe('jsforce single');
    const updated = await conn.sobject('Account').update({ Id: created.id!, Name: 'jsforce renamed' });
    expect(updated.success).toBeTrue();
    expect(emu.store.get(created.id!)?.Name).toBe('jsforce renamed');
    const up1 = await conn.sobject('Account').upsert({ Name: 'upserted', External_Id__c: 'JS-1' }, 'External_Id__c');
    expect(up1).toEqual(jasmine.objectContaining({ success: true, created: true }));
    const up2 = await conn.sobject('Account').upsert({ Name: 'upserted again', External_Id__c: 'JS-1' }, 'External_Id__c');
    expect(up2.success).toBeTrue();
    expect(emu.store.findBy('Account', 'External_Id__c', 'JS-1')[0].Name).toBe('upserted again');
    const destroyed = await conn.sobject('Account').destroy(created.id!);
    expect(destroyed.success).toBeTrue();
    expect(emu.store.get(created.id!)).toBeUndefined();
    await expectAsync(conn.sobject('Contact').create({ FirstName: 'no last name' }))
      .toBeRejectedWith(jasmine.objectContaining({ errorCode: 'REQUIRED_FIELD_MISSING' }));
  });

  it('works on arrays through collections', async () => {
    const conn = await jsforceConnection(emu);
    const created = await conn.sobject('Account').create([{ Name: 'arr 1' }, { Name: 'arr 2' }, { Name: '' }],
      { allOrNone: false });
    expect(created.map(r => r.success)).toEqual([true, true, false]);
    const ids = created.filter(r => r.success).map(r => r.id!);
    const got = await conn.sobject('Account').retrieve(ids);
    expect(got.map(r => r?.Name)).toEqual(['arr 1', 'arr 2']);
    const updated = await conn.sobject('Account').update(ids.map((Id, i) => ({ Id, Name: `arr ${i} v2` })));
    expect(updated.every(r => r.success)).toBeTrue();
    const upserted = await conn.sobject('Account').upsert([{ Name: 'u1', External_Id__c: 'JSA-1' },
      { Name: 'u2', External_Id__c: 'JSA-2' }], 'External_Id__c');
    expect(upserted.every(r => r.success)).toBeTrue();
    const destroyed = await conn.sobject('Account').destroy(ids);
    expect(destroyed.every(r => r.success)).toBeTrue();
    expect(ids.every(id => emu.store.get(id) === undefined)).toBeTrue();
  });

  it('describes objects and the org', async () => {
    const conn = await jsforceConnection(emu);
    const global = await conn.describeGlobal();
    expect(global.sobjects.map(s => s.name)).toContain('Opportunity');
    const d = await conn.sobject('Opportunity').describe();
    expect(d.name).toBe('Opportunity');
    expect(d.fields.find(f => f.name === 'StageName')?.type).toBe('picklist');
    expect(d.childRelationships.length).toBeGreaterThan(0);
    const identity = await conn.identity();
    expect(identity.username).toBe(emu.credentials.username);
  });
});
