/**
 * Models, ids and collection answers for the list operators' marble specs, on rxforce/testing's test client: each
 * request is answered by a cold marble from the TestScheduler, so timing, concurrency and cancellation show.
 */
import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import type { RetryConfig } from '../../../src/client/types.js';
import { defineSObject, sf } from '../../../src/model/index.js';
import { createTestClient, respond, type CannedResponse, type LoggedRequest, type TestClient } from '../../../src/testing/index.js';
import { to18 } from '../../../src/util/ids.js';

export const Account = defineSObject('Account', {
  Id: sf.id(),
  Name: sf.string({ length: 80 }),
  External_Id__c: sf.string({ externalId: true, length: 40 }).optional(),
  NumberOfEmployees: sf.int().optional(),
});

export const Contact = defineSObject('Contact', {
  Id: sf.id(),
  LastName: sf.string({ length: 80 }),
});

/** A valid 18-character id with the given key prefix and serial number. */
export function fakeId(n: number, prefix = '001'): string {
  return to18(`${prefix}${'0'.repeat(12 - String(n).length)}${n}`.slice(0, 15));
}

/** How many records (collections) or ids (retrieve, delete) a request carries. */
export function sizeOf(req: LoggedRequest): number {
  if (req.method === 'DELETE') return req.query.ids.split(',').length;
  const body = req.body as { records?: unknown[]; ids?: string[] } | undefined;
  return (body?.records ?? body?.ids ?? []).length;
}

/** The entries of a successful collections answer for `req`, ids numbered from `offset + 1`. */
export function okResults(req: LoggedRequest, offset = 0): unknown[] {
  if (req.method === 'DELETE') return req.query.ids.split(',').map((id) => ({ id, success: true, errors: [] }));
  const body = req.body as { records?: unknown[] } | undefined;
  return (body?.records ?? []).map((_r, i) => ({ id: fakeId(offset + i + 1), success: true, errors: [] }));
}

/** A non-2xx answer: the test client raises it as the client's typed error, as the real transport does. */
export const failed = (status: number, data: unknown): CannedResponse => ({ status, data });

/**
 * A test client whose every request is answered by `answer(req, n)` (n counts from 0), with no retries unless asked.
 */
export function listClient(
  scheduler: TestScheduler,
  answer: (req: LoggedRequest, n: number) => Observable<CannedResponse> | CannedResponse,
  opts: { maxConcurrent?: number; retry?: Partial<RetryConfig> } = {},
): TestClient {
  let n = 0;
  return createTestClient(scheduler, {
    retry: opts.retry ?? false,
    client: { maxConcurrent: opts.maxConcurrent ?? 25 },
    routes: [respond('*', /./, (req) => answer(req, n++))],
  });
}

export function accounts(n: number): { Name: string }[] {
  return Array.from({ length: n }, (_v, i) => ({ Name: `Account ${i}` }));
}
