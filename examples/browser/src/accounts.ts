/** The Account list (query$) and the edit form (saveUpdate$). */
import { exhaustMap, finalize, fromEvent, type Observable, switchMap, tap, toArray } from 'rxjs';
import { query$, saveUpdate$, select, type SalesforceClient } from '../../../src/index.js';
import { Account } from './model.js';

/** Up to 20 Accounts by name: every page of the query, gathered for one render. */
export function accounts$(client: SalesforceClient): Observable<Account[]> {
  return query$(select(Account).orderBy('Name').limit(20), { client }).pipe(toArray());
}

export interface AccountsView {
  list: HTMLUListElement;
  form: HTMLFormElement;
  name: HTMLInputElement;
  save: HTMLButtonElement;
  status: HTMLElement;
}

/**
 * Renders the list, fills the form with the clicked Account, saves only the changed name, then lists again so the
 * page shows what the org now holds.
 */
export function accountsPage$(client: SalesforceClient, view: AccountsView, onError: (e: unknown) => void): Observable<unknown> {
  let selected: Account | undefined;
  const render = (rows: Account[]) => {
    view.list.replaceChildren(...rows.map(acct => {
      const li = document.createElement('li');
      li.textContent = acct.Name;
      li.dataset.id = acct.Id;
      li.setAttribute('aria-selected', String(acct.Id === selected?.Id));
      li.addEventListener('click', () => {
        selected = acct;
        view.name.value = acct.Name;
        view.name.disabled = view.save.disabled = false;
        view.status.textContent = '';
        for (const other of view.list.children) other.setAttribute('aria-selected', String(other === li));
      });
      return li;
    }));
  };
  const saves$ = fromEvent(view.form, 'submit').pipe(
    tap(e => e.preventDefault()),
    // one save at a time: clicks while saving are ignored
    exhaustMap(() => {
      const record = selected!;
      record.Name = view.name.value;
      view.save.disabled = true;
      view.status.textContent = 'Saving…';
      return saveUpdate$(Account, record, { client, onlyChanges: true }).pipe(
        tap(result => { view.status.textContent = result.unchanged ? 'No changes' : 'Saved'; }),
        switchMap(() => accounts$(client)),
        tap({ next: render, error: e => { view.status.textContent = 'Not saved'; onError(e); } }),
        finalize(() => { view.save.disabled = false; }),
      );
    }),
  );
  return accounts$(client).pipe(tap(render), switchMap(() => saves$));
}
