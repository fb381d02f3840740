/** Accounts as Observables: components pick signals (`toSignal`) or templates (`async`) as they like. */
import { inject } from '@angular/core';
import { type Observable, toArray } from 'rxjs';
import { bulkInsert$, query$, saveUpdate$, select, type BulkIngestEvent, type SaveResult } from '../../../src/index.js';
import { Account } from './model.js';
import { RXFORCE_CLIENT } from './rxforce.token.js';

export class AccountsService {
  private readonly client = inject(RXFORCE_CLIENT);

  /** Accounts by name, every page gathered: cold, so each subscription queries again (a refresh). */
  list$(limit = 50): Observable<Account[]> {
    return query$(select(Account).orderBy('Name').limit(limit), { client: this.client }).pipe(toArray());
  }

  /** Renames one Account, sending only the changed field; unsubscribing cancels the request. */
  rename$(account: Account, name: string): Observable<SaveResult> {
    account.Name = name;
    return saveUpdate$(Account, account, { client: this.client, onlyChanges: true });
  }

  /** A bulk insert's events (job states, then the result), for a progress bar. */
  import$(rows: Array<{ Name: string }>): Observable<BulkIngestEvent<{ Name: string }>> {
    return bulkInsert$(Account, rows, { client: this.client });
  }
}
