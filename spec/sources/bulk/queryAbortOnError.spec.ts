import { of, throwError, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { SalesforceClient } from '../../../src/client/client.js';
import { errorFromResponse } from '../../../src/client/errors.js';
import type { SfResponse, TransportRequest } from '../../../src/client/types.js';
import { bulkQuery$ } from '../../../src/sources/bulk/bulkQuery.js';
import { JOB_ID } from './fakeOrg.js';

/** A query job that is created, then whose status request fails for good (the client does not retry). */
function failingOrg(status: number) {
  const log: string[] = [];
  const transport = (req: TransportRequest): Observable<SfResponse<unknown>> => {
    const path = new URL(req.url).pathname.replace('/services/data/v62.0/', '');
    log.push(`${req.method} ${path}${req.method === 'PATCH' ? ` ${JSON.stringify(req.data)}` : ''}`);
    const info = { id: JOB_ID, operation: 'query', object: 'Account', state: 'UploadComplete', contentType: 'CSV' };
    if (req.method === 'POST' || req.method === 'PATCH') return of({ status: 200, headers: {}, data: { ...info, ...(req.data as object) }, method: req.method, url: '' });
    return throwError(() => errorFromResponse({ status, headers: {}, data: [{ errorCode: 'X', message: 'down' }], method: req.method, url: path }));
  };
  const client = new SalesforceClient({
    login: { accessToken: 'fake-token', instanceUrl: 'https://fake.my.salesforce.com' }, apiVersion: '62.0', transport, retry: false,
  });
  return { client, log };
}

describe('bulkQuery$ failing before its job ends', () => {
  it('aborts the job it started, as bulk ingest does, instead of leaving it running', () => {
    const scheduler = new TestScheduler(() => undefined);
    scheduler.run(() => {
      const org = failingOrg(500);
      let failure: unknown;
      bulkQuery$('SELECT Id FROM Account', { client: org.client, scheduler }).subscribe({ error: e => { failure = e; } });
      scheduler.flush();
      expect(failure).toEqual(jasmine.objectContaining({ status: 500 }));
      expect(org.log).toEqual(['POST jobs/query', `GET jobs/query/${JOB_ID}`, `PATCH jobs/query/${JOB_ID} {"state":"Aborted"}`]);
    });
  });

  it('leaves the job alone after a timeout (it can be attached to and read later)', () => {
    const scheduler = new TestScheduler(() => undefined);
    scheduler.run(() => {
      const org = failingOrg(500);
      bulkQuery$('SELECT Id FROM Account', { client: org.client, scheduler, timeoutMs: 10, polling: { initialMs: 1000 } })
        .subscribe({ error: () => undefined });
      scheduler.flush();
      expect(org.log).toEqual(['POST jobs/query']);
    });
  });
});
