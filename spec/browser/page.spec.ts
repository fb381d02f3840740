/**
 * The browser example end to end: the page, built by its own webpack config, runs in headless Chromium against the
 * emulator on another loopback origin (so CORS is real), logs in through the emulator's login page with PKCE, lists
 * Accounts, renames one and runs a bulk job to JobComplete — asserted as a person sees the page.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startEmulator } from '../../src/emulator/index.js';
import { buildPage, PAGE_DIR } from './support/build.js';
import { browserSuite } from './support/browserSuite.js';

const NAMES = ['Acme', 'Globex', 'Initech'];

describe('examples/browser in headless Chromium', () => {
  const seeded = new Map<string, string>(); // id → Name
  const suite = browserSuite({
    name: 'browser',
    async site(outDir) {
      await buildPage(outDir);
      return { mounts: { '/': outDir }, fallback: path.join(PAGE_DIR, 'index.html') };
    },
    async emulator(siteOrigin) {
      // only the page's origin may call the org from a browser
      const emulator = await startEmulator({ port: 0, seed: 11, corsOrigins: [siteOrigin], bulkRecordsPerSecond: 400 });
      for (const Name of NAMES) {
        const result = emulator.store.insert('Account', { Name });
        if (!result.success) throw new Error(`could not seed ${Name}`);
        seeded.set(result.id, Name);
      }
      return emulator;
    },
  });

  afterEach(() => {
    if (!suite.canRun()) return;
    // the org back to the three seeded Accounts, whatever the spec did (specs run in random order)
    const store = suite.emulator.store;
    for (const rec of [...store.scan('Account')]) if (!seeded.has(rec.Id)) store.delete(rec.Id, { hard: true });
    for (const [id, Name] of seeded) if (store.get(id)?.Name !== Name) store.update('Account', id, { Name });
  });

  function openPage(): Promise<Page> {
    const { url, credentials } = suite.emulator;
    return suite.open(`/?loginUrl=${encodeURIComponent(url)}&consumerKey=${encodeURIComponent(credentials.consumerKey)}`);
  }

  /** Through the emulator's login page and back to the app, as a user does. */
  async function signIn(page: Page, password = suite.emulator.credentials.password): Promise<void> {
    await page.click('#login');
    await page.waitForURL(url => url.pathname === '/services/oauth2/authorize');
    await page.fill('#username', suite.emulator.credentials.username);
    await page.fill('#password', password);
    await page.click('#Login');
  }

  const accountNames = (page: Page) => page.locator('#accounts li').allTextContents();

  it('logs in with PKCE through the login page and lists the Accounts', async () => {
    const page = await openPage();
    expect(await page.textContent('#status')).toBe('Signed out');
    await signIn(page);
    await page.locator('#status', { hasText: 'Signed in to 127.0.0.1' }).waitFor();
    await page.locator('#accounts li').nth(NAMES.length - 1).waitFor();
    expect(await accountNames(page)).toEqual(NAMES);
    const url = new URL(page.url());
    expect(url.origin).toBe(suite.site.origin);
    expect(url.search).toBe(''); // the single-use code is gone from the address bar
    expect(suite.emulator.stats.logins).toBeGreaterThan(0);
  });

  it('renames an Account: the list shows the new name and the org holds it', async () => {
    const page = await openPage();
    await signIn(page);
    await page.locator('#accounts li', { hasText: 'Globex' }).click();
    expect(await page.inputValue('#name')).toBe('Globex');
    await page.fill('#name', 'Globex Corporation');
    await page.click('#save');
    await page.locator('#save-status', { hasText: /^Saved$/ }).waitFor();
    await page.locator('#accounts li', { hasText: 'Globex Corporation' }).waitFor();
    expect(await accountNames(page)).toEqual(['Acme', 'Globex Corporation', 'Initech']);
    const id = await page.locator('#accounts li', { hasText: 'Globex Corporation' }).getAttribute('data-id');
    expect(suite.emulator.store.get(id!)?.Name).toBe('Globex Corporation');
  });

  it('shows a bulk job moving through its states to JobComplete', async () => {
    const page = await openPage();
    await signIn(page);
    await page.locator('#bulk-start').waitFor();
    await page.fill('#bulk-count', '300');
    await page.click('#bulk-start');
    await page.locator('#job-state', { hasText: 'JobComplete: 300 created, 0 failed' }).waitFor({ timeout: 15_000 });
    const states = await page.locator('#job-log li').allTextContents();
    expect(states[0]).toBe('Open');
    expect(states).toContain('UploadComplete');
    expect(states[states.length - 1]).toBe('JobComplete');
    expect(await page.locator('#job-progress').evaluate(el => (el as HTMLProgressElement).value)).toBe(300);
    expect(suite.emulator.store.count('Account')).toBe(NAMES.length + 300);
  });

  it('keeps the user on the login page with its error when the password is wrong', async () => {
    const page = await openPage();
    await signIn(page, 'not-the-password');
    await page.locator('#error', { hasText: 'check your username and password' }).waitFor();
    expect(new URL(page.url()).origin).toBe(suite.emulator.url);
    expect(await page.isVisible('#password')).toBeTrue();
  });
});
