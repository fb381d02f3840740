/**
 * Queries and saves as signals: `loading`, `value`, `error` for a template, with the subscription owned by the
 * injector (component, service) it was made in, so leaving the page cancels the request in flight.
 */
import { assertInInjectionContext, computed, DestroyRef, inject, type Injector, signal, type Signal } from '@angular/core';
import { defer, type Observable, type Subscription } from 'rxjs';
import { redact } from '../util/redact.js';

/** The state of one Observable operation, as signals. */
export interface SignalState<T> {
  /** The latest value emitted; kept while a new run loads, so a list does not blink empty on refresh. */
  readonly value: Signal<T | undefined>;
  /** True from `run()` until the operation completes, fails or is cancelled. */
  readonly loading: Signal<boolean>;
  /** The failure of the latest run (a typed rxforce error, e.g. `SalesforceApiError`), cleared by the next run. */
  readonly error: Signal<unknown>;
  /** `error()` as a line for the page, tokens removed; undefined without an error. */
  readonly errorMessage: Signal<string | undefined>;
}

/** An operation started on demand (a save button), with its state as signals. */
export interface RxAction<I, T> extends SignalState<T> {
  /**
   * Starts the operation with `input`. `'switch'` (default) cancels a run still in flight (unsubscribing aborts its
   * request); `'exhaust'` ignores `run()` while one is loading (a double-clicked save is sent once). Returns whether a
   * run started.
   */
  run(...input: undefined extends I ? [input?: I] : [input: I]): boolean;
  /** Cancels the run in flight, if any (its request is aborted); `value` and `error` stay as they are. */
  cancel(): void;
}

/** Options of `rxAction()` and `toSignalState()`. */
export interface RxActionOptions {
  /** What `run()` does while a run is loading: cancel it (`'switch'`, default) or ignore the new one (`'exhaust'`). */
  concurrency?: 'switch' | 'exhaust';
  /** The injector whose destruction cancels the run in flight; default: the current injection context's. */
  injector?: Injector;
}

/**
 * Wraps an Observable operation for a template: call `run(input)`, read `loading()`, `value()`, `error()`.
 * @example
 * import { saveUpdate$ } from 'rxforce';
 * import { injectRxforceClient, rxAction } from 'rxforce/angular';
 * readonly client = injectRxforceClient();
 * readonly rename = rxAction((a: Account) => saveUpdate$(Account, a, { client: this.client, onlyChanges: true }),
 *   { concurrency: 'exhaust' });
 * // template: <button [disabled]="rename.loading()" (click)="rename.run(account)">Save</button>
 * //           @if (rename.errorMessage(); as m) { <p role="alert">{{ m }}</p> }
 * @param work the operation for one input; called once per run, so a cold Observable starts afresh each time
 */
export function rxAction<I, T>(work: (input: I) => Observable<T>, options: RxActionOptions = {}): RxAction<I, T> {
  if (typeof work !== 'function') throw new TypeError('rxAction needs a function returning an Observable');
  if (!options.injector) assertInInjectionContext(rxAction);
  const destroyRef = options.injector ? options.injector.get(DestroyRef) : inject(DestroyRef);
  const value = signal<T | undefined>(undefined);
  const loading = signal(false);
  const error = signal<unknown>(undefined);
  /** The run in flight: its id (a late emission of a cancelled run is ignored) and subscription. */
  let active: { sub?: Subscription } | undefined;
  let destroyed = false;

  const cancel = () => {
    const run = active;
    active = undefined;
    run?.sub?.unsubscribe();
    loading.set(false);
  };
  destroyRef.onDestroy(() => { destroyed = true; cancel(); });

  const run = (...args: undefined extends I ? [input?: I] : [input: I]): boolean => {
    const input = args[0] as I;
    if (destroyed) return false;
    if (active && options.concurrency === 'exhaust') return false;
    cancel();
    error.set(undefined);
    loading.set(true);
    const me: { sub?: Subscription } = {};
    active = me;
    const settle = () => { if (active === me) { active = undefined; loading.set(false); } };
    // an exception thrown by `work` itself reaches `error` like a failed request
    me.sub = defer(() => work(input)).subscribe({
      next: v => { if (active === me) value.set(v); },
      error: (e: unknown) => { if (active === me) error.set(e); settle(); },
      complete: settle,
    });
    return true;
  };

  return {
    value: value.asReadonly(),
    loading: loading.asReadonly(),
    error: error.asReadonly(),
    errorMessage: computed(() => messageOf(error())),
    run,
    cancel,
  };
}

/**
 * An Observable as signals, subscribed now and again on `reload()` — a query for a page.
 * @example
 * readonly accounts = toSignalState(query$(select(Account).orderBy('Name'), { client }).pipe(toArray()));
 * // template: @if (accounts.loading()) { … } @for (a of accounts.value() ?? []; track a.Id) { … }
 */
export function toSignalState<T>(source$: Observable<T>, options: Omit<RxActionOptions, 'concurrency'> = {}): SignalState<T> & { reload(): void; cancel(): void } {
  if (!options.injector) assertInInjectionContext(toSignalState);
  const action = rxAction<void, T>(() => source$, options);
  action.run();
  return {
    value: action.value, loading: action.loading, error: action.error, errorMessage: action.errorMessage,
    reload: () => { action.run(); },
    cancel: action.cancel,
  };
}

function messageOf(e: unknown): string | undefined {
  if (e === undefined || e === null) return undefined;
  return redact(e instanceof Error ? e.message : String(e));
}
