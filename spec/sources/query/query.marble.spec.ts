import { take, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { SalesforceClient } from '../../../src/client/client.js';
import type { SfResponse, TransportRequest } from '../../../src/client/types.js';
import { query$ } from '../../../src/sources/query/query.js';

const INSTANCE = 'https://marbles.my.salesforce.com';
const NEXT = '/services/data/v62.0/query/01gM-2';

function response(data: unknown): SfResponse<unknown> {
  return { status: 200, headers: {}, data, method: 'GET', url: '' };
}

const first = response({ totalSize: 4, done: false, nextRecordsUrl: NEXT, records: [{ Id: 'a' }, { Id: 'b' }] });
const second = response({ totalSize: 4, done: true, records: [{ Id: 'c' }, { Id: 'd' }] });

describe('query$ paging in virtual time', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  /** A client whose transport answers the first page and the next page with the given cold Observables. */
  function clientWith(pages: Record<'first' | 'next', Observable<SfResponse<unknown>>>, sent: string[]) {
    return new SalesforceClient({
      login: { accessToken: 'token', instanceUrl: INSTANCE },
      apiVersion: '62.0',
      scheduler,
      transport: (req: TransportRequest) => {
        sent.push(req.url.replace(INSTANCE, ''));
        return req.url.includes('?q=') ? pages.first : pages.next;
      },
    });
  }

  it('requests the next page only after the first one was delivered', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const sent: string[] = [];
      const firstPage = cold<SfResponse<unknown>>('--p|', { p: first });
      const nextPage = cold<SfResponse<unknown>>('-----p|', { p: second });
      const client = clientWith({ first: firstPage, next: nextPage }, sent);
      expectObservable(query$('SELECT Id FROM Account', { client })).toBe('--(ab)-(cd|)', {
        a: { Id: 'a' }, b: { Id: 'b' }, c: { Id: 'c' }, d: { Id: 'd' },
      });
      expectSubscriptions(firstPage.subscriptions).toBe('^--!');
      expectSubscriptions(nextPage.subscriptions).toBe('--^----!'); // subscribed as page 1 was delivered
      scheduler.flush();
      expect(sent).toEqual(['/services/data/v62.0/query?q=SELECT+Id+FROM+Account', NEXT]);
    });
  });

  it('never asks for the next page when the consumer stops within the first', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const sent: string[] = [];
      const firstPage = cold<SfResponse<unknown>>('--p|', { p: first });
      const nextPage = cold<SfResponse<unknown>>('---p|', { p: second });
      const client = clientWith({ first: firstPage, next: nextPage }, sent);
      expectObservable(query$('SELECT Id FROM Account', { client }).pipe(take(2))).toBe('--(ab|)', { a: { Id: 'a' }, b: { Id: 'b' } });
      expectSubscriptions(nextPage.subscriptions).toBe([]);
      scheduler.flush();
      expect(sent.length).toBe(1);
    });
  });

  it('unsubscribing mid-page cancels the next page request', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const firstPage = cold<SfResponse<unknown>>('--p|', { p: first });
      const nextPage = cold<SfResponse<unknown>>('-----p|', { p: second });
      const client = clientWith({ first: firstPage, next: nextPage }, []);
      expectObservable(query$('SELECT Id FROM Account', { client }), '^---!').toBe('--(ab)', { a: { Id: 'a' }, b: { Id: 'b' } });
      expectSubscriptions(nextPage.subscriptions).toBe('--^-!');
    });
  });
});
