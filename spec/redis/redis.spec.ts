import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { firstValueFrom, forkJoin, lastValueFrom, range, mergeMap, toArray } from 'rxjs';
import { SalesforceClient } from '../../src/client/client.js';
import { ApiBudgetExceededError } from '../../src/client/errors.js';
import type { LoginFlow, Session } from '../../src/client/types.js';
import { redisApiUsage, redisLimiter, redisSessionCache } from '../../src/redis/index.js';
import { redact } from '../../src/util/redact.js';
import { startCountingOrg, type CountingOrg } from './support/org.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A login flow that counts its logins and hands out a fresh token each time. */
function countingLogin(instanceUrl: string): LoginFlow & { logins: number } {
  const flow = {
    kind: 'counting', logins: 0,
    login(): Promise<Session> {
      flow.logins++;
      return Promise.resolve({ accessToken: `00Dspec!token-${flow.logins}-${uniquePrefix()}`, instanceUrl });
    },
  };
  return flow;
}

describe('rxforce/redis', () => {
  let connections: Redis[];
  let org: CountingOrg | undefined;
  let children: ChildProcess[];
  const connect = () => { const r = new Redis(redisUrl()); connections.push(r); return r; };

  beforeEach(() => { connections = []; children = []; org = undefined; });
  afterEach(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(connections.map(c => c.quit().catch(() => c.disconnect())));
    await org?.close();
  });

  describe('redisLimiter', () => {
    it('keeps two clients on separate connections within one org-wide limit together, and uses all of it', async () => {
      org = await startCountingOrg(40);
      const prefix = uniquePrefix();
      const clientFor = () => new SalesforceClient({
        login: { accessToken: '00Dspec!static', instanceUrl: org!.url }, apiVersion: '62.0',
        limiter: redisLimiter({ redis: connect(), org: '00Dspec', maxConcurrent: 3, prefix }),
      });
      const a = clientFor();
      const b = clientFor();
      const burst = (c: SalesforceClient) => lastValueFrom(range(0, 15).pipe(
        mergeMap(() => c.request$({ method: 'GET', path: 'limits' }), 15), toArray()));
      const [ra, rb] = await Promise.all([burst(a), burst(b)]);
      expect(ra.length + rb.length).toBe(30);
      expect(org.requests).toBe(30);
      expect(org.peakInFlight).toBeLessThanOrEqual(3);
      expect(org.peakInFlight).toBe(3);
      expect(await connections[0]!.zcard(`${prefix}:00Dspec:slots`)).toBe(0);
    });

    it('frees the slot of a holder that died once its lease passes', async () => {
      org = await startCountingOrg(5);
      const prefix = uniquePrefix();
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'support/holder.ts'), redisUrl(),
        `${prefix}-org`, '1500'], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => { if (String(d).includes('held')) resolve(); });
        child.on('exit', code => reject(new Error(`holder exited early (${code})`)));
      });
      const client = new SalesforceClient({
        login: { accessToken: '00Dspec!static', instanceUrl: org.url }, apiVersion: '62.0',
        limiter: redisLimiter({ redis: connect(), org: `${prefix}-org`, maxConcurrent: 1 }),
      });
      let answered = false;
      const request = firstValueFrom(client.request$({ method: 'GET', path: 'limits' })).then(r => { answered = true; return r; });
      await new Promise(r => setTimeout(r, 400));
      expect(answered).withContext('the live holder keeps its slot').toBeFalse();
      expect(org.requests).toBe(0);
      child.kill('SIGKILL');
      const res = await request;
      expect(res.status).toBe(200);
      expect(org.requests).toBe(1);
    });

    it('drops a request unsubscribed while it waits for a slot: never sent, and no slot left taken', async () => {
      org = await startCountingOrg(300);
      const prefix = uniquePrefix();
      const redis = connect();
      const client = new SalesforceClient({
        login: { accessToken: '00Dspec!static', instanceUrl: org.url }, apiVersion: '62.0',
        limiter: redisLimiter({ redis, org: '00Dspec', maxConcurrent: 1, prefix }),
      });
      const first = firstValueFrom(client.request$({ method: 'GET', path: 'limits' }));
      await new Promise(r => setTimeout(r, 100));
      const queued = client.request$({ method: 'GET', path: 'limits' }).subscribe();
      await new Promise(r => setTimeout(r, 50));
      queued.unsubscribe();
      await first;
      await new Promise(r => setTimeout(r, 200));
      expect(org.requests).toBe(1);
      expect(await redis.zcard(`${prefix}:00Dspec:slots`)).toBe(0);
    });

    it('refuses a limit that is not a positive integer before touching Redis', () => {
      const redis = connect();
      expect(() => redisLimiter({ redis, org: 'x', maxConcurrent: 0 })).toThrowError(RangeError, /maxConcurrent/);
      expect(() => new SalesforceClient({ maxConcurrent: 5, limiter: redisLimiter({ redis, org: 'x', maxConcurrent: 5 }) }))
        .toThrowError(TypeError, /either maxConcurrent or limiter/);
    });
  });

  describe('redisApiUsage', () => {
    it('stops new work on another process\'s client once the org passed the budget there', async () => {
      org = await startCountingOrg(1);
      const prefix = uniquePrefix();
      const shareA = redisApiUsage({ redis: connect(), org: '00Dspec', prefix });
      const shareB = redisApiUsage({ redis: connect(), org: '00Dspec', prefix });
      await Promise.all([shareA.ready, shareB.ready]);
      const session = { accessToken: '00Dspec!static', instanceUrl: org.url };
      const a = new SalesforceClient({ login: session, apiVersion: '62.0', apiUsageShare: shareA });
      const b = new SalesforceClient({ login: session, apiVersion: '62.0', apiBudget: 0.8, apiUsageShare: shareB });
      await firstValueFrom(b.request$({ method: 'GET', path: 'limits' }));
      org.usage = { used: 900, max: 1000 };
      await firstValueFrom(a.request$({ method: 'GET', path: 'limits' }));
      // b read 10/1000 itself; what a read reaches b through Redis
      for (let i = 0; i < 50 && !shareB.latest()?.used; i++) await new Promise(r => setTimeout(r, 20));
      for (let i = 0; i < 50 && shareB.latest()?.used !== 900; i++) await new Promise(r => setTimeout(r, 20));
      const before = org.requests;
      await expectAsync(firstValueFrom(b.request$({ method: 'GET', path: 'limits' }))).toBeRejectedWithError(ApiBudgetExceededError);
      expect(org.requests).toBe(before);
      await Promise.all([shareA.close(), shareB.close()]);
    });
  });

  describe('redisSessionCache', () => {
    it('lets workers of one login share one session, stored encrypted', async () => {
      org = await startCountingOrg(1);
      const name = uniquePrefix();
      const key = 'correct horse battery staple 4521';
      const flow = countingLogin(org.url);
      const workers = [0, 1, 2].map(() => new SalesforceClient({
        login: flow, apiVersion: '62.0', sessionCache: redisSessionCache({ redis: connect(), name, encryptionKey: key }),
      }));
      await firstValueFrom(workers[0]!.request$({ method: 'GET', path: 'limits' }));
      await firstValueFrom(forkJoin(workers.slice(1).map(w => w.request$({ method: 'GET', path: 'limits' }))));
      expect(flow.logins).toBe(1);
      const stored = await connections[0]!.getBuffer(`rxforce:session:${name}`);
      expect(stored).not.toBeNull();
      expect(stored!.toString('latin1')).not.toContain('token-1');
      expect(stored!.toString('latin1')).not.toContain(org.url);
      const wrongKey = redisSessionCache({ redis: connect(), name, encryptionKey: 'another passphrase entirely' });
      expect(await wrongKey.get()).toBeUndefined();
      expect(redact(`key was ${key}`)).not.toContain(key);
    });

    it('logs in again, once, when the shared session is the one the org refused', async () => {
      org = await startCountingOrg(1);
      const name = uniquePrefix();
      const flow = countingLogin(org.url);
      const cache = redisSessionCache({ redis: connect(), name, encryptionKey: new Uint8Array(32).fill(7) });
      const first = new SalesforceClient({ login: flow, apiVersion: '62.0', sessionCache: cache });
      await firstValueFrom(first.request$({ method: 'GET', path: 'limits' }));
      const stale = await cache.get();
      expect(stale?.accessToken).toContain('token-1');
      // the org refuses that session: a second worker reads it from the cache, meets the 401, and must not be handed
      // the same refused token again
      org.refused.add(stale!.accessToken);
      const second = new SalesforceClient({ login: flow, apiVersion: '62.0', sessionCache: cache });
      const res = await firstValueFrom(second.request$({ method: 'GET', path: 'limits' }));
      expect(res.status).toBe(200);
      const fresh = (await cache.get())!;
      expect(fresh.accessToken).toContain('token-2');
      expect(flow.logins).toBe(2);
      expect((await cache.get())?.accessToken).toBe(fresh.accessToken);
    });
  });
});
