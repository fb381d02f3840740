import { of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ValidationError } from '../../src/client/errors.js';
import type { ListProgress } from '../../src/sources/collections/types.js';
import { deleteList } from '../../src/operators/deleteList.js';
import { fetchList } from '../../src/operators/fetchList.js';
import { insertList } from '../../src/operators/insertList.js';
import { saveList } from '../../src/operators/saveList.js';
import { updateList } from '../../src/operators/updateList.js';
import { upsertList } from '../../src/operators/upsertList.js';
import { ok, type LoggedRequest } from '../../src/testing/index.js';
import { Account, accounts, fakeId, listClient, okResults, sizeOf } from './support/lists.js';

type Body = { records?: Record<string, unknown>[]; ids?: string[] };

/** Answers every collections call at once: echoes update ids, numbers creates, returns rows for retrieves. */
function answer(req: LoggedRequest) {
  const body = req.body as Body | undefined;
  if (body?.ids) return ok(body.ids.map((Id) => ({ attributes: { type: 'Account' }, Id, Name: `N ${Id}` })));
  if (req.method === 'PATCH') {
    const upsert = /\/Account\/External_Id__c$/.test(req.url);
    return ok(body!.records!.map((r, i) => ({ id: (r.id as string) ?? fakeId(500 + i), success: true, errors: [], ...(upsert ? { created: true } : {}) })));
  }
  return ok(okResults(req));
}

describe('Promise twins of the list operations', () => {
  const setup = () => listClient(new TestScheduler((a, e) => expect(a).toEqual(e)), (req) => of(answer(req)));

  it('insertList resolves to one result per record in input order and calls onChunk per batch', async () => {
    const { client, requests: sent } = setup();
    const chunks: ListProgress[] = [];
    const results = await insertList(Account, accounts(450), { client, onChunk: (p) => chunks.push(p) });
    expect(results.length).toBe(450);
    expect(results.every((r) => r.success)).toBeTrue();
    expect(sent.map(sizeOf)).toEqual([200, 200, 50]);
    expect(chunks.map((p) => [p.batch.index, p.batch.size, p.done, p.total])).toEqual([[0, 200, 200, 450], [1, 200, 400, 450], [2, 50, 450, 450]]);
  });

  it('updateList, upsertList and deleteList call onChunk and resolve to results', async () => {
    const { client } = setup();
    const seen: string[] = [];
    const onChunk = (p: ListProgress) => seen.push(`${p.batch.size}:${p.done}`);
    const updated = await updateList(Account, [{ Id: fakeId(1), Name: 'a' }, { Id: fakeId(2), Name: 'b' }], { client, onChunk, batchSize: 1 });
    expect(updated.map((r) => r.id)).toEqual([fakeId(1), fakeId(2)]);
    const upserted = await upsertList(Account, [{ External_Id__c: 'X', Name: 'x' }], 'External_Id__c', { client, onChunk });
    expect(upserted).toEqual([{ id: fakeId(500), success: true, errors: [], created: true }]);
    const deleted = await deleteList([fakeId(3), { Id: fakeId(4) }], { client, onChunk });
    expect(deleted.map((r) => [r.id, r.success])).toEqual([[fakeId(3), true], [fakeId(4), true]]);
    expect(seen).toEqual(['1:1', '1:2', '1:1', '2:2']);
  });

  it('fetchList and saveList call onChunk with positions in the whole input', async () => {
    const { client } = setup();
    const fetched: number[] = [];
    const rows = await fetchList(Account, [fakeId(1), fakeId(2)], { client, onChunk: (p) => fetched.push(p.done) });
    expect(rows.map((r) => r.found && r.record.Id)).toEqual([fakeId(1), fakeId(2)]);
    expect(fetched).toEqual([2]);
    const saved: number[][] = [];
    const results = await saveList(Account, [{ Name: 'new' }, { Id: fakeId(9), Name: 'old' }], { client, onChunk: (p) => saved.push([p.batch.first, p.done, p.total!]) });
    expect(results.map((r) => r.id)).toEqual([fakeId(1), fakeId(9)]);
    // the update (input 1) goes first, then the insert (input 0)
    expect(saved).toEqual([[1, 1, 2], [0, 2, 2]]);
  });

  it('reject with the ValidationError before any request and never call onChunk', async () => {
    const { client, requests: sent } = setup();
    const onChunk = jasmine.createSpy('onChunk');
    const error = await insertList(Account, [{ Name: 'ok' }, { Name: 'x'.repeat(81) }], { client, onChunk }).catch((e: unknown) => e);
    expect(error).toEqual(jasmine.any(ValidationError));
    expect((error as ValidationError).recordIndex).toBe(1);
    expect(onChunk).not.toHaveBeenCalled();
    expect(sent.length).toBe(0);
  });
});
