import { existsSync, readFileSync } from 'node:fs';
import { firstValueFrom, lastValueFrom, take, timer, toArray } from 'rxjs';
import { parseEmulatorArgs, runEmulatorCli } from '../../src/emulator/main.js';
import { changeEvents$, PubSubError, ReplayIdExpiredError } from '../../src/sources/streaming/index.js';
import { startOrg } from '../support/org.js';

describe('emulator Pub/Sub API', () => {
  it('serves TLS with a certificate made at start; a client trusting the printed file subscribes', async () => {
    let clock = Date.UTC(2026, 0, 5);
    const { emulator, client } = await startOrg({ now: () => clock, pubsub: { changeDataCapture: 'all' } });
    try {
      const { tlsPort, certFile } = emulator.pubsub!;
      expect(tlsPort).toBeGreaterThan(0);
      expect(readFileSync(certFile!, 'utf8')).toContain('BEGIN CERTIFICATE');
      const first = firstValueFrom(changeEvents$('/data/AccountChangeEvent', { client, endpoint: `localhost:${tlsPort}`,
        tls: { certFile: certFile! } }));
      while (emulator.pubsub!.stats.openStreams === 0) await firstValueFrom(timer(5));
      await firstValueFrom(client.request$({ method: 'POST', path: 'sobjects/Account', data: { Name: 'over TLS' } }));
      expect((await first).fields.Name).toBe('over TLS');
      clock += 1;
    } finally {
      await emulator.stop();
    }
    expect(existsSync(emulator.pubsub!.certFile!)).withContext('the certificate file goes with the emulator').toBeFalse();
  });

  it('authenticates by a live session: an expired one is refreshed once, a wrong org is refused', async () => {
    let clock = Date.UTC(2026, 0, 5);
    const { emulator, client } = await startOrg({ now: () => clock, sessionTtlSeconds: 60,
      pubsub: { changeDataCapture: ['Account'], tlsPort: false } });
    try {
      const endpoint = `127.0.0.1:${emulator.pubsub!.port}`;
      const stale = await client.session();
      clock += 120_000; // the session timed out
      const events = lastValueFrom(changeEvents$('/data/AccountChangeEvent', { client, endpoint, tls: false }).pipe(take(1), toArray()));
      while (emulator.pubsub!.stats.openStreams === 0) await firstValueFrom(timer(5));
      await firstValueFrom(client.request$({ method: 'POST', path: 'sobjects/Account', data: { Name: 'after refresh' } }));
      expect((await events)[0].fields.Name).toBe('after refresh');
      expect((await client.session()).accessToken).not.toBe(stale.accessToken);

      const { SalesforceClient } = await import('../../src/client/client.js');
      const foreign = new SalesforceClient({ login: { ...(await client.session()), organizationId: '00D000000000001AAA' } });
      const err = await firstValueFrom(changeEvents$('/data/AccountChangeEvent', { client: foreign, endpoint, tls: false }))
        .catch((e: unknown) => e);
      // refused by the server, then the static session cannot be refreshed: the subscription fails, token-free
      expect((err as Error).name).toBe('AuthenticationError');
      expect(String((err as Error).message)).not.toContain((await client.session()).accessToken);
    } finally {
      await emulator.stop();
    }
  });

  it('holds at most maxEvents: older replay ids are refused as past retention, EARLIEST starts at the oldest held', async () => {
    const { emulator, client } = await startOrg({ pubsub: { changeDataCapture: ['Account'], tlsPort: false, maxEvents: 3 } });
    try {
      const opts = { client, endpoint: `127.0.0.1:${emulator.pubsub!.port}`, tls: false as const, reconnect: false as const };
      for (let i = 0; i < 5; i++) {
        await firstValueFrom(client.request$({ method: 'POST', path: 'sobjects/Account', data: { Name: `n${i}` } }));
      }
      await firstValueFrom(timer(20));
      const held = await lastValueFrom(changeEvents$('/data/AccountChangeEvent', { ...opts, replay: 'earliest' }).pipe(take(3), toArray()));
      expect(held.map(e => e.fields.Name)).toEqual(['n2', 'n3', 'n4']);
      const first = Buffer.alloc(8);
      first.writeBigUInt64BE(1n);
      await expectAsync(firstValueFrom(changeEvents$('/data/AccountChangeEvent', { ...opts, replay: { replayId: first.toString('base64') } })))
        .toBeRejectedWith(jasmine.any(ReplayIdExpiredError));
    } finally {
      await emulator.stop();
    }
  });

  it('refuses an unknown topic with NOT_FOUND, naming it', async () => {
    const { emulator, client } = await startOrg({ pubsub: { tlsPort: false } });
    try {
      const err = await firstValueFrom(changeEvents$('/data/NopeChangeEvent', { client, endpoint: `127.0.0.1:${emulator.pubsub!.port}`,
        tls: false, reconnect: false })).catch((e: unknown) => e as PubSubError);
      expect(err).toEqual(jasmine.any(PubSubError));
      expect((err as PubSubError).code).toBe(5);
      expect((err as PubSubError).message).toContain('/data/NopeChangeEvent');
    } finally {
      await emulator.stop();
    }
  });

  it('prints the Pub/Sub ports and the certificate file in the banner (--cdc)', async () => {
    expect(parseEmulatorArgs(['--cdc', 'Account,Contact']).pubsub).toEqual({ changeDataCapture: ['Account', 'Contact'] });
    expect(() => parseEmulatorArgs(['--pubsub-port', 'x'])).toThrowError(/--pubsub-port/);
    const lines: string[] = [];
    const stop = new AbortController();
    const running = runEmulatorCli(['--port', '0', '--cdc', 'all'], { log: l => lines.push(l), signal: stop.signal });
    const pubsubLine = () => lines.find(l => l.includes('Pub/Sub API'));
    for (let i = 0; i < 3000 && !pubsubLine(); i++) await firstValueFrom(timer(10));
    stop.abort();
    await running;
    expect(pubsubLine()).toMatch(/^ {2}Pub\/Sub API on 127\.0\.0\.1:\d+ \(plaintext\) · TLS on 127\.0\.0\.1:\d+, certificate \S+\.pem$/);
  });
});
