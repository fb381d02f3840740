/**
 * rxforce in Angular's dependency injection: `provideRxforce()` makes a `SalesforceClient` per environment injector
 * (the app, or a lazy route), sending through the app's `HttpClient` by default. No decorators: tokens, factories and
 * `inject()` only, so the compiled package needs no Angular compiler step.
 */
import { HttpClient } from '@angular/common/http';
import { assertInInjectionContext, inject, InjectionToken, makeEnvironmentProviders, type EnvironmentProviders, type Provider } from '@angular/core';
import { SalesforceClient } from '../client/client.js';
import type { LoginFlow, SalesforceClientOptions, Session, Transport } from '../client/types.js';
import { httpClientTransport, type HttpClientTransportOptions } from './httpClientTransport.js';

/** The app's default Salesforce client (`provideRxforce()` without a name). `inject(SalesforceClient)` gives the same. */
export const RXFORCE_CLIENT = new InjectionToken<SalesforceClient>('rxforce: SalesforceClient');

const named = new Map<string, InjectionToken<SalesforceClient>>();

/**
 * The token of a named client (`provideRxforce(config, { name })`), the same token for the same name.
 * @example { provide: SandboxReports, useFactory: () => new SandboxReports(inject(rxforceClientToken('sandbox'))) }
 */
export function rxforceClientToken(name: string): InjectionToken<SalesforceClient> {
  if (typeof name !== 'string' || !name) throw new TypeError('A named rxforce client needs a non-empty name');
  let token = named.get(name);
  if (!token) {
    token = new InjectionToken<SalesforceClient>(`rxforce: SalesforceClient "${name}"`);
    named.set(name, token);
  }
  return token;
}

/** What `provideRxforce()` takes: the client's options, with the login optional and the transport Angular's. */
export interface RxforceConfig extends Omit<SalesforceClientOptions, 'login' | 'transport' | 'axios' | 'axiosConfig'> {
  /**
   * A login flow or a ready session. Leave both this and `session` out to start signed out, and hand the session over
   * after the app's own login: `injectRxforceClient().signIn(authorizationCodeLogin({ … }))`.
   */
  login?: LoginFlow | Session;
  /** A ready session (an access token and its instance URL), e.g. one the app's backend issued. */
  session?: Session;
  /**
   * How requests go out. `'httpClient'` (default): through the app's `HttpClient`, so its interceptors,
   * `HttpTestingController` and SSR apply (needs `provideHttpClient()`). `'axios'`: rxforce's own axios transport,
   * outside Angular. Or any `Transport` (`createFakeTransport().transport` in specs).
   */
  transport?: 'httpClient' | 'axios' | Transport;
  /** Options of the HttpClient transport (a base `HttpContext`). */
  httpClient?: HttpClientTransportOptions;
}

/** How `provideRxforce()` provides its client. */
export interface ProvideRxforceOptions {
  /**
   * Provides the client under `rxforceClientToken(name)` (read it with `injectRxforceClient(name)`) instead of
   * `RXFORCE_CLIENT`, so one app can talk to several orgs.
   */
  name?: string;
}

/**
 * Providers for a Salesforce client. The config is an object, a ready client (specs), or a function run in an
 * injection context when the client is first injected (to read the app's own services).
 * @example
 * import { provideHttpClient, withInterceptors } from '@angular/common/http';
 * import { provideRxforce } from 'rxforce/angular';
 * bootstrapApplication(App, { providers: [
 *   provideHttpClient(withInterceptors([logging])),
 *   provideRxforce({ apiVersion: '62.0', callOptions: 'client=acme-portal' }),               // signed in later
 *   provideRxforce(() => ({ session: inject(Backend).salesforceSession() }), { name: 'reports' }),
 * ] });
 * @returns environment providers: for `bootstrapApplication`, a route's `providers`, or `TestBed.configureTestingModule`
 */
export function provideRxforce(config: RxforceConfig | SalesforceClient | (() => RxforceConfig | SalesforceClient),
  options: ProvideRxforceOptions = {}): EnvironmentProviders {
  if (typeof config !== 'function' && !(config instanceof SalesforceClient)) checkConfig(config);
  const token = options.name === undefined ? RXFORCE_CLIENT : rxforceClientToken(options.name);
  const providers: Provider[] = [{
    provide: token,
    useFactory: (): SalesforceClient => {
      const given = typeof config === 'function' ? config() : config;
      if (given instanceof SalesforceClient) return given;
      checkConfig(given);
      return new SalesforceClient(clientOptions(given, options.name));
    },
  }];
  if (options.name === undefined) providers.push({ provide: SalesforceClient, useExisting: RXFORCE_CLIENT });
  return makeEnvironmentProviders(providers);
}

/**
 * The client `provideRxforce()` provided (by name, or the default), from an injection context; throws an error that
 * says what to add when there is none.
 * @example private readonly client = injectRxforceClient();
 */
export function injectRxforceClient(name?: string): SalesforceClient {
  assertInInjectionContext(injectRxforceClient);
  const client = inject(name === undefined ? RXFORCE_CLIENT : rxforceClientToken(name), { optional: true });
  if (!client) {
    throw new Error(name === undefined
      ? 'No rxforce client here: add provideRxforce({ … }) to the application\'s (or the route\'s) providers'
      : `No rxforce client named ${JSON.stringify(name)} here: add provideRxforce({ … }, { name: ${JSON.stringify(name)} }) to the providers`);
  }
  return client;
}

function checkConfig(config: RxforceConfig): void {
  if (!config || typeof config !== 'object') throw new TypeError('provideRxforce needs a config object, a SalesforceClient or a function returning one');
  if (config.login !== undefined && config.session !== undefined) {
    throw new TypeError('provideRxforce takes a login or a session, not both');
  }
  const t = config.transport;
  if (t !== undefined && t !== 'httpClient' && t !== 'axios' && typeof t !== 'function') {
    throw new TypeError(`provideRxforce transport must be 'httpClient', 'axios' or a Transport function, got ${JSON.stringify(t)}`);
  }
}

/** Runs in the factory's injection context: the HttpClient is the one of the injector the client is provided in. */
function clientOptions(config: RxforceConfig, name: string | undefined): SalesforceClientOptions {
  const { session, transport = 'httpClient', httpClient, ...rest } = config;
  const options: SalesforceClientOptions = { ...rest, login: config.login ?? session };
  if (typeof transport === 'function') options.transport = transport;
  else if (transport === 'httpClient') {
    const http = inject(HttpClient, { optional: true });
    if (!http) {
      throw new Error(`provideRxforce${name === undefined ? '' : ` (${JSON.stringify(name)})`} sends through Angular's HttpClient: ` +
        'add provideHttpClient() to the providers, or pass transport: \'axios\'');
    }
    options.transport = httpClientTransport(http, httpClient);
  }
  return options;
}
