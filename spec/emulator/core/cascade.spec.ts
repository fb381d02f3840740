import { Api } from './helpers.js';

describe('emulator delete: related records as Salesforce treats them', () => {
  let api: Api;
  beforeAll(async () => { api = await Api.start(); });
  afterAll(async () => { await api.emu.stop(); });

  const status = async (type: string, id: string) => (await api.call('GET', `/sobjects/${type}/${id}?fields=Id`)).status;

  it("moves an Account's Contacts, Opportunities, Tasks and Attachments to the Recycle Bin with it", async () => {
    const acct = await api.create('Account', { Name: 'Cascade Co' });
    const other = await api.create('Account', { Name: 'Bystander' });
    const contact = await api.create('Contact', { LastName: 'Davis', AccountId: acct });
    const opp = await api.create('Opportunity', { Name: 'Deal', StageName: 'Prospecting', CloseDate: '2030-01-01', AccountId: acct });
    const task = await api.create('Task', { Subject: 'Call', WhoId: contact });
    const note = await api.create('Attachment', { Name: 'a.txt', ParentId: acct, Body: Buffer.from('x').toString('base64') });
    const keep = await api.create('Contact', { LastName: 'Elsewhere', AccountId: other });

    expect((await api.call('DELETE', `/sobjects/Account/${acct}`)).status).toBe(204);

    for (const [type, id] of [['Contact', contact], ['Opportunity', opp], ['Task', task], ['Attachment', note]]) {
      expect(await status(type!, id!)).withContext(type!).toBe(404);
      expect(api.emu.store.get(id!, { includeDeleted: true })?.IsDeleted).withContext(type!).toBeTrue();
    }
    expect(await status('Contact', keep)).toBe(200);
    expect(await status('Account', other)).toBe(200);
    const all = await api.call('GET', `/queryAll?q=${encodeURIComponent(`SELECT Id, IsDeleted FROM Contact WHERE AccountId = '${acct}'`)}`);
    expect(all.json().records.map((r: { IsDeleted: boolean }) => r.IsDeleted)).toEqual([true]);
  });

  it('refuses to delete an Account or a Contact that has Cases, changing nothing (DELETE_FAILED)', async () => {
    const acct = await api.create('Account', { Name: 'Has Cases' });
    const contact = await api.create('Contact', { Salutation: 'Mr.', FirstName: 'Josh', LastName: 'Davis', AccountId: acct });
    const caseId = await api.create('Case', { Subject: 'Broken', AccountId: acct });
    const caseNumber = (await api.call('GET', `/sobjects/Case/${caseId}?fields=CaseNumber`)).json().CaseNumber as string;
    expect(caseNumber).toMatch(/^\d{8}$/);

    const res = await api.call('DELETE', `/sobjects/Account/${acct}`);
    expect(res.status).toBe(400);
    expect(res.json()).toEqual([{ errorCode: 'DELETE_FAILED', fields: [], message:
      `Your attempt to delete Has Cases could not be completed because it is associated with the following cases.: ${caseNumber}\n` }]);
    expect(await status('Account', acct)).toBe(200);
    expect(await status('Contact', contact)).toBe(200);

    await api.call('PATCH', `/sobjects/Case/${caseId}`, { AccountId: null, ContactId: contact });
    const byContact = await api.call('DELETE', `/sobjects/Contact/${contact}`);
    expect(byContact.json()[0].message).toBe(
      `Your attempt to delete Mr. Josh Davis could not be completed because it is associated with the following cases.: ${caseNumber}\n`);
    // the Account's cascade reaches the Contact, whose Case still blocks it
    expect((await api.call('DELETE', `/sobjects/Account/${acct}`)).json()[0].errorCode).toBe('DELETE_FAILED');

    expect((await api.call('DELETE', `/sobjects/Case/${caseId}`)).status).toBe(204);
    expect((await api.call('DELETE', `/sobjects/Account/${acct}`)).status).toBe(204);
    expect(await status('Contact', contact)).toBe(404);
  });

  it('describe tells which child relationships cascade and which restrict', async () => {
    const rels = (await api.call('GET', '/sobjects/Account/describe')).json().childRelationships as
      Array<{ childSObject: string; field: string; cascadeDelete: boolean; restrictedDelete: boolean }>;
    const rel = (child: string, field: string) => rels.find(r => r.childSObject === child && r.field === field);
    expect(rel('Contact', 'AccountId')).toEqual(jasmine.objectContaining({ cascadeDelete: true, restrictedDelete: false }));
    expect(rel('Opportunity', 'AccountId')).toEqual(jasmine.objectContaining({ cascadeDelete: true, restrictedDelete: false }));
    expect(rel('Case', 'AccountId')).toEqual(jasmine.objectContaining({ cascadeDelete: false, restrictedDelete: true }));
  });

  it('rolls the cascade back with the rest of an allOrNone collection delete', async () => {
    const acct = await api.create('Account', { Name: 'Rollback' });
    const contact = await api.create('Contact', { LastName: 'Stays', AccountId: acct });
    const res = await api.call('DELETE', `/composite/sobjects?allOrNone=true&ids=${acct},001000000000000AAA`);
    expect(res.json()[0].success).toBeFalse();
    expect(await status('Account', acct)).toBe(200);
    expect(await status('Contact', contact)).toBe(200);
  });
});
