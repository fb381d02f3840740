/**
 * Marble-testing user pipelines (`pipeline.ts`) with rxforce/testing: canned Salesforce answers arrive when their
 * marbles say, and the assertions are on what the pipeline emits and what it sent. In an app, import from
 * 'rxforce/testing'.
 */
import { TestScheduler } from 'rxjs/testing';
import {
  collectionResults, createTestClient, ingestJobRoutes, queryPages, rejected, respond, saved, sfError, sfRecord, unavailable,
} from '../../src/testing/index.js';
import { loadAccounts$, tagUnclassified$ } from './pipeline.js';

const ids = ['001000000000001AAA', '001000000000002AAA', '001000000000003AAA'];
const [page1, page2] = queryPages([
  [sfRecord('Account', { Id: ids[0], Name: 'Acme', Industry: null }), sfRecord('Account', { Id: ids[1], Name: 'Globex', Industry: null })],
  [sfRecord('Account', { Id: ids[2], Name: 'Initech', Industry: null })],
]);

interface SentRecord { id?: string; Id?: string; Industry?: string }

describe('pipelines marble-tested with rxforce/testing', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('saves each batch as soon as it is full and reports progress, then a summary with the failures', () => {
    scheduler.run(({ cold, expectObservable, flush }) => {
      const t = createTestClient(scheduler, {
        routes: [
          respond('GET', /\/query\?q=/, cold('-a|', { a: page1 })),
          respond('GET', '/query/01gTEST-', cold('--b|', { b: page2 })),
          // every save takes 3 frames; Initech fails a validation rule
          respond('PATCH', '/composite/sobjects', req => cold('---r|', {
            r: collectionResults((req.body as { records: SentRecord[] }).records.map(r => {
              const id = r.id ?? r.Id!;
              return id === ids[2] ? rejected('FIELD_CUSTOM_VALIDATION_EXCEPTION', 'Industry is locked', ['Industry'], id) : saved(id);
            })),
          })),
        ],
      });

      expectObservable(tagUnclassified$(t.client, 2)).toBe('----a-(bc|)', {
        a: { type: 'saved', done: 2, failed: 0 },
        b: { type: 'saved', done: 3, failed: 1 },
        c: { type: 'summary', tagged: 2, failed: ['FIELD_CUSTOM_VALIDATION_EXCEPTION'] },
      });
      flush();

      const saves = t.requestsTo('PATCH', '/composite/sobjects');
      expect(saves.map(s => s.time)).toEqual([1, 3]); // the first batch did not wait for the second page
      const sent = saves.flatMap(s => (s.body as { records: SentRecord[] }).records);
      expect(sent.map(r => r.Industry)).toEqual(['Other', 'Other', 'Other']);
      expect(sent.every(r => !('Name' in r))).toBeTrue(); // onlyChanges: the name was not touched
      expect(t.requests[0].query.q).toBe('SELECT Id, Name, Industry FROM Account WHERE Industry = null');
    });
  });

  it('ends in the error of a query Salesforce rejects, before saving anything', () => {
    scheduler.run(({ cold, expectObservable, flush }) => {
      const t = createTestClient(scheduler, {
        routes: [respond('GET', /\/query\?q=/, cold('--e|', { e: sfError(400, 'INVALID_FIELD', "No such column 'Industry' on entity 'Account'") }))],
      });
      expectObservable(tagUnclassified$(t.client)).toBe('--#', undefined, jasmine.objectContaining({ errorCode: 'INVALID_FIELD', status: 400 }));
      flush();
      expect(t.requestsTo('PATCH', '/composite/sobjects')).toEqual([]);
    });
  });

  it('waits out a 503 on the second page with the retry backoff, in virtual time, and loses no record', () => {
    scheduler.run(({ cold, expectObservable, flush }) => {
      const t = createTestClient(scheduler, {
        retry: { baseDelayMs: 500 }, // test clients have no jitter: the first retry waits exactly 2 ** 1 * 500 ms
        routes: [
          respond('GET', /\/query\?q=/, cold('-a|', { a: page1 })),
          respond('GET', '/query/01gTEST-', unavailable(), cold('--b|', { b: page2 })),
          respond('PATCH', '/composite/sobjects', req => collectionResults(
            (req.body as { records: SentRecord[] }).records.map(r => saved(r.id ?? r.Id!)))),
        ],
      });
      // page 1 arrives at 1 and is saved at once; page 2 fails at 1, is asked again at 1001 and arrives at 1003
      expectObservable(tagUnclassified$(t.client, 2)).toBe('-a 1001ms (bc|)', {
        a: { type: 'saved', done: 2, failed: 0 },
        b: { type: 'saved', done: 3, failed: 0 },
        c: { type: 'summary', tagged: 3, failed: [] },
      });
      flush();
      expect(t.requestsTo('GET', '/query/01gTEST-').map(r => r.time)).toEqual([1, 1001]);
    });
  });

  it('follows a bulk job through its states, polling with backoff in virtual time', () => {
    scheduler.run(({ expectObservable, flush }) => {
      const t = createTestClient(scheduler, {
        routes: ingestJobRoutes({
          polls: ['InProgress', 'InProgress', 'JobComplete'],
          info: { numberRecordsProcessed: 2, numberRecordsFailed: 1 },
          successful: `"sf__Id","sf__Created",Name\n${ids[0]},true,Acme\n`,
          failed: '"sf__Id","sf__Error",Name\n"","DUPLICATE_VALUE:duplicate value found: Name:--",Globex\n',
        }),
      });
      // created and uploaded at 0; polled at 1 s, 3 s and 7 s (waits of 1, 2, 4 s); repeated states are not re-emitted
      expectObservable(loadAccounts$(t.client, ['Acme', 'Globex'])).toBe('(ab) 996ms c 5999ms (de|)', {
        a: 'Open', b: 'UploadComplete', c: 'InProgress', d: 'JobComplete', e: '1 created, 1 failed',
      });
      flush();
      expect(t.requestsTo('GET', /jobs\/ingest\/\w+$/).map(r => r.time)).toEqual([1000, 3000, 7000]);
      expect(t.requestsTo('PUT', '/batches')[0].body).toBe('Name\nAcme\nGlobex\n');
    });
  });
});
