import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MultipleChoicesError, ResourceNotFoundError, ValidationError } from '../../../src/client/errors.js';
import type { SalesforceClient } from '../../../src/client/client.js';
import type { Emulator } from '../../../src/emulator/index.js';
import { downloadFileToPath } from '../../../src/node/download.js';
import { deleteRecord } from '../../../src/sources/records/delete.js';
import { describe as describeSObject } from '../../../src/sources/describe/describe.js';
import { describeGlobal } from '../../../src/sources/describe/describeGlobal.js';
import { downloadFile } from '../../../src/sources/records/downloadFile.js';
import { fetch } from '../../../src/sources/records/fetch.js';
import { reload } from '../../../src/sources/records/reload.js';
import { save } from '../../../src/sources/records/save.js';
import { saveInsert } from '../../../src/sources/records/saveInsert.js';
import { saveUpdate } from '../../../src/sources/records/saveUpdate.js';
import { saveUpsert } from '../../../src/sources/records/saveUpsert.js';
import { defineSObject, sf } from '../../../src/model/index.js';
import { Account, ContentVersion } from '../support/fixtures.js';
import { startOrg } from '../../support/org.js';

const Attachment = defineSObject('Attachment', {
  Id: sf.id(), Name: sf.string(), ParentId: sf.reference('Account'), Body: sf.blob(),
});

describe('single-record operations against the emulator', () => {
  let emulator: Emulator;
  let client: SalesforceClient;

  beforeAll(async () => {
    ({ emulator, client } = await startOrg());
    await describeGlobal({ client }); // log in and discover the version once, so request counts below are exact
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('inserts, reads, updates only what changed, and deletes a record', async () => {
    const created = { Name: 'Round Trip', Industry: 'Energy' as const };
    const inserted = await save(Account, created, { client });
    expect(inserted.created).toBeTrue();

    const account = await fetch(Account, inserted.id, { client });
    expect(account.Name).toBe('Round Trip');
    expect(account.CreatedDate).toBeInstanceOf(Date);

    account.Industry = 'Banking';
    const updated = await save(Account, account, { client, onlyChanges: true });
    expect(updated).toEqual({ id: inserted.id, success: true, created: false });
    expect(emulator.store.get(inserted.id)!.Industry).toBe('Banking');

    await deleteRecord(Account, inserted.id, { client });
    await expectAsync(fetch(Account, inserted.id, { client })).toBeRejectedWithError(ResourceNotFoundError);
  });

  it('sends nothing for an unchanged record with onlyChanges', async () => {
    const { id } = await save(Account, { Name: 'Still' }, { client });
    const account = await fetch(Account, id, { client });
    const before = emulator.stats.apiRequests;
    const result = await save(Account, account, { client, onlyChanges: true });
    expect(result.unchanged).toBeTrue();
    expect(emulator.stats.apiRequests).toBe(before);
  });

  it('sends nothing when validation fails', async () => {
    const before = emulator.stats.requests;
    await expectAsync(save(Account, { Name: 'x'.repeat(300) }, { client })).toBeRejectedWithError(ValidationError);
    await expectAsync(fetch(Account, '001-bad', { client })).toBeRejectedWithError(ValidationError);
    expect(emulator.stats.requests).toBe(before);
  });

  it('upserts: created the first time, updated the second', async () => {
    const first = await saveUpsert(Account, { Name: 'Ext', External_Id__c: 'EXT-42' }, 'External_Id__c', { client });
    const second = await saveUpsert(Account, { Name: 'Ext renamed', External_Id__c: 'EXT-42' }, 'External_Id__c', { client });
    expect(first.created).toBeTrue();
    expect(second.created).toBeFalse();
    expect(second.id).toBe(first.id);
    expect(emulator.store.get(first.id)!.Name).toBe('Ext renamed');
  });

  it('upserting on an external id that matches two records fails with both ids and changes neither', async () => {
    const Contact = defineSObject('Contact', { Id: sf.id(), LastName: sf.string(), Email: sf.email({ externalId: true }) });
    const a = await saveInsert(Contact, { LastName: 'Twin A', Email: 'twins@example.com' }, { client });
    const b = await saveInsert(Contact, { LastName: 'Twin B', Email: 'twins@example.com' }, { client });
    const e = await saveUpsert(Contact, { LastName: 'Merged', Email: 'twins@example.com' }, 'Email', { client }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MultipleChoicesError);
    expect((e as MultipleChoicesError).ids.sort()).toEqual([a.id, b.id].sort());
    expect((e as MultipleChoicesError).message).toBe(`The external id matches 2 records: ${(e as MultipleChoicesError).ids.join(', ')}`);
    expect(emulator.store.get(a.id)?.LastName).toBe('Twin A');
    expect(emulator.store.get(b.id)?.LastName).toBe('Twin B');
  });

  it('reloads a record with the values another writer saved', async () => {
    const { id } = await save(Account, { Name: 'Before' }, { client });
    const account = await fetch(Account, id, { client });
    emulator.store.update('Account', id, { Name: 'After' });
    await reload(Account, account, { client });
    expect(account.Name).toBe('After');
  });

  it('uploads 300 KB of random bytes as ContentVersion VersionData and downloads them byte-exact', async () => {
    const bytes = new Uint8Array(300 * 1024);
    for (let i = 0; i < bytes.length; i += 65536) globalThis.crypto.getRandomValues(bytes.subarray(i, i + 65536));
    const version = { Title: 'Random', PathOnClient: 'random.bin', VersionData: bytes };
    const { id } = await save(ContentVersion, version, { client });
    const read = await fetch(ContentVersion, id, { client });
    expect(read.VersionData).toMatch(new RegExp(`/sobjects/ContentVersion/${id}/VersionData$`));
    const downloaded = await downloadFile(ContentVersion, id, { client });
    expect(downloaded.length).toBe(bytes.length);
    expect(Buffer.compare(Buffer.from(downloaded), Buffer.from(bytes))).toBe(0);

    const dir = await mkdtemp(join(tmpdir(), 'rxforce-cv-'));
    try {
      const streamed = await downloadFileToPath(ContentVersion, id, join(dir, 'random.bin'), { client });
      expect(streamed.bytes).toBe(bytes.length);
      expect(Buffer.compare(await readFile(streamed.path), Buffer.from(bytes))).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('uploads a browser Blob (a File) and downloads it byte-exact, on insert and on update', async () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) % 256);
    const parent = await save(Account, { Name: 'Has files' }, { client });
    const attachment = { Name: 'first.bin', ParentId: parent.id, Body: new File([bytes], 'first.bin') as Blob };
    const { id } = await saveInsert(Attachment, attachment, { client });
    expect(Buffer.compare(Buffer.from(await downloadFile(Attachment, id, { client })), Buffer.from(bytes))).toBe(0);

    const next = bytes.map(b => 255 - b);
    attachment.Body = new File([next], 'second.bin');
    await saveUpdate(Attachment, attachment, { client, onlyChanges: true });
    expect(Buffer.compare(Buffer.from(await downloadFile(Attachment, id, { client })), Buffer.from(next))).toBe(0);
  });

  it('describes an object and the org', async () => {
    const account = await describeSObject(Account, { client });
    expect(account?.name).toBe('Account');
    expect(account?.fields.find((f) => f.name === 'Name')?.type).toBe('string');
    const global = await describeGlobal({ client });
    expect(global?.sobjects.find((o) => o.name === 'Account')?.keyPrefix).toBe('001');
  });
});
