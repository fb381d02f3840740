/**
 * The browser example end to end: the page, built by its own webpack config, runs in headless Chromium against the
 * emulator on another loopback origin (so CORS is real), logs in through the emulator's login page with PKCE, lists
 * Accounts, renames one and runs a bulk job to JobComplete — asserted as a person sees the page.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { buildPage, PAGE_DIR } from './support/build.js';
import { launchChromium, needsChromium, recordProblems, tearDown } from './support/chromium.js';
import { serveFiles, type FileServer } from './support/fileServer.js';

const WAIT = { timeout: 10_000 };
const NAMES = ['Acme', 'Globex', 'Initech'];

describe('examples/browser in headless Chromium', () => {
  let outDir: string | undefined;
  let site: FileServer | undefined;
  let emulator: Emulator | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let problems: string[] = [];
  const canRun = needsChromium();
  const seeded = new Map<string, string>(); // id → Name

  beforeAll(async () => {
    if (!canRun()) return;
    outDir = await mkdtemp(path.join(os.tmpdir(), 'rxforce-browser-'));
    await buildPage(outDir);
    site = await serveFiles({ mounts: { '/': outDir }, fallback: path.join(PAGE_DIR, 'index.html') });
    // only the page's origin may call the org from a browser
    emulator = await startEmulator({ port: 0, seed: 11, corsOrigins: [site.origin], bulkRecordsPerSecond: 400 });
    for (const Name of NAMES) {
      const result = emulator.store.insert('Account', { Name });
      if (!result.success) throw new Error(`could not seed ${Name}`);
      seeded.set(result.id, Name);
    }
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await tearDown([() => browser?.close(), () => site?.stop(), () => emulator?.stop(),
      () => (outDir ? rm(outDir, { recursive: true, force: true }) : undefined)]);
  }, 30_000);

  beforeEach(async () => {
    if (!canRun()) return;
    problems = [];
    context = await browser!.newContext(); // its own sessionStorage: every spec logs in afresh
    context.setDefaultTimeout(WAIT.timeout);
  });

  afterEach(async () => {
    if (!canRun()) return;
    await context?.close().catch(() => undefined);
    // the org back to the three seeded Accounts, whatever the spec did (specs run in random order)
    const store = emulator!.store;
    for (const rec of [...store.scan('Account')]) if (!seeded.has(rec.Id)) store.delete(rec.Id, { hard: true });
    for (const [id, Name] of seeded) if (store.get(id)?.Name !== Name) store.update('Account', id, { Name });
    expect(problems).withContext('errors in the page').toEqual([]);
  });

  async function openPage(): Promise<Page> {
    const page = await context!.newPage();
    recordProblems(page, problems);
    const { consumerKey } = emulator!.credentials;
    await page.goto(`${site!.origin}/?loginUrl=${encodeURIComponent(emulator!.url)}&consumerKey=${encodeURIComponent(consumerKey)}`);
    return page;
  }

  /** Through the emulator's login page and back to the app, as a user does. */
  async function signIn(page: Page, password = emulator!.credentials.password): Promise<void> {
    await page.click('#login');
    await page.waitForURL(url => url.pathname === '/services/oauth2/authorize');
    await page.fill('#username', emulator!.credentials.username);
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
    expect(url.origin).toBe(site!.origin);
    expect(url.search).toBe(''); // the single-use code is gone from the address bar
    expect(emulator!.stats.logins).toBeGreaterThan(0);
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
    expect(emulator!.store.get(id!)?.Name).toBe('Globex Corporation');
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
    expect(emulator!.store.count('Account')).toBe(NAMES.length + 300);
  });

  it('keeps the user on the login page with its error when the password is wrong', async () => {
    const page = await openPage();
    await signIn(page, 'not-the-password');
    await page.locator('#error', { hasText: 'check your username and password' }).waitFor();
    expect(new URL(page.url()).origin).toBe(emulator!.url);
    expect(await page.isVisible('#password')).toBeTrue();
  });
});
