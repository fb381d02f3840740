import { Readable } from 'node:stream';
import { defer, lastValueFrom, type Observable, switchMap, toArray } from 'rxjs';
import { passwordLogin } from '../../../src/client/auth/index.js';
import { SalesforceClient } from '../../../src/client/client.js';
import { ExpiredSessionError } from '../../../src/client/errors.js';
import { axiosTransport } from '../../../src/client/transport.js';
import type { SfResponse, TransportRequest } from '../../../src/client/types.js';
import { type Emulator, startEmulator } from '../../../src/emulator/index.js';
import { bulkInsert$ } from '../../../src/sources/bulk/bulkInsert.js';
import { BulkIngestJob } from '../../../src/sources/bulk/ingestJob.js';
import type { BulkIngestEvent, BulkIngestResult } from '../../../src/sources/bulk/types.js';

const polling = { initialMs: 10, factor: 1.5, maxMs: 40 };

/**
 * The session ends while a big part is on its way (a Node stream, read once). The org answers 401 without storing
 * the part; the client logs in again, and the part must be sent again whole with a fresh body, never the stream it
 * already read.
 */
describe('bulk ingest when the session expires during an upload', () => {
  let emulator: Emulator;
  let puts: { bytes: number; status: number | string }[];
  /** PUT numbers (from 1) before which the org forgets the session they carry. */
  let expireBefore: Set<number>;

  beforeAll(async () => { emulator = await startEmulator(); });
  afterAll(async () => { await emulator.stop(); });
  beforeEach(() => {
    puts = [];
    expireBefore = new Set();
  });

  function client(): SalesforceClient {
    const real = axiosTransport();
    const transport = (req: TransportRequest): Observable<SfResponse<unknown>> => {
      if (req.method !== 'PUT') return real(req);
      return defer(async () => {
        const n = puts.length + 1;
        const entry = { bytes: 0, status: 'pending' as number | string };
        puts.push(entry);
        if (expireBefore.has(n)) await revoke(req.headers.Authorization.replace(/^Bearer /, ''));
        // count what actually goes out: a stream already read sends nothing
        if (req.data instanceof Readable) {
          const source = req.data;
          req = { ...req, data: Readable.from((async function* () {
            for await (const chunk of source) { entry.bytes += (chunk as Uint8Array).byteLength; yield chunk as Uint8Array; }
          })(), { objectMode: false }) };
        } else {
          entry.bytes = typeof req.data === 'string' ? Buffer.byteLength(req.data) : -1;
        }
        return { req, entry };
      }).pipe(switchMap(({ req: out, entry }) => new Promise<SfResponse<unknown>>((resolve, reject) => {
        real(out).subscribe({
          next: res => { entry.status = res.status; resolve(res); },
          error: (e: unknown) => { entry.status = (e as { status?: number }).status ?? String(e); reject(e); },
        });
      })));
    };
    const { username, password, securityToken, consumerKey, consumerSecret } = emulator.credentials;
    return new SalesforceClient({
      login: passwordLogin({ loginUrl: emulator.url, username, password, securityToken, consumerKey, consumerSecret }),
      apiVersion: '62.0', transport, retry: { maxAttempts: 3, baseDelayMs: 1, jitter: 'none' }, transferTimeoutMs: 20_000,
    });
  }

  async function revoke(token: string): Promise<void> {
    const res = await fetch(`${emulator.url}/services/oauth2/revoke`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }),
    });
    expect(res.status).toBe(200);
  }

  const marked = (prefix: string) => [...emulator.store.scan('Account')].map(r => String(r.Name)).filter(n => n.startsWith(prefix));

  it('sends the part again with a fresh body after logging in again: every record once, and says so', async () => {
    // parts of about 1.5 MB, each a stream over its bytes
    const input = Array.from({ length: 9_000 }, (_, i) => ({ Name: `Expiry ${i}`, Description: `${i} ${'d'.repeat(400)}` }));
    expireBefore = new Set([2]);
    const events = await lastValueFrom(bulkInsert$('Account', input, { client: client(), polling, partSizeBytes: 1_500_000 })
      .pipe(toArray())) as BulkIngestEvent<unknown>[];
    const result = events[events.length - 1] as BulkIngestResult<unknown>;
    expect(result.job.state).toBe('JobComplete');
    expect(result.successful.length).toBe(9_000);
    expect(result.failed).toEqual([]);
    expect(events.filter(e => e.type === 'partResent')).toEqual([
      jasmine.objectContaining({ type: 'partResent', part: 2, attempt: 2, reason: jasmine.stringContaining('Session expired') }),
    ]);
    expect(events.some(e => e.type === 'rerun')).toBeFalse();
    // the re-sent part went out whole, with the new session
    expect(puts.map(p => p.status)).toEqual([201, 401, 201, ...puts.slice(3).map(() => 201)]);
    expect(puts[2].bytes).toBe(puts[1].bytes);
    const names = marked('Expiry ');
    expect(names.length).toBe(9_000);
    expect(new Set(names).size).toBe(9_000);
    expect([...emulator.store.scan('Account')].filter(r => String(r.Name).startsWith('Expiry '))
      .every(r => r.Description === `${String(r.Name).slice(7)} ${'d'.repeat(400)}`)).toBeTrue();
  });

  it('a streamed request is not sent again by the client after a refresh: the caller gets the 401 and a fresh session', async () => {
    const c = client();
    const job = await BulkIngestJob.create({ object: 'Account', operation: 'insert' }, { client: c });
    const before = await c.session();
    expireBefore = new Set([1]);
    const body = Buffer.from('Name\nOnce\n');
    const err = await lastValueFrom(job.upload$({ stream: Readable.from([body]), bytes: body.byteLength }, { retry: false }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExpiredSessionError);
    expect(puts.length).toBe(1);
    // the client logged in again, so the caller's re-send with a fresh body goes out with the new session
    const after = await c.session();
    expect(after.accessToken).not.toBe(before.accessToken);
    await lastValueFrom(job.upload$({ stream: Readable.from([body]), bytes: body.byteLength }, { retry: false }));
    expect(puts.map(p => p.status)).toEqual([401, 201]);
    await lastValueFrom(job.abort$());
  });
});
