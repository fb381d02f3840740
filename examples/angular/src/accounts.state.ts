/**
 * The Accounts screen's state as signals, with rxforce/angular's pattern: the list is `toSignalState` over a cold
 * query (loading, value, error; `reload()` queries again), a rename is an `rxAction` (sent once however often Save is
 * clicked while it runs). Requests in flight end with the injector (component) that owns the state.
 */
import { computed, inject } from '@angular/core';
import { tap } from 'rxjs';
import { rxAction, toSignalState } from 'rxforce/angular';
import { AccountsService } from './accounts.service.js';
import type { Account } from './model.js';

export class AccountsState {
  private readonly service = inject(AccountsService);

  /** The list; `value()` is undefined until the first answer, and kept while a reload runs. */
  readonly list = toSignalState(this.service.list$());
  /** A rename; the list reloads once Salesforce has taken it. */
  readonly rename = rxAction(({ account, name }: { account: Account; name: string }) =>
    this.service.rename$(account, name).pipe(tap(() => this.list.reload())), { concurrency: 'exhaust' });
  /** A message for the page, never carrying a token. */
  readonly error = computed(() => this.rename.errorMessage() ?? this.list.errorMessage());
}
