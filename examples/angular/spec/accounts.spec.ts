/**
 * The Angular service and its signal state against canned Salesforce answers from rxforce/testing, in virtual time:
 * no browser, no compiler, just Angular's injector.
 */
import { EnvironmentInjector, Injector, runInInjectionContext } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createTestClient, noContent, queryPage, respond, sfError, sfRecord, type TestClient } from '../../../src/testing/index.js';
import { AccountsService } from '../src/accounts.service.js';
import { AccountsState } from '../src/accounts.state.js';
import { provideRxforce, RXFORCE_CLIENT } from '../src/rxforce.providers.js';

const ACME = '001000000000001AAA';
const acme = (Name: string) => sfRecord('Account', { Id: ACME, Name, Industry: null });

describe('rxforce in Angular', () => {
  let scheduler: TestScheduler;
  let t: TestClient;
  let injector: EnvironmentInjector;

  beforeEach(() => {
    scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    t = createTestClient(scheduler);
    // Injector.create builds an environment injector; provideRxforce's providers are environment providers
    injector = Injector.create({ providers: [provideRxforce(t.client) as never] }) as EnvironmentInjector;
  });
  afterEach(() => injector.destroy());

  it('provideRxforce puts the given client behind RXFORCE_CLIENT and builds the service on it', () => {
    expect(injector.get(RXFORCE_CLIENT)).toBe(t.client);
    expect(injector.get(AccountsService)).toBeInstanceOf(AccountsService);
  });

  it('lists Accounts ordered by name, every page gathered', async () => {
    t.respond(respond('GET', /\/query\?q=/, queryPage([acme('Acme')])));
    const list = await firstValueFrom(injector.get(AccountsService).list$());
    expect(list.map(a => a.Name)).toEqual(['Acme']);
    expect(t.requests[0].query.q).toBe('SELECT Id, Name, Industry FROM Account ORDER BY Name ASC LIMIT 50');
  });

  it('exposes the list as a signal that a rename refreshes, sending only the new name', () => {
    scheduler.run(({ cold, flush }) => {
      t.respond(
        respond('GET', /\/query\?q=/, cold('--a|', { a: queryPage([acme('Acme')]) }), cold('--a|', { a: queryPage([acme('Acme Corp')]) })),
        respond('PATCH', `sobjects/Account/${ACME}`, cold('-n|', { n: noContent() })),
      );
      const state = runInInjectionContext(injector, () => new AccountsState());
      expect(state.loading()).toBeTrue();
      flush();
      expect(state.accounts()!.map(a => a.Name)).toEqual(['Acme']);

      state.rename(state.accounts()![0], 'Acme Corp');
      expect(state.saving()).toBeTrue();
      flush();
      expect(state.saving()).toBeFalse();
      expect(state.accounts()!.map(a => a.Name)).toEqual(['Acme Corp']);
      expect(t.requestsTo('PATCH', 'sobjects/Account')[0].body).toEqual({ Name: 'Acme Corp' });
      expect(state.error()).toBeUndefined();
    });
  });

  it('shows Salesforce\'s error message when a save is refused, and keeps the list', () => {
    scheduler.run(({ flush }) => {
      t.respond(
        respond('GET', /\/query\?q=/, queryPage([acme('Acme')])),
        respond('PATCH', 'sobjects/Account/', sfError(400, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', 'Names are frozen this quarter', [])),
      );
      const state = runInInjectionContext(injector, () => new AccountsState());
      flush();
      state.rename(state.accounts()![0], 'Acme Corp');
      flush();
      expect(state.error()).toContain('Names are frozen this quarter');
      expect(state.saving()).toBeFalse();
      expect(state.accounts()!.length).toBe(1);
    });
  });

  it('stops querying when its injector is destroyed', () => {
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const page = cold('-----a|', { a: queryPage([acme('Acme')]) });
      t.respond(respond('GET', /\/query\?q=/, page));
      const child = Injector.create({ providers: [], parent: injector }) as EnvironmentInjector;
      runInInjectionContext(child, () => new AccountsState());
      scheduler.schedule(() => child.destroy(), 2);
      flush();
      expectSubscriptions(page.subscriptions).toBe('^-!');
    });
  });
});
