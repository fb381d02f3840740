/** The browser entry: settings from `?loginUrl=…&consumerKey=…` on first visit (kept for the OAuth round trip). */
import '@angular/compiler'; // Angular's packages are linked by the CLI; this bundle compiles their declarations JIT
import { bootstrapApplication } from '@angular/platform-browser';
import { AppComponent } from './app.component.js';
import { appConfig } from './app.config.js';

const KEY = 'rxforce.angular.settings.';
const storage = window.sessionStorage;
const params = new URLSearchParams(window.location.search);
for (const name of ['loginUrl', 'consumerKey']) {
  const value = params.get(name);
  if (value) storage.setItem(KEY + name, value);
}

bootstrapApplication(AppComponent, appConfig({
  settings: {
    loginUrl: storage.getItem(KEY + 'loginUrl') ?? 'http://127.0.0.1:3000',
    consumerKey: storage.getItem(KEY + 'consumerKey') ?? 'rxforce-local-key',
    redirectUri: window.location.origin + window.location.pathname,
  },
  storage,
  location: {
    get href() { return window.location.href; },
    assign: url => window.location.assign(url),
    replace: url => window.history.replaceState(null, '', url),
  },
})).catch((e: unknown) => console.error(e));
