/**
 * provideRxforce over Angular's fetch backend (`withFetch()`, as an SSR render in Node uses it) against the emulator:
 * the real wire — JSON, CSV streamed bulk results, binary files, limit headers, expiring sessions — through the app's
 * interceptor.
 */
import '@angular/compiler';
import { type HttpInterceptorFn, provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import type { EnvironmentInjector } from '@angular/core';
import { lastValueFrom, toArray } from 'rxjs';
import type { SalesforceClient } from '../../src/client/client.js';
import { ResourceNotFoundError } from '../../src/client/errors.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { select } from '../../src/soql/index.js';
import { bulkQuery$ } from '../../src/sources/bulk/index.js';
import { downloadFile, fetch, query$, save } from '../../src/sources/index.js';
import { provideRxforce, RXFORCE_CLIENT } from '../../src/angular/index.js';
import { loginTo } from '../support/org.js';
import { Account, ContentVersion } from '../sources/support/fixtures.js';
import { environmentInjector } from './support/injector.js';

describe('rxforce/angular over HttpClient withFetch() against the emulator', () => {
  let emulator: Emulator;
  let injector: EnvironmentInjector;
  let client: SalesforceClient;
  const seen: string[] = [];
  const tracing: HttpInterceptorFn = (req, next) => {
    seen.push(`${req.method} ${new URL(req.url).pathname}`);
    return next(req);
  };

  beforeAll(async () => {
    // every session dies after 6 API requests, so the specs below cross several refreshes
    emulator = await startEmulator({ port: 0, seed: 7, sessionTtlRequests: 6 });
    injector = environmentInjector([
      provideHttpClient(withFetch(), withInterceptors([tracing])),
      provideRxforce({ login: loginTo(emulator), retry: { maxAttempts: 2, baseDelayMs: 5 } }),
    ]);
    client = injector.get(RXFORCE_CLIENT);
  });
  afterAll(async () => {
    injector?.destroy();
    await emulator?.stop();
  });

  it('saves, queries and reads records, logging in again whenever the org expires the session', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `Angular ${i}`);
    const ids: string[] = [];
    for (const Name of names) ids.push((await save(Account, { Name }, { client })).id);
    const listed = await lastValueFrom(query$(select(Account).where({ Name: { like: 'Angular %' } }).orderBy('Name'), { client }).pipe(toArray()));
    expect(listed.map(a => a.Name)).toEqual(names);
    expect((await fetch(Account, ids[3]!, { client })).Name).toBe('Angular 3');
    expect(emulator.stats.logins).toBeGreaterThan(1);
    expect(emulator.stats.faults.sessionExpired).toBeGreaterThan(0);
    expect(seen.filter(s => s === 'POST /services/oauth2/token').length).toBe(emulator.stats.logins);
    expect(client.apiUsage?.used).toBeGreaterThan(0); // Sforce-Limit-Info read from the fetch backend's headers
  });

  it('uploads and downloads a binary file byte-exact', async () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 131 + 17) % 256);
    const { id } = await save(ContentVersion, { Title: 'Bytes', PathOnClient: 'bytes.bin', VersionData: bytes }, { client });
    const downloaded = await downloadFile(ContentVersion, id, { client });
    expect(downloaded.length).toBe(bytes.length);
    expect(Buffer.compare(Buffer.from(downloaded), Buffer.from(bytes))).toBe(0);
  });

  it('reads a bulk query\'s CSV results (requested as a stream in Node)', async () => {
    for (let i = 0; i < 5; i++) await save(Account, { Name: `Bulk ${i}` }, { client });
    const rows = await lastValueFrom(bulkQuery$<{ Name: string }>("SELECT Name FROM Account WHERE Name LIKE 'Bulk %'", { client })
      .pipe(toArray()));
    expect(rows.map(r => r.Name).sort()).toEqual(['Bulk 0', 'Bulk 1', 'Bulk 2', 'Bulk 3', 'Bulk 4']);
  });

  it('reports a missing record as ResourceNotFoundError', async () => {
    await expectAsync(fetch(Account, '001000000000999AAA', { client })).toBeRejectedWithError(ResourceNotFoundError);
  });
});
