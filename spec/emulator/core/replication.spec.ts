import { Api } from './helpers.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('emulator getUpdated / getDeleted', () => {
  let clock: number;
  let api: Api;
  const window = (kind: 'updated' | 'deleted', start: number, end: number, type = 'Account') =>
    api.call('GET', `/sobjects/${type}/${kind}/?start=${encodeURIComponent(iso(start))}&end=${encodeURIComponent(iso(end))}`);
  const errorOf = async (res: Promise<{ status: number; json<T>(): T }>) => {
    const r = await res;
    return { status: r.status, code: r.json<{ errorCode: string; message: string }[]>()[0]?.errorCode,
      message: r.json<{ errorCode: string; message: string }[]>()[0]?.message };
  };

  beforeEach(async () => {
    clock = Date.UTC(2024, 4, 1, 10, 0, 30);
    api = await Api.start({ now: () => clock, recycleBinRetentionMs: 60 * MINUTE });
  });
  afterEach(async () => { await api.emu.stop(); });

  it('ignores the seconds of start and end, and covers whole minutes up to the org clock', async () => {
    const early = await api.create('Account', { Name: 'at 10:00:30' });
    clock = Date.UTC(2024, 4, 1, 10, 1, 10);
    const late = await api.create('Account', { Name: 'at 10:01:10' });
    clock = Date.UTC(2024, 4, 1, 10, 3, 0);
    // 10:00:45 is read as 10:00:00 (early is in), 10:01:59 as 10:01:00 (late is out)
    const res = (await window('updated', Date.UTC(2024, 4, 1, 10, 0, 45), Date.UTC(2024, 4, 1, 10, 1, 59))).json();
    expect(res).toEqual({ ids: [early], latestDateCovered: '2024-05-01T10:01:00.000+0000' });
    // an end in the future is covered only up to the org's last whole minute
    const all = (await window('updated', Date.UTC(2024, 4, 1, 10, 0, 0), clock + DAY)).json();
    expect(all.ids).toEqual([early, late]);
    expect(all.latestDateCovered).toBe('2024-05-01T10:03:00.000+0000');
  });

  it('refuses a window whose start does not precede its end, once seconds are dropped', async () => {
    const same = await errorOf(window('updated', Date.UTC(2024, 4, 1, 10, 0, 5), Date.UTC(2024, 4, 1, 10, 0, 55)));
    expect(same).toEqual({ status: 400, code: 'INVALID_REPLICATION_DATE', message: jasmine.stringMatching(/follow the startDate/) });
    expect((await errorOf(window('deleted', clock, clock - 2 * MINUTE))).code).toBe('INVALID_REPLICATION_DATE');
    const missing = await errorOf(api.call('GET', `/sobjects/Account/updated/?start=${encodeURIComponent(iso(clock))}`));
    expect(missing).toEqual({ status: 400, code: 'MISSING_ARGUMENT', message: 'end must be specified as a valid dateTime value' });
    const garbage = await errorOf(api.call('GET', '/sobjects/Account/deleted/?start=yesterday&end=today'));
    expect(garbage).toEqual({ status: 400, code: 'INVALID_REPLICATION_DATE', message: 'start is not a valid dateTime value: yesterday' });
    expect((await api.call('POST', `/sobjects/Account/updated/?start=${iso(clock - MINUTE)}&end=${iso(clock)}`)).status).toBe(405);
  });

  it('reaches back 30 days for updates and 15 days for deletes, counted from the day of the call', async () => {
    const today = Date.UTC(2024, 4, 1);
    expect((await window('updated', today - 30 * DAY, clock)).status).toBe(200);
    expect(await errorOf(window('updated', today - 30 * DAY - MINUTE, clock)))
      .toEqual({ status: 400, code: 'INVALID_REPLICATION_DATE', message: 'startDate cannot be more than 30 days ago' });
    expect((await window('deleted', today - 15 * DAY, clock)).status).toBe(200);
    expect(await errorOf(window('deleted', today - 15 * DAY - MINUTE, clock)))
      .toEqual({ status: 400, code: 'INVALID_REPLICATION_DATE', message: 'startDate cannot be more than 15 days ago' });
  });

  it('lists deletes in order of deletion with their SystemModstamp, and never lists them as updated', async () => {
    const a = await api.create('Account', { Name: 'a' });
    const b = await api.create('Account', { Name: 'b' });
    clock += MINUTE;
    await api.call('DELETE', `/sobjects/Account/${b}`);
    clock += 1000;
    await api.call('DELETE', `/sobjects/Account/${a}`);
    clock += 2 * MINUTE;
    const start = Date.UTC(2024, 4, 1, 10, 0);
    const deleted = (await window('deleted', start, clock)).json();
    expect(deleted).toEqual({
      deletedRecords: [{ id: b, deletedDate: '2024-05-01T10:01:30.000+0000' }, { id: a, deletedDate: '2024-05-01T10:01:31.000+0000' }],
      earliestDateAvailable: '2024-05-01T10:00:30.000+0000', latestDateCovered: '2024-05-01T10:03:00.000+0000' });
    expect((await window('updated', start, clock)).json().ids).toEqual([]);
  });

  it('purges deleted records after the recycle bin retention: queryAll loses them and older windows are refused', async () => {
    const gone = await api.create('Account', { Name: 'purged' });
    const kept = await api.create('Account', { Name: 'kept' });
    clock = Date.UTC(2024, 4, 1, 10, 5, 0);
    await api.call('DELETE', `/sobjects/Account/${gone}`);
    clock = Date.UTC(2024, 4, 1, 10, 40, 0);
    await api.call('DELETE', `/sobjects/Account/${kept}`);
    const queryAll = async () => (await api.call('GET', `/queryAll/?q=${encodeURIComponent(
      'SELECT Id FROM Account WHERE IsDeleted = true ORDER BY SystemModstamp')}`)).json().records.map((r: { Id: string }) => r.Id);
    expect(await queryAll()).toEqual([gone, kept]);

    clock = Date.UTC(2024, 4, 1, 11, 20, 0); // 75 min after the first delete, 40 after the second; retention is 60
    const refused = await errorOf(window('deleted', Date.UTC(2024, 4, 1, 10, 0), clock));
    expect(refused.status).toBe(400);
    expect(refused.code).toBe('INVALID_REPLICATION_DATE');
    expect(refused.message).toContain('2024-05-01T10:05:00.000+0000');
    const later = (await window('deleted', Date.UTC(2024, 4, 1, 10, 6), clock)).json();
    expect(later.deletedRecords).toEqual([{ id: kept, deletedDate: '2024-05-01T10:40:00.000+0000' }]);
    expect(later.earliestDateAvailable).toBe('2024-05-01T10:05:00.000+0000');
    expect(await queryAll()).toEqual([kept]);
    expect(api.emu.store.get(gone, { includeDeleted: true })).toBeUndefined();
  });

  it('stamps SystemModstamp and LastModifiedDate with the org clock on REST, collections and Bulk API writes', async () => {
    const read = async (id: string) => (await api.call('GET',
      `/sobjects/Account/${id}?fields=SystemModstamp,LastModifiedDate,CreatedDate`)).json();
    const id = await api.create('Account', { Name: 'rest' });
    expect(await read(id)).toEqual(jasmine.objectContaining({ CreatedDate: '2024-05-01T10:00:30.000+0000',
      SystemModstamp: '2024-05-01T10:00:30.000+0000', LastModifiedDate: '2024-05-01T10:00:30.000+0000' }));

    clock = Date.UTC(2024, 4, 1, 10, 2, 7, 250);
    expect((await api.call('PATCH', `/sobjects/Account/${id}`, { Name: 'rest 2' })).status).toBe(204);
    expect(await read(id)).toEqual(jasmine.objectContaining({ CreatedDate: '2024-05-01T10:00:30.000+0000',
      SystemModstamp: '2024-05-01T10:02:07.250+0000', LastModifiedDate: '2024-05-01T10:02:07.250+0000' }));

    clock = Date.UTC(2024, 4, 1, 10, 4, 0);
    const coll = await api.call('PATCH', '/composite/sobjects', { allOrNone: true,
      records: [{ attributes: { type: 'Account' }, id, Name: 'collections' }] });
    expect(coll.status).withContext(coll.text).toBe(200);
    expect((await read(id)).SystemModstamp).toBe('2024-05-01T10:04:00.000+0000');

    clock = Date.UTC(2024, 4, 1, 10, 6, 0);
    const job = (await api.call('POST', '/jobs/ingest', { object: 'Account', operation: 'update', lineEnding: 'LF' })).json();
    expect((await api.call('PUT', `/jobs/ingest/${job.id}/batches`, `Id,Name\n${id},bulk\n`,
      { 'Content-Type': 'text/csv' })).status).toBe(201);
    await api.call('PATCH', `/jobs/ingest/${job.id}`, { state: 'UploadComplete' });
    for (let i = 0; i < 500; i++) {
      const state = (await api.call('GET', `/jobs/ingest/${job.id}`)).json().state;
      if (state === 'JobComplete' || state === 'Failed') break;
      await new Promise(r => setTimeout(r, 10));
    }
    expect(await read(id)).toEqual(jasmine.objectContaining({ SystemModstamp: '2024-05-01T10:06:00.000+0000',
      LastModifiedDate: '2024-05-01T10:06:00.000+0000' }));
    clock = Date.UTC(2024, 4, 1, 10, 8, 0);
    expect((await window('updated', Date.UTC(2024, 4, 1, 10, 5), clock)).json().ids).toEqual([id]);
  });
});
