/** The page: log in (PKCE), then the Accounts list and editor, and the bulk job panel. */
import { merge, switchMap } from 'rxjs';
import { redact } from '../../../src/index.js';
import { accountsPage$ } from './accounts.js';
import { clientFromCallback, pageConfig, startLogin } from './auth.js';
import { bulkPage$ } from './bulk.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');
const errorBox = $('error');
const showError = (e: unknown) => { errorBox.textContent = redact(e instanceof Error ? e.message : String(e)); };

const config = pageConfig(window.location, window.sessionStorage);

try {
  const client = clientFromCallback(config, window.location, window.sessionStorage);
  if (!client) {
    const login = $<HTMLButtonElement>('login');
    login.hidden = false;
    login.addEventListener('click', () => {
      login.disabled = true;
      startLogin(config, window.sessionStorage, url => window.location.assign(url)).catch(showError);
    });
  } else {
    // the code is single use: keep it out of history and bookmarks
    window.history.replaceState(null, '', config.redirectUri);
    status.textContent = 'Signing in…';
    client.session$().pipe(switchMap(session => {
      status.textContent = `Signed in to ${new URL(session.instanceUrl).host}`;
      $('app').hidden = false;
      return merge(
        accountsPage$(client, { list: $('accounts'), form: $('edit'), name: $('name'), save: $('save'), status: $('save-status') }, showError),
        bulkPage$(client, { count: $('bulk-count'), start: $('bulk-start'), state: $('job-state'), progress: $('job-progress'), log: $('job-log') }, showError),
      );
    })).subscribe({ error: e => { status.textContent = 'Signed out'; showError(e); } });
  }
} catch (e) {
  showError(e);
}
