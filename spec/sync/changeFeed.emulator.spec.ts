import { firstValueFrom, type Subscription, timer } from 'rxjs';
import type { SalesforceClient } from '../../src/client/client.js';
import type { Emulator } from '../../src/emulator/index.js';
import { changeDataCapture } from '../../src/node/sync/changeDataCapture.js';
import { replicate$, type Checkpoint, type ReplicationEvent } from '../../src/sync/index.js';
import { startOrg } from '../support/org.js';

const FIELDS = ['Name', 'Industry', 'NumberOfEmployees'];

/** A mirror as a sink holds it: rows by Id, partial upserts merged, the last checkpoint. */
function mirror() {
  const rows = new Map<string, Record<string, unknown>>();
  const events: ReplicationEvent[] = [];
  let checkpoint: Checkpoint | undefined;
  return {
    rows, events,
    get checkpoint() { return checkpoint; },
    apply(e: ReplicationEvent) {
      events.push(e);
      if (e.type === 'upsert') rows.set(e.record.Id, { ...rows.get(e.record.Id), ...e.record });
      else if (e.type === 'delete') rows.delete(e.id);
      else if (e.type === 'checkpoint') checkpoint = e.checkpoint;
    },
  };
}

describe('replicate$ with Change Data Capture (emulator)', () => {
  let emulator: Emulator;
  let client: SalesforceClient;
  let clock: number | undefined;
  let subs: Subscription[];

  beforeEach(async () => {
    clock = undefined;
    subs = [];
    ({ emulator, client } = await startOrg({ now: () => clock ?? Date.now(), pubsub: { changeDataCapture: ['Account'], tlsPort: false } }));
  });
  afterEach(async () => {
    for (const s of subs) s.unsubscribe();
    await emulator.stop();
  });

  const feed = () => changeDataCapture({ endpoint: `127.0.0.1:${emulator.pubsub!.port}`, tls: false, batchSize: 20 });
  const rest = async (method: 'POST' | 'PATCH' | 'DELETE', path: string, data?: unknown) =>
    (await firstValueFrom(client.request$({ method, path, data }))).data as { id?: string };
  /** The org's Accounts as the mirror should hold them. */
  const org = () => new Map([...emulator.store.scan('Account')].map(r => [r.Id, FIELDS.map(f => r[f] ?? null)]));
  const held = (m: ReturnType<typeof mirror>) => new Map([...m.rows].map(([id, r]) => [id, FIELDS.map(f => r[f] ?? null)]));
  const until = async (what: () => boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!what()) {
      if (Date.now() > end) throw new Error('timed out waiting');
      await firstValueFrom(timer(10));
    }
  };
  /** Follows with polling an hour away, so only change events (and reconciling rounds) can bring changes. */
  const follow = (m: ReturnType<typeof mirror>, checkpoint?: Checkpoint) => {
    const sub = replicate$('Account', { client, fields: FIELDS, pollInterval: 3_600_000, overlapMs: 1000, checkpoint,
      changeEvents: feed() }).subscribe({ next: e => m.apply(e), error: (err: unknown) => fail(err) });
    subs.push(sub);
    return sub;
  };
  const following = (m: ReturnType<typeof mirror>) => until(() => m.events.some(e => e.type === 'phase' && e.detail === 'following change events')
    && emulator.pubsub!.stats.openStreams > 0 && m.events.filter(e => e.type === 'round').length >= 2);

  it('applies changes as their events come, under churn with the subscriber killed and restarted: the mirror equals the org', async () => {
    for (let i = 0; i < 5; i++) await rest('POST', 'sobjects/Account', { Name: `seed ${i}`, NumberOfEmployees: i });
    const m = mirror();
    let sub = follow(m);
    await following(m);
    const roundsBefore = m.events.filter(e => e.type === 'round' && e.requests > 0).length;
    const ids = [...org().keys()];
    const churn = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const pick = ids[(i * 7) % ids.length];
        if (i % 5 === 0) ids.push((await rest('POST', 'sobjects/Account', { Name: `new ${ids.length}` })).id!);
        else if (i % 7 === 3 && org().has(pick)) await rest('DELETE', `sobjects/Account/${pick}`);
        else if (org().has(pick)) await rest('PATCH', `sobjects/Account/${pick}`, { Industry: i % 2 ? 'Energy' : null, NumberOfEmployees: i });
      }
    };
    await churn(40);
    await until(() => JSON.stringify([...held(m)].sort()) === JSON.stringify([...org()].sort()));
    // changes came by events, not by polling rounds
    expect(m.events.filter(e => e.type === 'round' && e.requests > 0).length).toBe(roundsBefore);
    expect(m.checkpoint?.replayId).toMatch(/^[A-Za-z0-9+/]+=*$/);

    // killed: the org changes while no one listens; restarted from the stored checkpoint
    sub.unsubscribe();
    await churn(30);
    const stored = m.checkpoint!;
    sub = follow(m, stored);
    await until(() => JSON.stringify([...held(m)].sort()) === JSON.stringify([...org()].sort()));
    // and a dropped connection mid-churn
    emulator.pubsub!.dropStreams();
    await churn(20);
    await until(() => JSON.stringify([...held(m)].sort()) === JSON.stringify([...org()].sort()));
    expect(m.events.some(e => e.type === 'round' && e.lagMs !== undefined && e.requests === 0)).toBeTrue();
  });

  it('runs a reconciling polling round on a gap event, so the change it stands for reaches the mirror', async () => {
    const { id } = await rest('POST', 'sobjects/Account', { Name: 'before gap' });
    const m = mirror();
    follow(m);
    await following(m);
    const polled = () => m.events.filter(e => e.type === 'round' && e.requests > 0).length;
    const before = polled();
    emulator.pubsub!.sendGapEvents(1);
    await rest('PATCH', `sobjects/Account/${id}`, { Name: 'after gap' });
    await until(() => m.rows.get(id!)?.Name === 'after gap');
    expect(polled()).toBe(before + 1);
  });

  it('reconciles by polling when the stored replay id is past the 72-hour retention, then follows from the tip', async () => {
    clock = Date.now();
    const { id } = await rest('POST', 'sobjects/Account', { Name: 'old' });
    const m = mirror();
    let sub = follow(m);
    await following(m);
    await rest('PATCH', `sobjects/Account/${id}`, { Name: 'seen' });
    await until(() => m.rows.get(id!)?.Name === 'seen');
    sub.unsubscribe();
    clock += 73 * 3600_000;
    await rest('PATCH', `sobjects/Account/${id}`, { Name: 'while away' });
    sub = follow(m, m.checkpoint);
    await until(() => m.rows.get(id!)?.Name === 'while away');
    await until(() => m.events.some(e => e.type === 'phase' && /no longer keeps replay id/.test(e.detail ?? '')));
    await until(() => emulator.pubsub!.stats.openStreams > 0);
    await firstValueFrom(timer(50));
    await rest('PATCH', `sobjects/Account/${id}`, { Name: 'after' });
    await until(() => m.rows.get(id!)?.Name === 'after');
  });

  it('keeps polling an object that has no change events', async () => {
    const m = mirror();
    const sub = replicate$('Document', { client, fields: ['Name'], pollInterval: 50, changeEvents: feed() })
      .subscribe({ next: e => m.apply(e), error: (err: unknown) => fail(err) });
    subs.push(sub);
    await until(() => m.events.some(e => e.type === 'phase' && /^polling: /.test(e.detail ?? '')));
    await until(() => m.events.filter(e => e.type === 'round').length >= 3);
  });
});
