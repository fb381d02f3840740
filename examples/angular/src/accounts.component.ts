/** The Accounts list with inline rename, reading signals from `AccountsState`. */
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { AccountsState } from './accounts.state.js';
import type { Account } from './model.js';

@Component({
  selector: 'rx-accounts',
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [{ provide: AccountsState, useFactory: () => new AccountsState() }],
  template: `
    @if (state.error(); as message) { <p role="alert">{{ message }}</p> }
    @if (state.loading()) { <p>Loading…</p> }
    <ul>
      @for (account of state.accounts() ?? []; track account.Id) {
        <li>
          <input #name [value]="account.Name" [attr.aria-label]="'Name of ' + account.Name">
          <button type="button" [disabled]="state.saving()" (click)="rename(account, name.value)">Save</button>
        </li>
      }
    </ul>
    <button type="button" (click)="state.refresh()">Refresh</button>
  `,
})
export class AccountsComponent {
  protected readonly state = inject(AccountsState);

  protected rename(account: Account, name: string): void {
    if (name.trim() && name !== account.Name) this.state.rename(account, name.trim());
  }
}
