import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SalesforceClient } from '../../../src/client/client.js';
import { jsonFileCheckpointStore, MissingPeerError, sqliteSink } from '../../../src/node/index.js';
import { loadPeer } from '../../../src/node/sync/peer.js';
import { applyTo, replicate$, type Checkpoint, type ReplicationEvent } from '../../../src/sync/index.js';
import { withOrg } from '../../support/org.js';
import { insertAll, orgRows, untilRounds } from './support.js';

describe('replicate$ against the emulator', () => {
  let client: SalesforceClient;
  let dir: string;

  withOrg({ each: true }, org => ({ client } = org));
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'rxforce-sync-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads through a Bulk API 2.0 query above bulkThreshold, typed as the REST rounds are', async () => {
    await insertAll(client, 'Account', [
      { Name: 'Acme', AnnualRevenue: 1250000, NumberOfEmployees: 40, Industry: 'Energy' },
      { Name: 'Globex' },
    ]);
    const fields = ['Name', 'AnnualRevenue', 'NumberOfEmployees', 'Industry', 'SystemModstamp', 'CreatedDate'];
    const events = await untilRounds(replicate$('Account', { client, bulkThreshold: 1, fields }), 1);
    expect(events.find(e => e.type === 'progress')).toEqual(jasmine.objectContaining({ via: 'bulk', total: 2 }));
    const loaded = new Map(events.flatMap(e => (e.type === 'upsert' ? [[e.record.Id, e.record] as const] : [])));
    const org = await orgRows(client, 'Account', fields);
    expect(loaded.size).toBe(2);
    for (const [id, row] of org) expect(loaded.get(id)).toEqual(jasmine.objectContaining(row));
  });

  it('emits a row changed out of the where filter as an out-of-scope delete, and one changed into it as an upsert', async () => {
    const [a, b] = await insertAll(client, 'Account', [{ Name: 'A', Industry: 'Energy' }, { Name: 'B', Industry: 'Technology' }]);
    const sink = sqliteSink(join(dir, 'mirror.db'));
    const run = () => replicate$('Account', { client, checkpoint: sink, fields: ['Name', 'Industry'], where: "Industry = 'Energy'" }).pipe(applyTo(sink));
    const first = await untilRounds(run(), 1);
    expect(first.flatMap(e => (e.type === 'upsert' ? [e.record.Id] : []))).toEqual([a]);
    await client.request({ method: 'PATCH', path: `sobjects/Account/${a}`, data: { Industry: 'Technology' } });
    await client.request({ method: 'PATCH', path: `sobjects/Account/${b}`, data: { Industry: 'Energy' } });
    const next = await untilRounds(run(), 1);
    expect(next.filter(e => e.type === 'delete')).toEqual([jasmine.objectContaining({ id: a, reason: 'out-of-scope' })]);
    expect(next.flatMap(e => (e.type === 'upsert' ? [e.record.Id] : []))).toContain(b);
    const db = await sink.database();
    expect(db.prepare('SELECT Id FROM Account').all()).toEqual([{ Id: b }]);
    await sink.close();
  });

  it('resyncs a mirror whose checkpoint the delete log no longer reaches, removing rows gone from the org', async () => {
    const [acme] = await insertAll(client, 'Account', [{ Name: 'Acme' }]);
    const sink = sqliteSink(join(dir, 'mirror.db'));
    const old = '2020-01-01T00:00:00.000Z';
    const stale: Checkpoint = { object: 'Account', field: 'SystemModstamp', watermark: old, where: null, loadedAt: old, deletesCoveredTo: old };
    const ghost = '001000000000000AAA';
    await sink.apply([
      { type: 'schema', object: 'Account', fields: [{ name: 'Id', type: 'id' }, { name: 'SystemModstamp', type: 'datetime' }, { name: 'Name', type: 'string' }], added: [], removed: [] },
      { type: 'upsert', object: 'Account', record: { Id: ghost, SystemModstamp: old, Name: 'Deleted long ago' } },
      { type: 'checkpoint', object: 'Account', checkpoint: stale },
    ]);
    const events = await untilRounds(replicate$('Account', { client, checkpoint: sink, fields: ['Name'] }).pipe(applyTo(sink)), 1);
    expect(events.find(e => e.type === 'phase')).toEqual(jasmine.objectContaining({ phase: 'resync', reason: 'checkpoint-expired' }));
    const db = await sink.database();
    expect(db.prepare('SELECT Id, Name FROM Account').all()).toEqual([{ Id: acme, Name: 'Acme' }]);
    const stored = await sink.load('Account');
    expect(Date.parse(stored!.watermark)).toBeGreaterThan(Date.parse(old));
    await sink.close();
  });

  it('keeps checkpoints in a JSON file, replaced whole (written, flushed, renamed)', async () => {
    const path = join(dir, 'checkpoints.json');
    const store = jsonFileCheckpointStore(path);
    expect(await store.load('Account')).toBeUndefined();
    await insertAll(client, 'Account', [{ Name: 'Acme' }]);
    const events: ReplicationEvent[] = await untilRounds(replicate$('Account', { client, checkpoint: store, fields: ['Name'] }), 1);
    const checkpoint = events.flatMap(e => (e.type === 'checkpoint' ? [e.checkpoint] : [])).at(-1)!;
    await Promise.all([store.save(checkpoint), store.save({ ...checkpoint, object: 'Contact' })]);
    expect(await store.load('account')).toEqual(checkpoint);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ checkpoints: { Account: checkpoint, Contact: { ...checkpoint, object: 'Contact' } } });
    // a restart from the file is incremental
    const again = await untilRounds(replicate$('Account', { client, checkpoint: store, fields: ['Name'] }), 1);
    expect(again.some(e => e.type === 'phase' && e.phase === 'initial')).toBeFalse();
  });

  it('restarted from the checkpoint a sink stored, does not apply again the changes that checkpoint covers', async () => {
    const [a, b] = await insertAll(client, 'Account', [{ Name: 'A' }, { Name: 'B' }]);
    const sink = sqliteSink(join(dir, 'mirror.db'));
    const run = () => replicate$('Account', { client, checkpoint: sink, fields: ['Name'], pollInterval: 50 }).pipe(applyTo(sink));
    const rounds = untilRounds(run(), 2);
    await client.request({ method: 'PATCH', path: `sobjects/Account/${a}`, data: { Name: 'A 2' } });
    await rounds;
    const stored = (await sink.load('Account'))!;
    // every change since the watermark (the whole default overlap of 60 s: all of them) is remembered
    expect(Object.values(stored.seen ?? {}).flat()).toEqual(jasmine.arrayWithExactContents([a, b]));
    const [c] = await insertAll(client, 'Account', [{ Name: 'C' }]);
    const again = await untilRounds(run(), 1);
    expect(again.flatMap(e => (e.type === 'upsert' ? [e.record.Name] : []))).toEqual(['C']);
    const db = await sink.database();
    const mirror = () => db.prepare('SELECT Id, Name FROM Account ORDER BY Name').all();
    expect(mirror()).toEqual([{ Id: a, Name: 'A 2' }, { Id: b, Name: 'B' }, { Id: c, Name: 'C' }]);
    // a checkpoint stored before checkpoints remembered changes still loads: its first round applies them again
    const { seen: _seen, ...old } = (await sink.load('Account'))!;
    await sink.save(old);
    const fromOld = await untilRounds(run(), 1);
    expect(fromOld.flatMap(e => (e.type === 'upsert' ? [e.record.Id] : []))).toEqual(jasmine.arrayWithExactContents([a, b, c]));
    expect(mirror()).toEqual([{ Id: a, Name: 'A 2' }, { Id: b, Name: 'B' }, { Id: c, Name: 'C' }]);
    await sink.close();
  });

  it('names the package to install when an optional peer is missing', async () => {
    await expectAsync(loadPeer('rxforce-no-such-peer', 'The test sink')).toBeRejectedWith(jasmine.any(MissingPeerError));
    await expectAsync(loadPeer('rxforce-no-such-peer', 'The test sink')).toBeRejectedWithError(/The test sink needs the rxforce-no-such-peer package: npm install rxforce-no-such-peer/);
  });
});
