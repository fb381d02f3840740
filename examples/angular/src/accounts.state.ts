/**
 * The Accounts screen's state as signals: the list (`toSignal` over a refreshable query), the error to show, and a
 * rename that refreshes the list. Subscriptions end with the injector (component) that owns it.
 */
import { computed, DestroyRef, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { catchError, EMPTY, startWith, Subject, switchMap, tap } from 'rxjs';
import { redact } from '../../../src/index.js';
import { AccountsService } from './accounts.service.js';
import type { Account } from './model.js';

export class AccountsState {
  private readonly service = inject(AccountsService);
  private readonly destroyRef = inject(DestroyRef);
  private readonly refresh$ = new Subject<void>();

  /** A message for the page, never carrying a token. */
  readonly error = signal<string | undefined>(undefined);
  readonly saving = signal(false);
  /** undefined until the first page arrives. */
  readonly accounts = toSignal(this.refresh$.pipe(
    startWith(undefined),
    // a newer refresh cancels the query in flight
    switchMap(() => this.service.list$().pipe(catchError(e => { this.fail(e); return EMPTY; }))),
  ));
  readonly loading = computed(() => this.accounts() === undefined);

  refresh(): void { this.refresh$.next(); }

  rename(account: Account, name: string): void {
    this.saving.set(true);
    this.error.set(undefined);
    const sub = this.service.rename$(account, name).pipe(tap({ finalize: () => this.saving.set(false) })).subscribe({
      next: () => this.refresh(),
      error: e => this.fail(e),
    });
    this.destroyRef.onDestroy(() => sub.unsubscribe());
  }

  private fail(e: unknown): void {
    this.error.set(redact(e instanceof Error ? e.message : String(e)));
  }
}
