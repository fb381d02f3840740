import { writeFileSync } from 'node:fs';
import { from, lastValueFrom } from 'rxjs';
import type { SalesforceClient } from '../../src/client/client.js';
import { SalesforceApiError, ValidationError } from '../../src/client/errors.js';
import type { Emulator } from '../../src/emulator/index.js';
import { insertRecords } from '../../src/operators/insertRecords.js';
import { select } from '../../src/soql/index.js';
import { BulkIngestJob } from '../../src/sources/bulk/ingestJob.js';
import type { JobInfo } from '../../src/sources/bulk/types.js';
import { insertList } from '../../src/operators/insertList.js';
import { fetch } from '../../src/sources/records/fetch.js';
import { saveInsert } from '../../src/sources/records/saveInsert.js';
import { loginFlags, rxforce, scratchDir } from '../cli/support.js';
import { Account, startChaosOrg } from './support.js';

/** Bad input ends in a clear error: before any request when the client can tell, as Salesforce answers otherwise. */
describe('bad input', () => {
  let emu: Emulator;
  let client: SalesforceClient;
  beforeAll(async () => {
    ({ emu, client } = await startChaosOrg());
    await client.apiVersion();
  });
  afterAll(async () => {
    await emu.stop();
  });

  async function noRequest(work: () => Promise<unknown>): Promise<unknown> {
    const before = emu.stats.requests;
    const error = await work().then(() => undefined, (e: unknown) => e);
    expect(emu.stats.requests).withContext('requests sent').toBe(before);
    return error;
  }

  async function rawError(method: 'GET' | 'POST' | 'PATCH', path: string, data?: unknown, headers?: Record<string, string>) {
    const e = await client.request({ method, path, data, headers }).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(SalesforceApiError);
    return e as SalesforceApiError;
  }

  async function untilDone(job: BulkIngestJob): Promise<JobInfo> {
    let info = await lastValueFrom(job.info$());
    for (let i = 0; i < 200 && !['JobComplete', 'Failed'].includes(info.state); i++) {
      await new Promise(r => setTimeout(r, 10));
      info = await lastValueFrom(job.info$());
    }
    return info;
  }

  it('malformed ids fail before any request', async () => {
    for (const id of ['001', 'not-an-id!!!!!!', '001xx000003DGb2AAZ', '']) {
      const e = await noRequest(() => fetch(Account, id, { client }));
      expect(e).withContext(id).toBeInstanceOf(ValidationError);
    }
  });

  it('a 32,001-character value and a wrong type fail in the model, naming the field and record', async () => {
    const e = await noRequest(() => saveInsert(Account, { Name: 'x'.repeat(32_001) }, { client })) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.field).toBe('Name');
    const rows = [{ Name: 'ok' }, { Name: 'bad', NumberOfEmployees: 'many' as unknown as number }];
    const e2 = await noRequest(() => lastValueFrom(from(rows).pipe(insertRecords(Account, { client })))) as ValidationError;
    expect(e2).toBeInstanceOf(ValidationError);
    expect(e2.recordIndex).toBe(1);
    expect(e2.field).toBe('NumberOfEmployees');
  });

  it('an Id on insert fails before any request; sent anyway, the emulator refuses it as Salesforce does', async () => {
    const existing = emu.store.insert('Account', { Name: 'kept' });
    const id = existing.id as string;
    const rows = [{ Name: 'new' }, { Id: id, Name: 'x' }];
    const e = await noRequest(() => insertList(Account, rows, { client })) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.recordIndex).toBe(1);
    expect(e.field).toBe('Id');
    expect([...emu.store.scan('Account')].filter(r => r.Name === 'x' || r.Name === 'new')).toEqual([]);
    const raw = await rawError('POST', 'sobjects/Account', { Id: id, Name: 'x' });
    expect(raw.status).toBe(400);
    expect(raw.errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(raw.fields).toEqual(['Id']);
    const collection = await client.request<Array<{ success: boolean; errors: Array<{ statusCode: string }> }>>({
      method: 'POST', path: 'composite/sobjects',
      data: { allOrNone: false, records: [{ attributes: { type: 'Account' }, Id: id, Name: 'x' }] } });
    expect(collection.data[0]?.success).toBeFalse();
    expect(collection.data[0]?.errors[0]?.statusCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(emu.store.get(id)?.Name).toBe('kept');
  });

  it('the emulator answers unknown objects, unknown fields and too-long values as Salesforce does', async () => {
    const noObject = await rawError('POST', 'sobjects/NoSuchThing__c', { Name: 'x' });
    expect(noObject.status).toBe(404);
    expect(noObject.errorCode).toBe('NOT_FOUND');
    const noField = await rawError('POST', 'sobjects/Account', { Name: 'x', Bogus__c: 1 });
    expect(noField.status).toBe(400);
    expect(noField.errorCode).toBe('INVALID_FIELD');
    const tooLong = await rawError('POST', 'sobjects/Account', { Name: 'x'.repeat(256) });
    expect(tooLong.errorCode).toBe('STRING_TOO_LONG');
    expect(tooLong.fields).toEqual(['Name']);
    const wrongType = await rawError('POST', 'sobjects/Account', { Name: 'x', NumberOfEmployees: 'many' });
    expect(wrongType.status).toBe(400);
  });

  it('invalid UTF-8 and broken JSON get a 400 error body, not a crash', async () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x4e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22]);
    const e = await rawError('POST', 'sobjects/Account', bytes, { 'Content-Type': 'application/json' });
    expect(e.status).toBe(400);
    expect(e.errorCode).toMatch(/JSON_PARSER_ERROR|INVALID/);
    const still = await client.request<{ totalSize: number }>({ method: 'GET', path: 'query', params: { q: 'SELECT COUNT() FROM Account' } });
    expect(still.status).toBe(200);
  });

  it('a CSV upload with broken quoting fails the job with an errorMessage', async () => {
    const job = await BulkIngestJob.create({ object: 'Account', operation: 'insert' }, { client });
    await lastValueFrom(job.upload$('Name,Description\n"unterminated,quote\nok,"x\n'), { defaultValue: undefined });
    await lastValueFrom(job.close$());
    const info = await untilDone(job);
    expect(info.state).toBe('Failed');
    expect(info.errorMessage).toMatch(/\S/);
  });

  it('invalid UTF-8 uploaded to a bulk job is answered, not a crash: bad bytes become U+FFFD, other rows intact', async () => {
    const job = await BulkIngestJob.create({ object: 'Account', operation: 'insert' }, { client });
    // "Name\nA<ff fe>B\nC\n": a Latin-1 export sent as if it were UTF-8
    await lastValueFrom(job.upload$(Uint8Array.from([0x4e, 0x61, 0x6d, 0x65, 0x0a, 0x41, 0xff, 0xfe, 0x42, 0x0a, 0x43, 0x0a])),
      { defaultValue: undefined });
    await lastValueFrom(job.close$());
    const info = await untilDone(job);
    expect(info.state).toBe('JobComplete');
    expect(info.numberRecordsProcessed).toBe(2);
    const names = [...emu.store.scan('Account')].map(r => r.Name);
    expect(names).toContain('A\uFFFD\uFFFDB');
    expect(names).toContain('C');
  });

  it('a huge record: refused by the model before sending; a > 50 MB JSON body gets 413 REQUEST_ENTITY_TOO_LARGE', async () => {
    const huge = 'x'.repeat(50 * 1024 * 1024 + 1);
    const e = await noRequest(() => saveInsert(Account, { Name: huge }, { client })) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.field).toBe('Name');
    expect(e.message.length).withContext('the message does not carry the value').toBeLessThan(1000);
    const raw = await rawError('POST', 'sobjects/Account', { Name: 'x', Description: huge });
    expect(raw.status).toBe(413);
    expect(raw.errorCode).toBe('REQUEST_ENTITY_TOO_LARGE');
  });

  it('rxforce load of a CSV with broken quoting prints one clear line and starts no job', async () => {
    const tmp = scratchDir();
    try {
      const file = tmp.path('broken.csv');
      writeFileSync(file, 'Name,Industry\nok,Energy\n"unterminated,Energy\n');
      const jobsBefore = emu.stats.apiRequests;
      const res = await rxforce(['load', 'insert', 'Account', file, ...loginFlags(emu)]);
      expect(res.code).toBe(2);
      expect(res.stdout).toBe('');
      const lines = res.stderr.trimEnd().split('\n');
      expect(lines.length).withContext(res.stderr).toBe(1);
      expect(lines[0]).toMatch(/^rxforce: .*broken\.csv:3: broken CSV: .*quote/i);
      expect(emu.stats.apiRequests - jobsBefore).withContext('describe calls only').toBeLessThanOrEqual(3);
      expect([...emu.store.scan('Account')].some(r => r.Name === 'ok')).toBeFalse();
    } finally {
      tmp.remove();
    }
  });

  it('SOQL injection through the builder stays a literal', async () => {
    const hostile = "x' OR Name != '";
    const soql = select(Account).where({ Name: hostile }).toSoql();
    expect(soql).toContain("'x\\' OR Name != \\''");
    const rows = await client.request<{ totalSize: number }>({ method: 'GET', path: 'query', params: { q: soql } });
    expect(rows.data.totalSize).toBe(0);
  });
});
