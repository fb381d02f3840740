/**
 * Marble-testing a user pipeline (`pipeline.ts`) with rxforce/testing: canned Salesforce answers arrive when their
 * marbles say, and the assertions are on what the pipeline emits and what it sent. In an app, import from
 * 'rxforce/testing'.
 */
import { TestScheduler } from 'rxjs/testing';
import { collectionResults, createTestClient, queryPages, rejected, respond, saved, sfRecord, sfError } from '../../src/testing/index.js';
import { tagUnclassified$ } from './pipeline.js';

const ids = ['001000000000001AAA', '001000000000002AAA', '001000000000003AAA'];
const [page1, page2] = queryPages([
  [sfRecord('Account', { Id: ids[0], Name: 'Acme', Industry: null }), sfRecord('Account', { Id: ids[1], Name: 'Globex', Industry: null })],
  [sfRecord('Account', { Id: ids[2], Name: 'Initech', Industry: null })],
]);

interface SentRecord { id?: string; Id?: string; Industry?: string }

describe('tagUnclassified$ (marble-tested with rxforce/testing)', () => {
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
});
