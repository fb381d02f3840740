import { lastValueFrom } from 'rxjs';
import type { SalesforceClient } from '../../src/client/client.js';
import type { Emulator } from '../../src/emulator/index.js';
import { defineSObject, sf } from '../../src/model/index.js';
import { fetchList, fetchList$ } from '../../src/operators/fetchList.js';
import { insertList } from '../../src/operators/insertList.js';
import { deleteList } from '../../src/operators/deleteList.js';
import { withOrg } from '../support/org.js';

const Account = defineSObject('Account', {
  Id: sf.id(),
  Name: sf.string({ length: 255 }),
  NumberOfEmployees: sf.int().optional(),
  CreatedDate: sf.datetime({ readonly: true }).optional(),
});

describe('fetchList$ against the emulator', () => {
  let emu: Emulator;
  let client: SalesforceClient;
  withOrg({ client: { retry: false } }, org => ({ emulator: emu, client } = org));

  it('reads 2,500 ids in two requests, keeping deleted ids as not found in their place', async () => {
    const rows = Array.from({ length: 2500 }, (_v, i) => ({ Name: `Fetch ${i}`, NumberOfEmployees: i }));
    const saved = await insertList(Account, rows, { client });
    const ids = saved.map((r) => r.id!);
    await deleteList([ids[5], ids[2100]], { client });
    const before = emu.stats.apiRequests;
    const chunks: number[] = [];
    const results = await fetchList(Account, ids, { client, onChunk: (p) => chunks.push(p.batch.size) });
    expect(emu.stats.apiRequests - before).toBe(2);
    expect(chunks.sort()).toEqual([2000, 500]);
    expect(results.length).toBe(2500);
    expect(results[5]).toEqual(jasmine.objectContaining({ id: ids[5], found: false, record: null }));
    expect(results[2100].found).toBeFalse();
    const sixth = results[6];
    expect(sixth.found && sixth.record.Name).toBe('Fetch 6');
    expect(sixth.found && sixth.record.NumberOfEmployees).toBe(6);
    expect(sixth.found && sixth.record.CreatedDate).toEqual(jasmine.any(Date));
    expect(results.filter((r) => r.found).length).toBe(2498);
  });

  it('completes with done/failed counts for the whole list', async () => {
    const saved = await insertList(Account, [{ Name: 'one' }, { Name: 'two' }], { client });
    const complete = await lastValueFrom(fetchList$(Account, [saved[0].id!, '001000000000000AAA', saved[1].id!], { client }));
    expect(complete.type).toBe('complete');
    expect(complete.type === 'complete' && [complete.done, complete.failed]).toEqual([3, 1]);
  });
});
