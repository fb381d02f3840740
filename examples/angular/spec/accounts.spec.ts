/**
 * The Accounts service and its signal state against canned Salesforce answers from rxforce/testing, in virtual time:
 * no browser, no compiler, just Angular's injector and rxforce/angular's providers.
 */
import '@angular/compiler';
import { createEnvironmentInjector, type EnvironmentInjector, Injector, provideZonelessChangeDetection, runInInjectionContext } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { provideRxforce, RXFORCE_CLIENT } from 'rxforce/angular';
import { createTestClient, noContent, queryPage, respond, sfError, sfRecord, type TestClient } from 'rxforce/testing';
import { AccountsService } from '../src/accounts.service.js';
import { AccountsState } from '../src/accounts.state.js';
import { appProviders } from '../src/app.config.js';

const ACME = '001000000000001AAA';
const acme = (Name: string) => sfRecord('Account', { Id: ACME, Name, Industry: null });

describe('Accounts service and state', () => {
  let scheduler: TestScheduler;
  let t: TestClient;
  let injector: EnvironmentInjector;

  beforeEach(() => {
    scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    t = createTestClient(scheduler);
    const parent = Injector.create({ providers: [] }) as EnvironmentInjector;
    injector = createEnvironmentInjector([provideZonelessChangeDetection(), provideRxforce(t.client), ...appProviders], parent);
  });
  afterEach(() => injector.destroy());

  it('builds the service on the client provideRxforce provides', () => {
    expect(injector.get(RXFORCE_CLIENT)).toBe(t.client);
    expect(injector.get(AccountsService)).toBeInstanceOf(AccountsService);
  });

  it('lists Accounts ordered by name, every page gathered', async () => {
    t.respond(respond('GET', /\/query\?q=/, queryPage([acme('Acme')])));
    const list = await firstValueFrom(injector.get(AccountsService).list$());
    expect(list.map(a => a.Name)).toEqual(['Acme']);
    expect(t.requests[0]!.query.q).toBe('SELECT Id, Name, Industry FROM Account ORDER BY Name ASC LIMIT 50');
  });

  it('exposes the list as signals that a rename reloads, sending only the new name', () => {
    scheduler.run(({ cold, flush }) => {
      t.respond(
        respond('GET', /\/query\?q=/, cold('--a|', { a: queryPage([acme('Acme')]) }), cold('--a|', { a: queryPage([acme('Acme Corp')]) })),
        respond('PATCH', `sobjects/Account/${ACME}`, cold('-n|', { n: noContent() })),
      );
      const state = runInInjectionContext(injector, () => new AccountsState());
      expect(state.list.loading()).toBeTrue();
      flush();
      expect(state.list.value()!.map(a => a.Name)).toEqual(['Acme']);

      state.rename.run({ account: state.list.value()![0]!, name: 'Acme Corp' });
      expect(state.rename.loading()).toBeTrue();
      flush();
      expect(state.rename.loading()).toBeFalse();
      expect(state.list.value()!.map(a => a.Name)).toEqual(['Acme Corp']);
      expect(t.requestsTo('PATCH', 'sobjects/Account')[0]!.body).toEqual({ Name: 'Acme Corp' });
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
      state.rename.run({ account: state.list.value()![0]!, name: 'Acme Corp' });
      flush();
      expect(state.error()).toContain('Names are frozen this quarter');
      expect(state.rename.loading()).toBeFalse();
      expect(state.list.value()!.length).toBe(1);
    });
  });

  it('stops querying when its injector is destroyed', () => {
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const page = cold('-----a|', { a: queryPage([acme('Acme')]) });
      t.respond(respond('GET', /\/query\?q=/, page));
      const child = createEnvironmentInjector([], injector);
      runInInjectionContext(child, () => new AccountsState());
      scheduler.schedule(() => child.destroy(), 2);
      flush();
      expectSubscriptions(page.subscriptions).toBe('^-!');
    });
  });
});
