import { ValidationError } from '../../src/client/errors.js';
import type { SalesforceClient } from '../../src/client/client.js';
import type { Emulator } from '../../src/emulator/index.js';
import { defineSObject, sf } from '../../src/model/index.js';
import { select } from '../../src/soql/index.js';
import {
  composite, compositeBatch, compositeGraph, ref, saveTree, subrequest, type CompositeStep,
} from '../../src/sources/composite/index.js';
import { startOrg } from '../support/org.js';
import { Account } from './support/fixtures.js';

const Contact = defineSObject('Contact', {
  Id: sf.id(), LastName: sf.string(), Email: sf.email().optional(), AccountId: sf.reference('Account').optional(),
});

describe('composite operations against the emulator', () => {
  let emulator: Emulator;
  let client: SalesforceClient;
  beforeAll(async () => { ({ emulator, client } = await startOrg({ seed: 11, client: { retry: false } })); });
  afterAll(async () => { await emulator.stop(); });

  it('composite: creates, links by reference and reads back typed records', async () => {
    const acct = subrequest.create(Account, { Name: 'Builder Co' }, { referenceId: 'newAccount' });
    const contact = subrequest.create(Contact, { LastName: 'Smith', AccountId: acct.ref.id });
    const back = subrequest.get(Contact, contact.ref.id);
    const q = subrequest.query(select(Account).where({ Name: 'Builder Co' }));
    const rename = subrequest.update('Account', ref('newAccount').id, { Industry: 'Energy' });
    const result = await composite([acct, contact, back, q, rename], { client, allOrNone: true });
    expect(result.ok).toBeTrue();
    expect(result.requests).toBe(1);
    const [a, c, b, page, upd] = result.responses;
    expect(a.httpStatusCode).toBe(201);
    expect(b.result?.AccountId).toBe(a.result!.id);
    expect(b.result?.LastName).toBe('Smith');
    expect(page.result?.records.map(r => r.Name)).toEqual(['Builder Co']);
    expect(upd.httpStatusCode).toBe(204);
    expect(emulator.store.get(c.result!.id)?.AccountId).toBe(a.result!.id);
    expect(emulator.store.get(a.result!.id)?.Industry).toBe('Energy');
  });

  it('composite: allOrNone rolls back and each failure is a typed error', async () => {
    const before = emulator.store.count('Account');
    const acct = subrequest.create(Account, { Name: 'Never kept' });
    const bad = subrequest.create('Contact', { LastName: 'X', Email: 'not an email', AccountId: acct.ref.id });
    const result = await composite([acct, bad], { client, allOrNone: true });
    expect(result.ok).toBeFalse();
    expect(result.responses[1].error?.errorCode).toBe('INVALID_EMAIL_ADDRESS');
    expect(result.responses[0].error?.errorCode).toBe('PROCESSING_HALTED');
    expect(emulator.store.count('Account')).toBe(before);
  });

  it('composite: a reference with no value answers PROCESSING_HALTED', async () => {
    const none = subrequest.query("SELECT Id FROM Account WHERE Name = 'no such account'");
    const patch = subrequest.update('Account', none.ref.records[0].Id, { Name: 'x' });
    const result = await composite([none, patch], { client });
    expect(result.responses[1].error?.errorCode).toBe('PROCESSING_HALTED');
    expect(result.responses[1].error?.message).toContain('Invalid reference specified');
  });

  it('composite: splits 60 independent subrequests into 3 calls, and refuses a reference across the cut', async () => {
    const steps = Array.from({ length: 60 }, (_, i) => subrequest.create(Account, { Name: `Split ${i}` }));
    const result = await composite(steps, { client });
    expect(result.requests).toBe(3);
    expect(result.responses.every(r => r.httpStatusCode === 201)).toBeTrue();
    const crossing: CompositeStep[] = [...steps.slice(0, 25)];
    crossing.push(subrequest.update('Account', steps[0].ref.id, { Name: 'late' }));
    await expectAsync(composite(crossing, { client })).toBeRejectedWithError(ValidationError, /cannot be split/);
    await expectAsync(composite(steps, { client, allOrNone: true })).toBeRejectedWithError(ValidationError, /allOrNone/);
  });

  it('compositeBatch: independent subrequests, haltOnError', async () => {
    const id = emulator.store.insert('Account', { Name: 'Batch target' }).id!;
    const result = await compositeBatch([
      subrequest.update('Account', id, { Name: 'Batch renamed' }),
      subrequest.create('Account', { Name: '' }),
      subrequest.get('Account', id, { fields: ['Name'] }),
    ], { client, haltOnError: true });
    expect(result.hasErrors).toBeTrue();
    expect(result.results.map(r => r.httpStatusCode)).toEqual([204, 400, 412]);
    expect(result.results[2].error?.errorCode).toBe('BATCH_PROCESSING_HALTED');
    await expectAsync(compositeBatch([subrequest.create('Account', { Name: 'a' }), subrequest.get('Account', ref('x').id)], { client }))
      .toBeRejectedWithError(ValidationError);
  });

  it('saveTree: saves 250 records as two whole-tree requests and maps ids back', async () => {
    const trees = Array.from({ length: 125 }, (_, i) => ({ Name: `Tree ${i}`, Contacts: [{ LastName: `Child ${i}` }] }));
    const result = await saveTree(Account, trees, { client });
    expect(result.ok).toBeTrue();
    expect(result.requests).toBe(2);
    expect(result.records.length).toBe(250);
    const contactId = (result.saved[7].Contacts as { Id: string }[])[0].Id;
    expect(emulator.store.get(contactId)?.AccountId).toBe(result.saved[7].Id);
    expect(trees[7]).toEqual({ Name: 'Tree 7', Contacts: [{ LastName: 'Child 7' }] }); // input untouched
  });

  it('saveTree: a failing record fails its request only; the rest of that request is rolled back', async () => {
    const trees = [
      ...Array.from({ length: 150 }, (_, i) => ({ Name: `Ok ${i}` })),
      { Name: 'Parent', Contacts: [{ LastName: 'Bad', Email: 'nope' }] },
      ...Array.from({ length: 100 }, (_, i) => ({ Name: `Second ${i}` })),
    ];
    const result = await saveTree('Account', trees, { client });
    expect(result.ok).toBeFalse();
    const statuses = result.records.map(r => r.status);
    expect(statuses.filter(s => s === 'failed').length).toBe(1);
    expect(result.records.find(r => r.status === 'failed')?.errors?.[0].statusCode).toBe('INVALID_EMAIL_ADDRESS');
    // whole trees fill the first request to 200 records (150 + 2 + 48); it fails, the second (52 records) is saved
    expect(result.requests).toBe(2);
    expect(statuses.filter(s => s === 'saved').length).toBe(52);
    expect(statuses.filter(s => s === 'rolledBack').length).toBe(199);
    expect(emulator.store.findBy('Account', 'Name', 'Parent').length).toBe(0);
  });

  it('saveTree: refuses a tree over 200 records or 5 levels before sending', async () => {
    const big = [{ Name: 'Huge', Contacts: Array.from({ length: 200 }, (_, i) => ({ LastName: `C${i}` })) }];
    await expectAsync(saveTree(Account, big, { client })).toBeRejectedWithError(ValidationError, /at most 200/);
    await expectAsync(saveTree('Account', [{ Name: 'x', Mystery__r: [{ Name: 'y' }] }], { client }))
      .toBeRejectedWithError(ValidationError, /childTypes/);
  });

  it('compositeGraph: a failing node rolls back its graph only', async () => {
    const a1 = subrequest.create(Account, { Name: 'Graph ok' });
    const c1 = subrequest.create(Contact, { LastName: 'Cashman', AccountId: a1.ref.id });
    const a2 = subrequest.create(Account, { Name: 'Graph doomed' });
    const c2 = subrequest.create('Contact', { AccountId: a2.ref.id });
    const results = await compositeGraph([{ graphId: 'good', steps: [a1, c1] }, { steps: [a2, c2] }], { client });
    expect(results.map(g => [g.graphId, g.isSuccessful])).toEqual([['good', true], ['graph0', false]]);
    expect(results[1].responses[1].error?.errorCode).toBe('REQUIRED_FIELD_MISSING');
    expect(emulator.store.findBy('Account', 'Name', 'Graph doomed').length).toBe(0);
    expect(emulator.store.findBy('Account', 'Name', 'Graph ok').length).toBe(1);
    await expectAsync(compositeGraph([{ steps: [subrequest.query('SELECT Id FROM Account')] }], { client }))
      .toBeRejectedWithError(ValidationError, /no queries/);
  });
});
