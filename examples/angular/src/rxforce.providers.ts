/** Wiring rxforce into Angular's DI: one client per app (or per lazy route), injected where needed. */
import { makeEnvironmentProviders, type EnvironmentProviders } from '@angular/core';
import { SalesforceClient, type SalesforceClientOptions } from '../../../src/index.js';
import { AccountsService } from './accounts.service.js';
import { RXFORCE_CLIENT } from './rxforce.token.js';

export { RXFORCE_CLIENT };

/**
 * Providers for `bootstrapApplication(App, { providers: [provideRxforce({ login: … })] })`: the client (from options,
 * or a ready instance, e.g. `createTestClient(…).client` in specs) and the services built on it.
 */
export function provideRxforce(client: SalesforceClient | SalesforceClientOptions): EnvironmentProviders {
  return makeEnvironmentProviders([
    { provide: RXFORCE_CLIENT, useFactory: () => (client instanceof SalesforceClient ? client : new SalesforceClient(client)) },
    // a factory rather than a decorated class, so no compiler is needed at runtime (JIT or AOT alike)
    { provide: AccountsService, useFactory: () => new AccountsService() },
  ]);
}
