/** A scripted transport for pipeline specs: counts calls and requests in flight. */
import { defer, finalize, type Observable } from 'rxjs';
import { errorFromResponse } from '../../src/client/errors.js';
import type { SfResponse, Transport, TransportRequest } from '../../src/client/types.js';

export interface FakeTransport {
  transport: Transport;
  calls: TransportRequest[];
  readonly inFlight: number;
  readonly maxInFlight: number;
}

export function fakeTransport(handler: (req: TransportRequest, n: number) => Observable<SfResponse<unknown>>): FakeTransport {
  const calls: TransportRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const transport: Transport = req => defer(() => {
    calls.push(req);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return handler(req, calls.length).pipe(finalize(() => { inFlight--; }));
  });
  return { transport, calls, get inFlight() { return inFlight; }, get maxInFlight() { return maxInFlight; } };
}

export function ok<T>(req: TransportRequest, data: T, headers: Record<string, string> = {}, status = 200): SfResponse<T> {
  return { status, headers, data, method: req.method, url: req.url };
}

export function fail(req: TransportRequest, status: number, data: unknown, headers: Record<string, string> = {}): Error {
  return errorFromResponse({ status, headers, data, method: req.method, url: req.url });
}

export const VERSIONS = [{ label: "Summer '14", url: '/services/data/v31.0', version: '31.0' },
  { label: "Winter '25", url: '/services/data/v62.0', version: '62.0' }, { label: "Spring '24", url: '/services/data/v60.0', version: '60.0' }];
