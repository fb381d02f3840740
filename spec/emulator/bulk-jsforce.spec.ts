import jsforce from 'jsforce';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { jsforceConnection } from '../support/org.js';

describe('Bulk API 2.0 with jsforce against the emulator', () => {
  let emu: Emulator;
  let conn: jsforce.Connection;

  beforeEach(async () => {
    emu = await startEmulator({ port: 0 });
    conn = await jsforceConnection(emu);
    conn.bulk2.pollInterval = 20;
    conn.bulk2.pollTimeout = 20_000;
  });
  afterEach(async () => { await emu.stop(); });

  it('loads records and reconciles successes and failures', async () => {
    const input = [
      // jsforce takes the CSV header from the first record, so every record carries the same keys.
      { Name: 'jsforce One', Description: 'plain' },
      { Name: 'jsforce "Two", with comma', Description: 'multi\nline' },
      { Name: '', Description: 'no name' },
    ];
    const res = await conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'insert', input });
    expect(res.successfulResults.length).toBe(2);
    expect(res.failedResults.length).toBe(1);
    expect(res.unprocessedRecords.length).toBe(0);
    expect(String(res.failedResults[0].sf__Error)).toMatch(/^REQUIRED_FIELD_MISSING:/);
    const ok = res.successfulResults as Record<string, unknown>[];
    const names = ok.map(r => r.Name).sort();
    expect(names).toEqual(['jsforce "Two", with comma', 'jsforce One']);
    const two = ok.find(r => r.Name === 'jsforce "Two", with comma');
    expect(emu.store.get(String(two?.sf__Id))?.Description).toBe('multi\nline');
  });

  it('streams a bulk query as records', async () => {
    await conn.bulk2.loadAndWaitForResults({
      object: 'Account', operation: 'insert',
      input: Array.from({ length: 50 }, (_, i) => ({ Name: `Bulk Q ${i}`, External_Id__c: `BQ-${i}` })),
    });
    const stream = await conn.bulk2.query("SELECT Name, External_Id__c FROM Account WHERE Name LIKE 'Bulk Q %'");
    const rows: Record<string, unknown>[] = [];
    await new Promise<void>((resolve, reject) => {
      stream.on('record', (r: Record<string, unknown>) => rows.push(r));
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    expect(rows.length).toBe(50);
    expect(rows.map(r => r.External_Id__c).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `BQ-${i}`).sort());
  });
});
