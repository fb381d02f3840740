/** The app's providers: Angular's HttpClient (fetch backend, the app's interceptors), rxforce on it, the services. */
import { type HttpInterceptorFn, provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { type ApplicationConfig, type Provider, provideZonelessChangeDetection } from '@angular/core';
import { provideRxforce, RXFORCE_REQUEST } from 'rxforce/angular';
import { AccountsService } from './accounts.service.js';
import { PAGE_LOCATION, type PageLocation } from './app.component.js';
import { SIGN_IN_SETTINGS, SIGN_IN_STORAGE, SignIn, type SignInSettings } from './sign-in.js';

/** Tags the app's requests for its server logs; rxforce's requests to Salesforce carry a call-options header instead. */
export const requestTag: HttpInterceptorFn = (req, next) =>
  req.context.get(RXFORCE_REQUEST) ? next(req) : next(req.clone({ setHeaders: { 'X-App': 'rxforce-angular-example' } }));

export interface PageEnvironment {
  settings: SignInSettings;
  storage: Storage;
  location: PageLocation;
}

/** The services of the page, as factories (no decorators: nothing needs the compiler at runtime). */
export const appProviders: Provider[] = [
  { provide: AccountsService, useFactory: () => new AccountsService() },
  { provide: SignIn, useFactory: () => new SignIn() },
];

export function appConfig(env: PageEnvironment): ApplicationConfig {
  return {
    providers: [
      provideZonelessChangeDetection(),
      provideHttpClient(withFetch(), withInterceptors([requestTag])),
      // signed out until the OAuth callback hands over the login (sign-in.ts)
      provideRxforce({ callOptions: 'client=rxforce-angular-example' }),
      { provide: SIGN_IN_SETTINGS, useValue: env.settings },
      { provide: SIGN_IN_STORAGE, useValue: env.storage },
      { provide: PAGE_LOCATION, useValue: env.location },
      ...appProviders,
    ],
  };
}
