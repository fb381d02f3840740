/** The Accounts list with inline rename, reading signals from `AccountsState`. */
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { AccountsState } from './accounts.state.js';
import type { Account } from './model.js';

@Component({
  selector: 'rx-accounts',
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [{ provide: AccountsState, useFactory: () => new AccountsState() }],
  template: `
    @if (state.error(); as message) { <p role="alert" id="accounts-error">{{ message }}</p> }
    @if (state.list.loading() && !state.list.value()) { <p id="loading">Loading…</p> }
    <ul id="accounts">
      @for (account of state.list.value() ?? []; track account.Id) {
        <li [attr.data-id]="account.Id">
          <input #name [value]="account.Name" [attr.aria-label]="'Name of ' + account.Name">
          <button type="button" [disabled]="state.rename.loading()" (click)="rename(account, name.value)">Save</button>
        </li>
      }
    </ul>
    <button type="button" id="refresh" (click)="state.list.reload()">Refresh</button>
  `,
})
export class AccountsComponent {
  protected readonly state = inject(AccountsState);

  protected rename(account: Account, name: string): void {
    if (name.trim() && name !== account.Name) this.state.rename.run({ account, name: name.trim() });
  }
}
