/**
 * `provideRxforce()` in an Angular injector: the default and named clients, configs read from DI, the HttpClient
 * transport by default, the session handed over after the app's own login, and the errors that say what is missing.
 */
import '@angular/compiler';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type EnvironmentInjector, inject, InjectionToken, runInInjectionContext } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { authorizationCodeLogin } from '../../src/client/auth/index.js';
import { SalesforceClient } from '../../src/client/client.js';
import { AuthenticationError } from '../../src/client/errors.js';
import type { Session } from '../../src/client/types.js';
import { createFakeTransport } from '../../src/testing/fakeTransport.js';
import { queryPage, respond } from '../../src/testing/index.js';
import { injectRxforceClient, provideRxforce, RXFORCE_CLIENT, rxforceClientToken } from '../../src/angular/index.js';
import { environmentInjector, settle } from './support/injector.js';

const PROD: Session = { accessToken: '00D000000000001!AQ0AQprod', instanceUrl: 'https://acme.my.salesforce.com' };
const SANDBOX: Session = { accessToken: '00D000000000002!AQ0AQsandbox', instanceUrl: 'https://acme--uat.sandbox.my.salesforce.com' };

describe('provideRxforce', () => {
  let injector: EnvironmentInjector | undefined;
  afterEach(() => injector?.destroy());

  it('provides one client per injector behind RXFORCE_CLIENT, SalesforceClient and injectRxforceClient()', () => {
    injector = environmentInjector([provideHttpClient(), provideHttpClientTesting(), provideRxforce({ session: PROD, apiVersion: '62.0' })]);
    const client = injector.get(RXFORCE_CLIENT);
    expect(client).toBeInstanceOf(SalesforceClient);
    expect(injector.get(SalesforceClient)).toBe(client);
    expect(runInInjectionContext(injector, () => injectRxforceClient())).toBe(client);
    const other = environmentInjector([provideHttpClient(), provideHttpClientTesting(), provideRxforce({ session: PROD })]);
    try {
      expect(other.get(RXFORCE_CLIENT)).not.toBe(client); // per app: SSR renders never share a session
    } finally {
      other.destroy();
    }
  });

  it('sends through the app\'s HttpClient by default', async () => {
    injector = environmentInjector([provideHttpClient(), provideHttpClientTesting(), provideRxforce({ session: PROD, apiVersion: '62.0' })]);
    const backend = injector.get(HttpTestingController);
    const got = firstValueFrom(injector.get(RXFORCE_CLIENT).request$({ method: 'GET', path: 'limits' }));
    await settle();
    const req = backend.expectOne(`${PROD.instanceUrl}/services/data/v62.0/limits`);
    expect(req.request.headers.get('Authorization')).toBe(`Bearer ${PROD.accessToken}`);
    req.flush('{}');
    expect((await got).status).toBe(200);
    backend.verify();
  });

  it('keeps named clients apart: each org its own token, session and transport', async () => {
    const prod = createFakeTransport();
    const sandbox = createFakeTransport();
    for (const fake of [prod, sandbox]) fake.respond(respond('GET', /\/query\?q=/, queryPage([])));
    injector = environmentInjector([
      provideRxforce({ session: PROD, apiVersion: '62.0', transport: prod.transport }),
      provideRxforce({ session: SANDBOX, apiVersion: '62.0', transport: sandbox.transport }, { name: 'sandbox' }),
    ]);
    const byName = runInInjectionContext(injector, () => injectRxforceClient('sandbox'));
    expect(byName).toBe(injector.get(rxforceClientToken('sandbox')));
    expect(rxforceClientToken('sandbox')).toBe(rxforceClientToken('sandbox'));
    expect(byName).not.toBe(injector.get(RXFORCE_CLIENT));
    await byName.request({ method: 'GET', path: 'query', params: { q: 'SELECT Id FROM Account' } });
    expect(sandbox.requests.length).toBe(1);
    expect(sandbox.requests[0]!.url.startsWith(SANDBOX.instanceUrl)).toBeTrue();
    expect(sandbox.requests[0]!.headers.Authorization).toBe(`Bearer ${SANDBOX.accessToken}`);
    expect(prod.requests.length).toBe(0);
  });

  it('runs a config function in an injection context, so the session can come from the app\'s own service', async () => {
    const BACKEND_SESSION = new InjectionToken<Session>('the app backend\'s Salesforce session');
    const fake = createFakeTransport();
    fake.respond(respond('GET', /limits/, { status: 200, data: {} }));
    injector = environmentInjector([
      { provide: BACKEND_SESSION, useValue: SANDBOX },
      provideRxforce(() => ({ session: inject(BACKEND_SESSION), apiVersion: '62.0', transport: fake.transport })),
    ]);
    await injector.get(RXFORCE_CLIENT).request({ method: 'GET', path: 'limits' });
    expect(fake.requests[0]!.headers.Authorization).toBe(`Bearer ${SANDBOX.accessToken}`);
  });

  it('takes a ready client as is (a test client in specs)', () => {
    const client = new SalesforceClient({ login: PROD, transport: createFakeTransport().transport });
    injector = environmentInjector([provideRxforce(client)]);
    expect(injector.get(RXFORCE_CLIENT)).toBe(client);
  });

  it('starts signed out without a login, then takes the session of the app\'s own OAuth callback', async () => {
    const fake = createFakeTransport();
    fake.respond(
      respond('POST', '/services/oauth2/token', { status: 200, data: { access_token: PROD.accessToken, instance_url: PROD.instanceUrl } }),
      respond('GET', /limits/, { status: 200, data: {} }),
    );
    injector = environmentInjector([provideRxforce({ apiVersion: '62.0', transport: fake.transport })]);
    const client = injector.get(RXFORCE_CLIENT);
    await expectAsync(client.request({ method: 'GET', path: 'limits' })).toBeRejectedWithError(AuthenticationError, /no_login/);
    expect(fake.requests.length).toBe(0);

    // the callback page: the code from the URL and the PKCE verifier the app kept before redirecting
    client.signIn(authorizationCodeLogin({ code: 'aPrx.callback-code', codeVerifier: 'kept-in-session-storage-0123456789abcdef',
      redirectUri: 'https://app.example.com/callback', consumerKey: 'app-key' }));
    await client.request({ method: 'GET', path: 'limits' });
    const [token, api] = fake.requests;
    expect(new URLSearchParams(token!.body as string).get('grant_type')).toBe('authorization_code');
    expect(new URLSearchParams(token!.body as string).get('code_verifier')).toBe('kept-in-session-storage-0123456789abcdef');
    expect(api!.headers.Authorization).toBe(`Bearer ${PROD.accessToken}`);
  });

  it('says what to add when HttpClient or the client is missing, and refuses a config that cannot work', () => {
    injector = environmentInjector([provideRxforce({ session: PROD })]);
    expect(() => injector!.get(RXFORCE_CLIENT)).toThrowError(/add provideHttpClient\(\) to the providers, or pass transport: 'axios'/);
    const withAxios = environmentInjector([provideRxforce({ session: PROD, transport: 'axios' })]);
    try {
      expect(withAxios.get(RXFORCE_CLIENT)).toBeInstanceOf(SalesforceClient);
    } finally {
      withAxios.destroy();
    }
    expect(() => runInInjectionContext(injector!, () => injectRxforceClient('reports')))
      .toThrowError(/No rxforce client named "reports" here: add provideRxforce\(\{ … \}, \{ name: "reports" \}\)/);
    expect(() => injectRxforceClient()).toThrowError(/injection context/);
    expect(() => provideRxforce({ session: PROD, login: PROD })).toThrowError(TypeError, /a login or a session, not both/);
    expect(() => provideRxforce({ transport: 'fetch' as never })).toThrowError(TypeError, /transport must be 'httpClient', 'axios' or a Transport/);
    const bad = environmentInjector([provideRxforce({ apiVersion: '62', transport: 'axios' })]);
    try {
      expect(() => bad.get(RXFORCE_CLIENT)).toThrowError(TypeError, /apiVersion must look like '62.0'/);
    } finally {
      bad.destroy();
    }
    expect(() => rxforceClientToken('')).toThrowError(TypeError, /non-empty name/);
  });
});
