import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ResourceNotFoundError, ValidationError } from '../../src/client/errors.js';
import { defineSObject, sf } from '../../src/model/index.js';
import { find } from '../../src/soql/index.js';
import { apex$ } from '../../src/sources/apex/index.js';
import { composite$, compositeBatch$, compositeGraph$, ref, saveTree$, subrequest } from '../../src/sources/composite/index.js';
import { parameterizedSearch$, search$ } from '../../src/sources/search/index.js';
import {
  apexNotFound, apexRoute, compositeAnswer, compositeBatchRoute, compositeRoute, createTestClient, graphRoute, invalidReference, ok,
  respond, ROLLED_BACK, searchRoute, sfRecord, subresponse, treeRoute, unavailable,
} from '../../src/testing/index.js';

const Account = defineSObject('Account', { Id: sf.id(), Name: sf.string({ length: 255 }) });
const Contact = defineSObject('Contact', { Id: sf.id(), LastName: sf.string(), AccountId: sf.reference('Account').optional() });

describe('composite family, search and Apex REST in virtual time', () => {
  let scheduler: TestScheduler;
  beforeEach(() => { scheduler = new TestScheduler((a, e) => expect(a).toEqual(e)); });

  it('composite$: nothing is sent before subscribe; references go out as @{…}; the answer arrives on its frame', () => {
    scheduler.run(({ cold, expectObservable, flush }) => {
      const t = createTestClient(scheduler, { routes: [compositeRoute(undefined, cold('---a|', { a: compositeAnswer([
        subresponse('newAccount', 201, { id: '001000000000001AAA', success: true, errors: [] }),
        subresponse('ref0', 201, { id: '003000000000001AAA', success: true, errors: [] }),
      ]) }))] });
      const acct = subrequest.create(Account, { Name: 'Acme' }, { referenceId: 'newAccount' });
      const contact = subrequest.create(Contact, { LastName: 'Smith', AccountId: acct.ref.id });
      const ids$ = composite$([acct, contact], { client: t.client, allOrNone: true }).pipe(map(r => r.responses.map(x => x.result?.id)));
      expect(t.requests.length).toBe(0);
      expectObservable(ids$).toBe('---(a|)', { a: ['001000000000001AAA', '003000000000001AAA'] });
      flush();
      const sent = t.requests[0].body as { allOrNone: boolean; compositeRequest: { url: string; referenceId: string; body: unknown }[] };
      expect(sent.allOrNone).toBeTrue();
      expect(sent.compositeRequest.map(s => s.url)).toEqual(['/services/data/v62.0/sobjects/Account/', '/services/data/v62.0/sobjects/Contact/']);
      expect(sent.compositeRequest[1].body).toEqual({ LastName: 'Smith', AccountId: '@{newAccount.id}' });
    });
  });

  it('composite$: a bad reference and an allOrNone rollback come back as typed errors per subrequest', () => {
    scheduler.run(({ expectObservable }) => {
      const t = createTestClient(scheduler, { routes: [compositeRoute((s, i) => (i === 1 ? invalidReference('q.records[0].Id', 'q')
        : s.method === 'GET' ? { status: 200, body: { totalSize: 0, done: true, records: [] } } : undefined))] });
      const q = subrequest.query('SELECT Id FROM Account WHERE Name = \'none\'', { referenceId: 'q' });
      const upd = subrequest.update('Account', ref('q').records[0].Id, { Name: 'x' });
      const out$ = composite$([q, upd], { client: t.client, allOrNone: true }).pipe(map(r => [r.ok,
        r.responses.map(x => x.error?.errorCode ?? 'ok'), r.responses[0].body]));
      expectObservable(out$).toBe('(a|)', { a: [false, ['PROCESSING_HALTED', 'PROCESSING_HALTED'], [ROLLED_BACK]] });
    });
  });

  it('composite$: 30 independent subrequests go as two calls, the second sent when the first has answered', () => {
    scheduler.run(({ cold, expectObservable, flush }) => {
      const t = createTestClient(scheduler, { routes: [compositeRoute()] });
      t.respond(respond('POST', /\/composite$/, req => cold('--a|', { a: compositeAnswer((req.body as { compositeRequest: { referenceId: string }[] })
        .compositeRequest.map(s => subresponse(s.referenceId, 201, { id: '001000000000001AAA', success: true, errors: [] }))) })));
      const steps = Array.from({ length: 30 }, (_, i) => subrequest.create(Account, { Name: `A${i}` }));
      expectObservable(composite$(steps, { client: t.client }).pipe(map(r => [r.requests, r.responses.length, r.ok])))
        .toBe('----(a|)', { a: [2, 30, true] });
      flush();
      expect(t.requests.map(r => r.time)).toEqual([0, 2]);
      expect(t.requests.map(r => (r.body as { compositeRequest: unknown[] }).compositeRequest.length)).toEqual([25, 5]);
    });
  });

  it('composite$: refuses before sending when a reference crosses the 25 limit or allOrNone needs two calls', () => {
    scheduler.run(({ expectObservable, flush }) => {
      const t = createTestClient(scheduler, { routes: [compositeRoute()] });
      const steps = Array.from({ length: 26 }, (_, i) => subrequest.create(Account, { Name: `A${i}` }));
      const crossing = [...steps.slice(0, 25), subrequest.update('Account', steps[0].ref.id, { Name: 'x' })];
      expectObservable(composite$(crossing, { client: t.client })).toBe('#', undefined, jasmine.any(ValidationError));
      expectObservable(composite$(steps, { client: t.client, allOrNone: true })).toBe('#', undefined, jasmine.any(ValidationError));
      expectObservable(composite$([subrequest.get('Account', ref('later').id), subrequest.get('Account', '001000000000001AAA',
        { referenceId: 'later' })], { client: t.client })).toBe('#', undefined, jasmine.any(ValidationError));
      expectObservable(composite$([steps[0], steps[0]], { client: t.client })).toBe('#', undefined, jasmine.any(ValidationError));
      flush();
      expect(t.requests.length).toBe(0);
    });
  });

  it('composite$: unsubscribing before the answer aborts; a GET-only call is retried after a 503', () => {
    scheduler.run(({ cold, expectObservable, flush }) => {
      const t = createTestClient(scheduler, { retry: { baseDelayMs: 100 },
        routes: [compositeRoute(undefined, unavailable(), compositeAnswer([subresponse('ref0', 200, { Id: '001000000000001AAA', Name: 'A' })]))] });
      const read$ = composite$([subrequest.get(Account, '001000000000001AAA')], { client: t.client }).pipe(map(r => r.responses[0].result?.Name));
      expectObservable(read$).toBe('200ms (a|)', { a: 'A' });
      flush();
      expect(t.requests.map(r => r.time)).toEqual([0, 200]);
      const slow = createTestClient(scheduler, { routes: [compositeRoute(undefined, cold('-----a|', { a: compositeAnswer([]) }))] });
      expectObservable(composite$([subrequest.create(Account, { Name: 'x' })], { client: slow.client }), '^--!').toBe('---');
    });
  });

  it('composite$ and saveTree$: a later call that fails is reported on its records, the earlier answers kept', () => {
    scheduler.run(({ expectObservable }) => {
      const t = createTestClient(scheduler, { routes: [compositeRoute()] });
      t.respond(respond('POST', /\/composite$/, compositeAnswer(Array.from({ length: 25 }, (_, i) => subresponse(`ref${i}`, 201,
        { id: '001000000000001AAA', success: true, errors: [] }))), unavailable()));
      const steps = Array.from({ length: 30 }, (_, i) => subrequest.create(Account, { Name: `A${i}` }));
      expectObservable(composite$(steps, { client: t.client }).pipe(map(r => [r.ok, r.responses.filter(x => x.ok).length,
        r.responses[29].httpStatusCode, r.responses[29].error?.errorCode])))
        .toBe('(a|)', { a: [false, 25, 0, 'SERVER_UNAVAILABLE'] });

      const trees = createTestClient(scheduler, { routes: [treeRoute()] });
      trees.respond(respond('POST', /\/composite\/tree\//, (req: { body: unknown }) => {
        const n = JSON.stringify(req.body).match(/"referenceId"/g)!.length;
        return { status: 201, data: { hasErrors: false, results: Array.from({ length: n }, (_, i) => ({ referenceId: `ref${i + 1}`,
          id: '001000000000001AAA' })) } };
      }, unavailable()));
      const records = Array.from({ length: 250 }, (_, i) => ({ Name: `T${i}` }));
      expectObservable(saveTree$(Account, records, { client: trees.client }).pipe(map(r => [r.ok,
        r.records.filter(x => x.status === 'saved').length, r.records[249].status, r.records[249].errors?.[0].statusCode])))
        .toBe('(a|)', { a: [false, 200, 'failed', 'SERVER_UNAVAILABLE'] });
    });
  });

  it('compositeBatch$: haltOnError keeps later batches from being sent', () => {
    scheduler.run(({ expectObservable, flush }) => {
      const t = createTestClient(scheduler, { routes: [compositeBatchRoute((s, i) => (i === 1
        ? { status: 400, body: [{ errorCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Name]' }] } : undefined))] });
      const steps = Array.from({ length: 30 }, (_, i) => subrequest.create(Account, { Name: `B${i}` }));
      expectObservable(compositeBatch$(steps, { client: t.client, haltOnError: true }).pipe(map(r => [r.requests,
        r.results.filter(x => x.sent).length, r.results[1].error?.errorCode, r.results[2].httpStatusCode, r.results[29].sent])))
        .toBe('(a|)', { a: [1, 25, 'REQUIRED_FIELD_MISSING', 412, false] });
      flush();
      expect((t.requests[0].body as { batchRequests: { url: string }[] }).batchRequests[0].url).toBe('v62.0/sobjects/Account/');
    });
  });

  it('saveTree$: 300 records go as two requests; a failing record fails its request only', () => {
    scheduler.run(({ expectObservable, flush }) => {
      const t = createTestClient(scheduler, { routes: [treeRoute(rec => (rec.LastName === 'Bad'
        ? [{ statusCode: 'INVALID_EMAIL_ADDRESS', message: 'Email: invalid email address: x', fields: ['Email'] }] : undefined))] });
      const trees = Array.from({ length: 150 }, (_, i) => ({ Name: `T${i}`, Contacts: [{ LastName: i === 140 ? 'Bad' : `C${i}` }] }));
      expectObservable(saveTree$(Account, trees, { client: t.client }).pipe(map(r => {
        const count = (s: string) => r.records.filter(x => x.status === s).length;
        return [r.requests, count('saved'), count('failed'), count('rolledBack'), typeof r.saved[0].Id];
      }))).toBe('(a|)', { a: [2, 200, 1, 99, 'string'] }); // the bad record is in the second request (trees 100–149)
      flush();
      const first = t.requests[0].body as { records: { attributes: { type: string; referenceId: string }; Contacts: { records: unknown[] } }[] };
      expect(first.records.length).toBe(100); // 100 trees of 2 records: 200, the limit
      expect(first.records[0].attributes).toEqual({ type: 'Account', referenceId: 'ref1' });
    });
  });

  it('saveTree$: refuses one tree over 200 records before sending', () => {
    scheduler.run(({ expectObservable, flush }) => {
      const t = createTestClient(scheduler, { routes: [treeRoute()] });
      const huge = [{ Name: 'Big', Contacts: Array.from({ length: 200 }, (_, i) => ({ LastName: `C${i}` })) }];
      expectObservable(saveTree$(Account, huge, { client: t.client })).toBe('#', undefined, jasmine.any(ValidationError));
      flush();
      expect(t.requests.length).toBe(0);
    });
  });

  it('compositeGraph$: one result per graph; a failing node fails only its graph', () => {
    scheduler.run(({ expectObservable }) => {
      const t = createTestClient(scheduler, { routes: [graphRoute((s, g) => (g === 'bad' && s.url.includes('Contact')
        ? { status: 400, body: [{ errorCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]' }] } : undefined))] });
      const graph = (graphId: string) => {
        const a = subrequest.create(Account, { Name: graphId });
        return { graphId, steps: [a, subrequest.create('Contact', { AccountId: a.ref.id })] };
      };
      expectObservable(compositeGraph$([graph('good'), graph('bad')], { client: t.client }).pipe(
        map(g => [g.graphId, g.isSuccessful, g.responses.map(r => r.error?.errorCode ?? 'ok')])))
        .toBe('(ab|)', { a: ['good', true, ['ok', 'ok']], b: ['bad', false, ['PROCESSING_HALTED', 'REQUIRED_FIELD_MISSING']] });
    });
  });

  it('search$: reserved characters in the term are escaped on the wire; records come back typed', () => {
    scheduler.run(({ expectObservable, flush }) => {
      const t = createTestClient(scheduler, { routes: [searchRoute([sfRecord('Account', { Id: '001000000000001AAA', Name: 'C++ & Co' })])] });
      expectObservable(search$(find('C++ & Co} RETURNING User').returning(Account, { fields: ['Id', 'Name'] }), { client: t.client })
        .pipe(map(r => r.byType.Account?.map(a => a.Name)))).toBe('(a|)', { a: ['C++ & Co'] });
      flush();
      expect(t.requests[0].query.q).toBe('FIND {C\\+\\+ \\& Co\\} RETURNING User} RETURNING Account(Id, Name)');
    });
  });

  it('parameterizedSearch$: posts the escaped text and per-object settings', () => {
    scheduler.run(({ expectObservable, flush }) => {
      const t = createTestClient(scheduler, { routes: [searchRoute([])] });
      expectObservable(parameterizedSearch$('Acme (West)', [{ sobject: Account, fields: ['Name'], where: { Name: "O'Neil" }, limit: 5 }],
        { client: t.client, in: 'NAME' }).pipe(map(r => r.records.length))).toBe('(a|)', { a: 0 });
      flush();
      expect(t.requests[0].body).toEqual({ q: 'Acme \\(West\\)', in: 'NAME',
        sobjects: [{ name: 'Account', fields: ['Name'], where: "Name = 'O\\'Neil'", limit: 5 }] });
    });
  });

  it('apex$: GET is retried after a 503, POST is not; an unregistered path is ResourceNotFoundError', () => {
    scheduler.run(({ expectObservable, flush }) => {
      const t = createTestClient(scheduler, { retry: { baseDelayMs: 100 }, routes: [
        apexRoute('GET', '/Orders/1', unavailable(), ok({ id: 1 })),
        apexRoute('POST', '/Orders', unavailable()),
        apexRoute('GET', '/Missing', apexNotFound('/Missing')),
      ] });
      expectObservable(apex$({ method: 'GET', path: '/Orders/1' }, { client: t.client }).pipe(map(r => r.body)))
        .toBe('200ms (a|)', { a: { id: 1 } });
      expectObservable(apex$({ method: 'POST', path: '/Orders', body: { n: 1 } }, { client: t.client }))
        .toBe('#', undefined, jasmine.objectContaining({ status: 503 }));
      expectObservable(apex$({ method: 'GET', path: '/Missing' }, { client: t.client }))
        .toBe('#', undefined, jasmine.any(ResourceNotFoundError));
      flush();
      expect(t.requests.filter(r => r.method === 'POST').length).toBe(1);
      expect(t.requests.filter(r => r.path === '/services/apexrest/Orders/1').map(r => r.time)).toEqual([0, 200]);
    });
  });
});
