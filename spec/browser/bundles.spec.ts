/**
 * The browser bundles as a page uses them, in headless Chromium: the UMD bundle as the global `rxforce` next to
 * rxjs's own UMD bundle (global `rxjs`), and the ES module bundle imported from a `<script type="module">` with an
 * import map resolving `rxjs` to rxjs's ES modules. Each logs in to the emulator on another origin and runs a query.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { browserBundles } from './support/build.js';
import { launchChromium, needsChromium, recordProblems, tearDown } from './support/chromium.js';
import { serveFiles, type FileServer } from './support/fileServer.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NAMES = ['Initech', 'Acme', 'Globex'];

const UMD_PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>UMD</title>
<script src="/vendor/rxjs.umd.min.js"></script>
<script src="/bundles/rxforce.umd.js"></script>
</head><body></body></html>`;

// rxjs's ES modules import tslib; a page maps both bare names, as it would to a package CDN
const ESM_PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>ESM</title>
<script type="importmap">${JSON.stringify({ imports: {
    rxjs: '/rxjs/index.js', 'rxjs/operators': '/rxjs/operators/index.js', tslib: '/tslib/tslib.es6.js' } })}</script>
<script type="module">
  import * as rxforce from '/bundles/rxforce.esm.js';
  import * as rxjs from 'rxjs';
  window.libs = { rxforce, rxjs };
  document.body.dataset.ready = 'true';
</script>
</head><body></body></html>`;

/** What a page's query reports back. */
interface QueryOutcome { names: string[]; typed: string[]; sharesRxjs: boolean; bundledRxjs: boolean }

describe('the rxforce browser bundles in headless Chromium', () => {
  let outDir: string | undefined;
  let site: FileServer | undefined;
  let emulator: Emulator | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let problems: string[] = [];
  const canRun = needsChromium();

  beforeAll(async () => {
    if (!canRun()) return;
    outDir = await mkdtemp(path.join(os.tmpdir(), 'rxforce-bundles-'));
    const bundles = await browserBundles(outDir);
    site = await serveFiles({
      pages: { '/umd.html': UMD_PAGE, '/esm.html': ESM_PAGE },
      mounts: {
        '/bundles/': bundles.dir,
        '/vendor/': path.join(root, 'node_modules/rxjs/dist/bundles'),
        '/rxjs/': path.join(root, 'node_modules/rxjs/dist/esm'),
        '/tslib/': path.join(root, 'node_modules/tslib'),
      },
    });
    emulator = await startEmulator({ port: 0, seed: 8, corsOrigins: [site.origin] });
    for (const Name of NAMES) {
      if (!emulator.store.insert('Account', { Name }).success) throw new Error(`could not seed ${Name}`);
    }
    browser = await launchChromium();
  }, 240_000); // a first build without webpack's cache takes a while on a busy machine

  afterAll(async () => {
    await tearDown([() => browser?.close(), () => site?.stop(), () => emulator?.stop(),
      () => (outDir ? rm(outDir, { recursive: true, force: true }) : undefined)]);
  }, 30_000);

  beforeEach(async () => {
    if (!canRun()) return;
    problems = [];
    context = await browser!.newContext();
    context.setDefaultTimeout(10_000);
  });

  afterEach(async () => {
    if (!canRun()) return;
    await context?.close().catch(() => undefined);
    expect(problems).withContext('errors in the page').toEqual([]);
  });

  async function open(pathname: string): Promise<Page> {
    const page = await context!.newPage();
    recordProblems(page, problems);
    await page.goto(`${site!.origin}${pathname}`);
    return page;
  }

  /** Logs in with the password flow and queries the Accounts, once by SOQL text and once with a typed model. */
  function queryAccounts(page: Page, libs: 'globals' | 'module'): Promise<QueryOutcome> {
    const { username, password, securityToken, consumerKey, consumerSecret } = emulator!.credentials;
    return page.evaluate(async ({ libs, login }) => {
      type Any = any;
      const w = window as Any;
      const { rxforce, rxjs } = libs === 'globals' ? { rxforce: w.rxforce, rxjs: w.rxjs } : w.libs;
      const client = new rxforce.SalesforceClient({ login: rxforce.passwordLogin(login) });
      const soql$ = rxforce.query$('SELECT Id, Name FROM Account ORDER BY Name', { client });
      const names: string[] = await rxjs.lastValueFrom(soql$.pipe(rxjs.map((r: Any) => r.Name), rxjs.toArray()));
      const Account = rxforce.defineSObject('Account', { Id: rxforce.sf.id(), Name: rxforce.sf.string({ length: 255 }) });
      const typed: string[] = (await rxforce.query(rxforce.select(Account).orderBy('Name', 'desc'), { client })).map((a: Any) => a.Name);
      return { names, typed, sharesRxjs: soql$ instanceof rxjs.Observable, bundledRxjs: 'Observable' in rxforce };
    }, { libs, login: { loginUrl: emulator!.url, username, password, securityToken, consumerKey, consumerSecret } });
  }

  it('UMD: runs as the global rxforce on the global rxjs and queries the org', async () => {
    const page = await open('/umd.html');
    expect(await page.evaluate(() => typeof (window as unknown as { rxforce?: unknown }).rxforce)).toBe('object');
    const outcome = await queryAccounts(page, 'globals');
    expect(outcome.names).toEqual(['Acme', 'Globex', 'Initech']);
    expect(outcome.typed).toEqual(['Initech', 'Globex', 'Acme']);
    expect(outcome.sharesRxjs).withContext('query$ returns the page\'s rxjs Observable').toBeTrue();
    expect(outcome.bundledRxjs).toBeFalse();
  });

  it('ESM: imports from a module script, with rxjs resolved through an import map, and queries the org', async () => {
    const page = await open('/esm.html');
    await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
    const outcome = await queryAccounts(page, 'module');
    expect(outcome.names).toEqual(['Acme', 'Globex', 'Initech']);
    expect(outcome.typed).toEqual(['Initech', 'Globex', 'Acme']);
    expect(outcome.sharesRxjs).withContext('query$ returns the import map\'s rxjs Observable').toBeTrue();
    expect(outcome.bundledRxjs).toBeFalse();
  });
});
