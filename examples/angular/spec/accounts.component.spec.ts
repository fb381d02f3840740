/**
 * The Accounts component as a user sees it, rendered by TestBed (Angular's server platform gives Node a DOM) with
 * rxforce sending through the app's HttpClient, answered by HttpTestingController.
 */
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, type TestRequest } from '@angular/common/http/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRxforce } from 'rxforce/angular';
import { AccountsComponent } from '../src/accounts.component.js';
import { appProviders, requestTag } from '../src/app.config.js';

const INSTANCE = 'https://acme.my.salesforce.com';
const TOKEN = '00D000000000001!AQ0AQcomponentspec';
const ACME = '001000000000001AAA';
const GLOBEX = '001000000000002AAA';
const json = { 'Content-Type': 'application/json;charset=UTF-8' };

const page = (...accounts: Array<[string, string]>) => JSON.stringify({
  totalSize: accounts.length, done: true,
  records: accounts.map(([Id, Name]) => ({ attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${Id}` }, Id, Name, Industry: null })),
});

/** Lets the client's promise-based steps (session, limiter) run, then renders. */
async function settle(fixture: ComponentFixture<unknown>): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>(resolve => setImmediate(resolve));
  await fixture.whenStable();
  fixture.detectChanges();
}

describe('AccountsComponent on HttpTestingController', () => {
  let backend: HttpTestingController;
  let fixture: ComponentFixture<AccountsComponent>;
  let el: HTMLElement;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(withInterceptors([requestTag])),
        provideHttpClientTesting(),
        provideRxforce({ session: { accessToken: TOKEN, instanceUrl: INSTANCE }, apiVersion: '62.0', retry: false }),
        ...appProviders,
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(AccountsComponent);
    el = fixture.nativeElement as HTMLElement;
  });
  afterEach(() => backend.verify());

  const queries = (): TestRequest[] => backend.match(r => new URL(r.url).pathname === '/services/data/v62.0/query');
  const names = () => [...el.querySelectorAll<HTMLInputElement>('li input')].map(i => i.value);
  const labels = () => [...el.querySelectorAll<HTMLInputElement>('li input')].map(i => i.getAttribute('aria-label'));

  it('shows Loading…, then the Accounts from the query sent through HttpClient with the session\'s token', async () => {
    fixture.detectChanges();
    await settle(fixture);
    expect(el.querySelector('#loading')?.textContent).toBe('Loading…');
    const [query] = queries();
    expect(new URL(query!.request.url).searchParams.get('q')).toBe('SELECT Id, Name, Industry FROM Account ORDER BY Name ASC LIMIT 50');
    expect(query!.request.headers.get('Authorization')).toBe(`Bearer ${TOKEN}`);
    expect(query!.request.headers.has('X-App')).toBeFalse(); // the app's tag stays off Salesforce calls
    query!.flush(page([ACME, 'Acme'], [GLOBEX, 'Globex']), { headers: json });
    await settle(fixture);
    expect(names()).toEqual(['Acme', 'Globex']);
    expect(el.querySelectorAll('#loading').length).toBe(0);
  });

  it('renames an Account: Save sends only the new name, is disabled meanwhile, and the list reloads', async () => {
    fixture.detectChanges();
    await settle(fixture);
    queries()[0]!.flush(page([ACME, 'Acme'], [GLOBEX, 'Globex']), { headers: json });
    await settle(fixture);

    const input = el.querySelector<HTMLInputElement>(`li[data-id="${ACME}"] input`)!;
    const save = el.querySelector<HTMLButtonElement>(`li[data-id="${ACME}"] button`)!;
    input.value = 'Acme Corp';
    save.click();
    save.click(); // a double click sends one request
    await settle(fixture);
    expect(save.disabled).toBeTrue();
    const patch = backend.expectOne(`${INSTANCE}/services/data/v62.0/sobjects/Account/${ACME}`);
    expect(patch.request.method).toBe('PATCH');
    expect(patch.request.serializeBody()).toBe('{"Name":"Acme Corp"}');
    patch.flush(null, { status: 204, statusText: 'No Content' });
    await settle(fixture);
    queries()[0]!.flush(page([ACME, 'Acme Corp'], [GLOBEX, 'Globex']), { headers: json });
    await settle(fixture);
    expect(names()).toEqual(['Acme Corp', 'Globex']);
    expect(save.disabled).toBeFalse();
    expect(el.querySelectorAll('[role=alert]').length).toBe(0);
  });

  it('shows Salesforce\'s refusal and keeps the list as it was', async () => {
    fixture.detectChanges();
    await settle(fixture);
    queries()[0]!.flush(page([ACME, 'Acme']), { headers: json });
    await settle(fixture);
    el.querySelector<HTMLInputElement>('li input')!.value = 'Acme Corp';
    el.querySelector<HTMLButtonElement>('li button')!.click();
    await settle(fixture);
    backend.expectOne(`${INSTANCE}/services/data/v62.0/sobjects/Account/${ACME}`).flush(
      JSON.stringify([{ errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Names are frozen this quarter', fields: [] }]),
      { status: 400, statusText: 'Bad Request', headers: json });
    await settle(fixture);
    expect(el.querySelector('[role=alert]')?.textContent).toBe('Names are frozen this quarter');
    expect(labels()).toEqual(['Name of Acme']); // the list still holds what Salesforce has
    expect(queries().length).toBe(0); // no reload after a refusal
  });

  it('cancels the query in flight when the component goes away', async () => {
    fixture.detectChanges();
    await settle(fixture);
    const [query] = queries();
    fixture.destroy();
    expect(query!.cancelled).toBeTrue();
  });
});
