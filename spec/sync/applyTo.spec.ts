import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { applyTo, type ReplicationEvent, type ReplicationSink } from '../../src/index.js';

const upsert = (n: number): ReplicationEvent => ({ type: 'upsert', object: 'Account', record: { Id: `001${n}` } });
const checkpoint: ReplicationEvent = {
  type: 'checkpoint', object: 'Account',
  checkpoint: { object: 'Account', field: 'SystemModstamp', watermark: '2024-05-01T00:00:00.000Z', where: null, loadedAt: '2024-05-01T00:00:00.000Z' },
};

/** A sink that records each batch and commits when told. */
function recordingSink(fail?: (batch: readonly ReplicationEvent[]) => boolean) {
  const batches: ReplicationEvent[][] = [];
  const sink: ReplicationSink = {
    apply: async events => {
      if (fail?.(events)) throw new Error('disk full');
      batches.push([...events]);
    },
    load: () => Promise.resolve(undefined),
    save: () => Promise.resolve(),
    status: () => Promise.resolve([]),
    close: () => Promise.resolve(),
  };
  return { sink, batches };
}

describe('applyTo', () => {
  it('commits rows together with the checkpoint that follows them, and emits each event after its commit', async () => {
    const { sink, batches } = recordingSink();
    const events = [upsert(1), upsert(2), checkpoint, upsert(3), upsert(4), upsert(5), checkpoint];
    const out = await lastValueFrom(from(events).pipe(applyTo(sink, { batchSize: 2 }), toArray()));
    expect(out).toEqual(events);
    expect(batches.map(b => b.map(e => e.type))).toEqual([
      ['upsert', 'upsert'], ['checkpoint'], ['upsert', 'upsert'], ['upsert', 'checkpoint'],
    ]);
  });

  it('emits nothing of a batch that failed to commit, and fails with the sink error', async () => {
    const { sink } = recordingSink(batch => batch.some(e => e.type === 'upsert' && e.record.Id === '0013'));
    const seen: ReplicationEvent[] = [];
    const run = new Promise<void>((resolve, reject) => {
      from([upsert(1), checkpoint, upsert(2), upsert(3), checkpoint]).pipe(applyTo(sink))
        .subscribe({ next: e => seen.push(e), error: reject, complete: resolve });
    });
    await expectAsync(run).toBeRejectedWithError('disk full');
    // the first batch was committed and emitted; nothing of the failed one was
    expect(seen).toEqual([upsert(1), checkpoint]);
  });

  it('flushes a round summary at once, so a log line does not wait for the next batch', async () => {
    const { sink, batches } = recordingSink();
    const source = new Subject<ReplicationEvent>();
    const out: ReplicationEvent[] = [];
    source.pipe(applyTo(sink)).subscribe(e => out.push(e));
    source.next(upsert(1));
    source.next({ type: 'round', object: 'Account', phase: 'incremental', upserts: 1, deletes: 0, lagMs: 5, requests: 1 });
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(out.map(e => e.type)).toEqual(['upsert', 'round']);
    expect(batches.length).toBe(1);
    source.complete();
  });

  it('refuses a batch size that is not a whole number ≥ 1', () => {
    const { sink } = recordingSink();
    expect(() => applyTo(sink, { batchSize: 0 })).toThrowError(RangeError, /batchSize/);
  });
});
