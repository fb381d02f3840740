/** Accounts as Observables, on the app's Salesforce client: components turn them into signals (`accounts.state.ts`). */
import { type Observable, toArray } from 'rxjs';
import { bulkInsert$, query$, saveUpdate$, select, type BulkIngestEvent, type SaveResult } from 'rxforce';
import { injectRxforceClient } from 'rxforce/angular';
import { Account } from './model.js';

export class AccountsService {
  private readonly client = injectRxforceClient();

  /** Accounts by name, every page gathered: cold, so each subscription queries again (a refresh). */
  list$(limit = 50): Observable<Account[]> {
    return query$(select(Account).orderBy('Name').limit(limit), { client: this.client }).pipe(toArray());
  }

  /**
   * Renames one Account, sending only the name; the record shown stays as it is until the list reloads, so a refused
   * rename never shows as done. Unsubscribing cancels the request.
   */
  rename$(account: Account, name: string): Observable<SaveResult> {
    return saveUpdate$(Account, { Id: account.Id, Name: name }, { client: this.client });
  }

  /** A bulk insert's events (job states, then the result), for a progress bar. */
  import$(rows: Array<{ Name: string }>): Observable<BulkIngestEvent<{ Name: string }>> {
    return bulkInsert$(Account, rows, { client: this.client });
  }
}
