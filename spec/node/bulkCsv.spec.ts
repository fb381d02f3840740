import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { lastValueFrom, toArray } from 'rxjs';
import { SalesforceClient } from '../../src/client/client.js';
import { axiosTransport } from '../../src/client/transport.js';
import type { TransportRequest } from '../../src/client/types.js';
import { bulkIngestCsv, bulkIngestCsv$, csvFileRecords } from '../../src/node/bulkCsv.js';
import { startHarness, type Harness } from '../emulator/bulk/harness.js';

const polling = { initialMs: 10, factor: 1.5, maxMs: 40 };

describe('CSV sources for bulk ingest (rxforce/node)', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'rxforce-csv-spec-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  describe('csvFileRecords', () => {
    it('reads records keyed by header: BOM skipped, quotes, line breaks, unicode, relationship columns', async () => {
      const file = join(dir, 'a.csv');
      writeFileSync(file, '\uFEFFName,Account.External_Id__c,Description\n"Acme, ""Inc""",EXT-1,"two\nlines"\n日本,EXT-2,\n');
      const rows: Record<string, string>[] = [];
      for await (const r of csvFileRecords(file)) rows.push(r);
      expect(rows).toEqual([
        { 'Name': 'Acme, "Inc"', 'Account.External_Id__c': 'EXT-1', 'Description': 'two\nlines' },
        { 'Name': '日本', 'Account.External_Id__c': 'EXT-2', 'Description': '' },
      ]);
    });

    it('honours the column delimiter and fails on a row with the wrong number of values', async () => {
      const file = join(dir, 'b.csv');
      writeFileSync(file, 'Name\tSite\nA\tx,y\nB\n');
      const rows: Record<string, string>[] = [];
      const err = await (async () => { for await (const r of csvFileRecords(file, { columnDelimiter: 'TAB' })) rows.push(r); })()
        .catch((e: unknown) => e);
      expect(rows.length).toBeLessThanOrEqual(1);               // never a record with a value missing
      expect(rows.every(r => r.Site === 'x,y')).toBeTrue();
      expect(String(err)).toMatch(/Invalid Record Length/i);
    });
  });

  describe('bulkIngestCsv$ (raw bytes)', () => {
    let h: Harness;
    let puts: Buffer[];
    let client: SalesforceClient;
    beforeEach(async () => {
      h = await startHarness(20_000);
      puts = [];
      const real = axiosTransport();
      client = new SalesforceClient({
        login: { accessToken: 'x', instanceUrl: h.base.replace(/\/services.*$/, '') }, apiVersion: '62.0',
        transport: (req: TransportRequest) => {
          if (req.method === 'PUT') puts.push(Buffer.from(req.data as Uint8Array));
          return real(req);
        },
      });
    });
    afterEach(async () => { await h.stop(); });

    const header = 'Name,Description,NumberOfEmployees\r\n';
    const lines = [
      '"Acme, ""Inc""","two\r\nlines",10\r\n',
      ',missing name,20\r\n',                              // fails: Name is required
      '日本 株式会社,é,30\r\n',
      '"Acme, ""Inc""","two\r\nlines",10\r\n',             // a duplicate row: both accounted for
      'Last,no line end,abc',                                // fails: not a number; last record without CRLF
    ];

    it('uploads the bytes as they are, in parts cut at record ends, and matches every result to its row', async () => {
      const file = join(dir, 'raw.csv');
      const bytes = Buffer.from(header + lines.join(''));
      writeFileSync(file, bytes);
      const events = await lastValueFrom(bulkIngestCsv$('Account', 'insert', file,
        { client, polling, lineEnding: 'CRLF', partSizeBytes: 90 }).pipe(toArray()));
      expect(events.filter(e => e.type === 'upload').length).toBe(puts.length);
      expect(puts.length).toBeGreaterThanOrEqual(3);
      for (const p of puts) {
        expect(p.length).toBeLessThanOrEqual(90);
        expect(p.subarray(0, header.length).toString()).toBe(header);
      }
      // every byte of every record went up untouched (the last record gains only its line end)
      const bodies = Buffer.concat(puts.map(p => p.subarray(header.length))).toString();
      expect(bodies).toBe(lines.join('') + '\r\n');
      const result = events[events.length - 1];
      if (result.type !== 'result') throw new Error(`ended with ${result.type}`);
      expect(result.successful.map(s => s.record.row).sort()).toEqual([1, 3, 4]);
      expect(result.failed.map(f => f.record.row).sort()).toEqual([2, 5]);
      expect(result.failed.find(f => f.record.row === 2)!.error).toMatch(/^REQUIRED_FIELD_MISSING:/);
      expect(result.failed.find(f => f.record.row === 5)!.record.values).toEqual(
        { Name: 'Last', Description: 'no line end', NumberOfEmployees: 'abc' });
      expect(result.unprocessed).toEqual([]);
      const stored = h.store.get(result.successful.find(s => s.record.row === 3)!.id)!;
      expect(stored.Name).toBe('日本 株式会社');
      expect(h.store.get(result.successful.find(s => s.record.row === 1)!.id)!.Description).toBe('two\r\nlines');
    });

    it('takes a Readable of odd-sized chunks, and streams results without keeping rows', async () => {
      const text = 'Name\n' + Array.from({ length: 300 }, (_, i) => `"Chunked, ${i}"\n`).join('');
      const buf = Buffer.from(text);
      const chunks = Array.from({ length: Math.ceil(buf.length / 7) }, (_, i) => buf.subarray(i * 7, i * 7 + 7));
      const summary = await bulkIngestCsv('Account', 'insert', Readable.from(chunks), { client, polling, results: 'stream', partSizeBytes: 1000 });
      expect(summary).toEqual(jasmine.objectContaining({ type: 'summary', successful: 300, failed: 0, unprocessed: 0 }));
      expect(puts.length).toBeGreaterThanOrEqual(4);
      expect(h.store.count('Account')).toBe(300);
    });

    it('refuses a CSV without data rows before creating a job', async () => {
      const err = await bulkIngestCsv('Account', 'insert', Readable.from(['Name\n']), { client }).catch((e: unknown) => e);
      expect(String(err)).toContain('no data rows');
      expect((await h.http.get('/jobs/ingest')).data).not.toContain('"id"');
    });
  });
});
