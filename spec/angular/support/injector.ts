/**
 * An Angular environment injector for specs that need no DOM: zoneless, with a root scope so `providedIn: 'root'`
 * services (HttpClient's pending-task tracking) resolve, as they do under `bootstrapApplication` or TestBed.
 */
import '@angular/compiler'; // Angular's own packages are partially compiled: without the CLI's linker they compile JIT
import {
  createEnvironmentInjector, type EnvironmentInjector, type EnvironmentProviders, Injector, type Provider,
  provideZonelessChangeDetection, ɵINJECTOR_SCOPE as INJECTOR_SCOPE,
} from '@angular/core';

export function environmentInjector(providers: Array<Provider | EnvironmentProviders>): EnvironmentInjector {
  const platform = Injector.create({ providers: [], name: 'spec platform' }) as EnvironmentInjector;
  return createEnvironmentInjector([{ provide: INJECTOR_SCOPE, useValue: 'root' }, provideZonelessChangeDetection(), ...providers], platform, 'spec');
}

/** Lets queued promise callbacks and immediates run (a login flow awaits its token POST before the next request). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>(resolve => setImmediate(resolve));
}
