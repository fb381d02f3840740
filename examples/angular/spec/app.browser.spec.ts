/**
 * The example app in headless Chromium against the emulator on another loopback origin (so CORS is real): built from
 * ngc's AOT output and the packed rxforce, it signs in through the emulator's login page with PKCE (the session handed
 * to the client with signIn), lists the Accounts over HttpClient and renames one — asserted as a person sees the page.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { startEmulator } from 'rxforce/emulator';
import webpack, { type Configuration } from 'webpack';
import { browserSuite } from '../../../spec/browser/support/browserSuite.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const NAMES = ['Acme', 'Globex', 'Initech'];

/** Bundles the app from ngc's output with the example's webpack config. */
async function bundle(outputPath: string): Promise<void> {
  const { angularExampleConfig, NGC_OUT } = await import(pathToFileURL(path.join(here, '../webpack.config.js')).href) as {
    angularExampleConfig(opts: { outputPath: string }): Configuration; NGC_OUT: string;
  };
  if (!existsSync(path.join(NGC_OUT, 'main.js'))) throw new Error(`no ngc output in ${NGC_OUT}: run examples/angular/check.sh (or npx ngc -p tsconfig.ngc.json)`);
  const compiler = webpack(angularExampleConfig({ outputPath }));
  try {
    await new Promise<void>((resolve, reject) => compiler.run((err, stats) => {
      if (err) return reject(err);
      if (stats?.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
      resolve();
    }));
  } finally {
    await new Promise<void>(resolve => compiler.close(() => resolve()));
  }
}

describe('the Angular example in headless Chromium against the emulator', () => {
  const seeded = new Map<string, string>(); // id → Name
  const suite = browserSuite({
    name: 'angular',
    async site(outDir) {
      await bundle(outDir);
      return { pages: { '/': await readFile(path.join(here, '../index.html'), 'utf8') }, mounts: { '/': outDir } };
    },
    async emulator(siteOrigin) {
      const emulator = await startEmulator({ port: 0, seed: 16, corsOrigins: [siteOrigin] });
      for (const Name of NAMES) {
        const result = emulator.store.insert('Account', { Name });
        if (!result.success) throw new Error(`could not seed ${Name}`);
        seeded.set(result.id, Name);
      }
      return emulator;
    },
    actionTimeoutMs: 15_000,
    setUpTimeoutMs: 240_000,
  });

  afterEach(() => {
    if (!suite.canRun()) return;
    const store = suite.emulator.store;
    for (const [id, Name] of seeded) if (store.get(id)?.Name !== Name) store.update('Account', id, { Name });
  });

  async function signedIn(): Promise<Page> {
    const { url: loginUrl, credentials: { consumerKey, username, password } } = suite.emulator;
    const page = await suite.open(`/?loginUrl=${encodeURIComponent(loginUrl)}&consumerKey=${encodeURIComponent(consumerKey)}`);
    await page.locator('#status', { hasText: 'Signed out' }).waitFor();
    await page.click('#login');
    await page.waitForURL(url => url.pathname === '/services/oauth2/authorize');
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('#Login');
    await page.locator('#status', { hasText: `Signed in to ${new URL(loginUrl).host}` }).waitFor();
    return page;
  }

  const labels = (page: Page) => page.locator('#accounts li input').evaluateAll(inputs => inputs.map(i => i.getAttribute('aria-label')));

  it('signs in with PKCE through the login page and lists the Accounts', async () => {
    const logins = suite.emulator.stats.logins;
    const page = await signedIn();
    await page.locator('#accounts li').nth(NAMES.length - 1).waitFor();
    expect(await labels(page)).toEqual(NAMES.map(n => `Name of ${n}`));
    const url = new URL(page.url());
    expect(url.origin).toBe(suite.site.origin);
    expect(url.search).toBe(''); // the single-use code is gone from the address bar
    expect(suite.emulator.stats.logins).toBe(logins + 1);
  }, 60_000);

  it('renames an Account: the list shows the new name and the org holds it', async () => {
    const page = await signedIn();
    const row = page.locator('#accounts li', { has: page.locator('input[aria-label="Name of Globex"]') });
    await row.waitFor();
    const id = await row.getAttribute('data-id');
    await row.locator('input').fill('Globex Corporation');
    await row.locator('button').click();
    await page.locator('#accounts li input[aria-label="Name of Globex Corporation"]').waitFor();
    expect(await labels(page)).toEqual(['Name of Acme', 'Name of Globex Corporation', 'Name of Initech']);
    expect(suite.emulator.store.get(id!)?.Name).toBe('Globex Corporation');
  }, 60_000);
});
