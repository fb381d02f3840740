import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { SalesforceClient } from '../../../src/client/client.js';
import { errorFromResponse } from '../../../src/client/errors.js';
import type { RetryConfig, SfResponse, TransportRequest } from '../../../src/client/types.js';
import { defineSObject, sf } from '../../../src/model/index.js';
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

export interface Sent {
  req: TransportRequest;
  /** The request body's records (collections), or ids (retrieve, delete). */
  size: number;
}

/** The body of a successful collections answer for `req`. */
export function okResults(req: TransportRequest, offset = 0): unknown[] {
  const body = req.data as { records?: unknown[]; ids?: string[] } | undefined;
  if (req.method === 'DELETE') {
    const ids = new URL(req.url).searchParams.get('ids')!.split(',');
    return ids.map((id) => ({ id, success: true, errors: [] }));
  }
  return (body?.records ?? []).map((_r, i) => ({ id: fakeId(offset + i + 1), success: true, errors: [] }));
}

/**
 * A client whose transport answers with `respond(req, n)` (n = request number), each answer a cold marble from the
 * TestScheduler so timing, concurrency and cancellation are visible to `expectSubscriptions`.
 */
export function fakeClient(
  scheduler: TestScheduler,
  respond: (req: TransportRequest, n: number) => Observable<SfResponse<unknown>>,
  opts: { maxConcurrent?: number; retry?: Partial<RetryConfig> } = {},
): { client: SalesforceClient; sent: Sent[] } {
  const sent: Sent[] = [];
  const client = new SalesforceClient({
    login: { accessToken: 'test-token', instanceUrl: 'https://example.my.salesforce.com' },
    apiVersion: '62.0',
    retry: opts.retry ?? false,
    scheduler,
    maxConcurrent: opts.maxConcurrent ?? 25,
    transport: (req) => {
      const body = req.data as { records?: unknown[]; ids?: string[] } | undefined;
      const size = req.method === 'DELETE' ? new URL(req.url).searchParams.get('ids')!.split(',').length : (body?.records ?? body?.ids ?? []).length;
      sent.push({ req, size });
      return respond(req, sent.length - 1);
    },
  });
  return { client, sent };
}

/** An SfResponse for a marble value. */
export function response(req: TransportRequest, data: unknown, status = 200): SfResponse<unknown> {
  return { status, headers: {}, data, method: req.method, url: req.url };
}

/** A typed error as the axios transport raises it for a non-2xx answer. */
export function httpError(req: TransportRequest, status: number, data: unknown): Error {
  return errorFromResponse({ status, data, method: req.method, url: req.url, headers: {} });
}

export function accounts(n: number): { Name: string }[] {
  return Array.from({ length: n }, (_v, i) => ({ Name: `Account ${i}` }));
}
