/**
 * Signal state for queries and saves, in virtual time: what a template reads (`loading`, `value`, `error`) at each
 * step, which runs are cancelled, and that the owning injector's end cancels the request in flight.
 */
import '@angular/compiler';
import { createEnvironmentInjector, type EnvironmentInjector, runInInjectionContext } from '@angular/core';
import { TestScheduler } from 'rxjs/testing';
import { SalesforceClient } from '../../src/client/client.js';
import { MalformedRequestError } from '../../src/client/errors.js';
import { createTestClient, sfError, respond, type TestClient } from '../../src/testing/index.js';
import { rxAction, toSignalState } from '../../src/angular/index.js';
import { environmentInjector } from './support/injector.js';

describe('rxAction and toSignalState', () => {
  let scheduler: TestScheduler;
  let injector: EnvironmentInjector;

  beforeEach(() => {
    scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    injector = environmentInjector([]);
  });
  afterEach(() => injector.destroy());

  const inContext = <T>(fn: () => T): T => runInInjectionContext(injector, fn);

  it('shows loading, then the value; a rerun keeps the last value while it loads', () => {
    scheduler.run(({ cold, flush }) => {
      const answers = [cold('--a|', { a: ['Acme'] }), cold('---b|', { b: ['Acme', 'Globex'] })];
      let n = 0;
      const list = inContext(() => rxAction(() => answers[n++]!));
      expect(list.loading()).toBeFalse();
      expect(list.run()).toBeTrue();
      expect(list.loading()).toBeTrue();
      expect(list.value()).toBeUndefined();
      flush();
      expect(list.loading()).toBeFalse();
      expect(list.value()).toEqual(['Acme']);
      list.run();
      expect(list.loading()).toBeTrue();
      expect(list.value()).toEqual(['Acme']); // no blink to empty
      flush();
      expect(list.value()).toEqual(['Acme', 'Globex']);
      expect(list.error()).toBeUndefined();
    });
  });

  it('reports a refused save as error and errorMessage (no token in it), and clears it on the next run', () => {
    scheduler.run(({ flush }) => {
      const t: TestClient = createTestClient(scheduler);
      t.respond(respond('PATCH', 'sobjects/Account/', sfError(400, 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        'Rejected for session 00D000000000001!AQ0AQsecretpart', []), { status: 204 }));
      const save = inContext(() => rxAction((name: string) => t.client.request$({ method: 'PATCH', path: 'sobjects/Account/001000000000001AAA', data: { Name: name } })));
      save.run('Acme Corp');
      flush();
      expect(save.error()).toBeInstanceOf(MalformedRequestError);
      expect(save.errorMessage()).toContain('Rejected for session');
      expect(save.errorMessage()).not.toContain('secretpart');
      expect(save.loading()).toBeFalse();
      save.run('Acme Corp');
      expect(save.error()).toBeUndefined();
      flush();
      expect(save.value()?.status).toBe(204);
    });
  });

  it('switch (default): a new run cancels the one in flight; exhaust: a run while loading is ignored', () => {
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const a = cold('----a|');
      const b = cold('--b|');
      const inputs = { a, b };
      const latest = inContext(() => rxAction((k: 'a' | 'b') => inputs[k]));
      latest.run('a');
      scheduler.schedule(() => latest.run('b'), 2);
      flush();
      expectSubscriptions(a.subscriptions).toBe('^-!');
      expect(latest.value()).toBe('b');

      const c = cold('----c|');
      const once = inContext(() => rxAction(() => c, { concurrency: 'exhaust' }));
      expect(once.run()).toBeTrue();
      let second: boolean | undefined;
      scheduler.schedule(() => { second = once.run(); }, 2);
      flush();
      expect(second).toBeFalse();
      expect(c.subscriptions.length).toBe(1);
      expect(once.run()).toBeTrue(); // settled: a new run starts
    });
  });

  it('cancels the request in flight when its injector is destroyed, and starts nothing after', () => {
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const page = cold('-----a|');
      const child = createEnvironmentInjector([], injector);
      const state = runInInjectionContext(child, () => toSignalState(page));
      scheduler.schedule(() => child.destroy(), 2);
      flush();
      expectSubscriptions(page.subscriptions).toBe('^-!');
      expect(state.loading()).toBeFalse();
      state.reload();
      flush();
      expect(page.subscriptions.length).toBe(1);
    });
  });

  it('toSignalState subscribes at once; reload subscribes again; cancel stops without an error', () => {
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const q = cold('--a|', { a: 1 });
      const state = inContext(() => toSignalState(q));
      expect(state.loading()).toBeTrue();
      flush();
      expect(state.value()).toBe(1);
      state.reload();
      state.cancel();
      flush();
      expectSubscriptions(q.subscriptions).toBe(['^--!', '---(^!)']);
      expect(state.loading()).toBeFalse();
      expect(state.error()).toBeUndefined();
    });
  });

  it('routes an exception thrown by the work function to error', () => {
    const broken = inContext(() => rxAction((): never => { throw new TypeError('no Name given'); }));
    expect(broken.run()).toBeTrue();
    expect(broken.error()).toBeInstanceOf(TypeError);
    expect(broken.errorMessage()).toBe('no Name given');
    expect(broken.loading()).toBeFalse();
  });

  it('needs an injection context or an injector', () => {
    expect(() => rxAction(() => new SalesforceClient().limits$())).toThrowError(/injection context/);
    const withInjector = rxAction(() => scheduler.createColdObservable('|'), { injector });
    expect(withInjector.run()).toBeTrue();
    expect(() => toSignalState(scheduler.createColdObservable('|'))).toThrowError(/injection context/);
    expect(() => inContext(() => rxAction(undefined as never))).toThrowError(TypeError, /needs a function/);
  });
});
