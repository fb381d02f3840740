/**
 * The browser bundles as a page uses them, in headless Chromium: the UMD bundle as the global `rxforce` next to
 * rxjs's own UMD bundle (global `rxjs`), and the ES module bundle imported from a `<script type="module">` with an
 * import map resolving `rxjs` to rxjs's ES modules. Each carries exactly what the `rxforce/browser` entry exports,
 * logs in to the emulator on another origin, runs a query, and writes through Composite and the list operators.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import * as browserEntry from '../../src/browser.js';
import { startEmulator } from '../../src/emulator/index.js';
import { browserBundles } from './support/build.js';
import { browserSuite } from './support/browserSuite.js';

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
/** What a page's writes report back: the Composite answer, then the list operators' results and the Contacts read back. */
interface WriteOutcome { compositeOk: boolean; inserted: boolean[]; fetched: string[]; deleted: boolean[]; left: string[] }
/** The names the page sees on the bundle, less the flag marking an ES module. */
const BUNDLE_EXPORTS = `Object.keys(rxforce).filter(k => k !== '__esModule').sort()`;
const ENTRY_EXPORTS = Object.keys(browserEntry).sort();

describe('the rxforce browser bundles in headless Chromium', () => {
  const suite = browserSuite({
    name: 'bundles',
    async site(outDir) {
      const bundles = await browserBundles(outDir);
      return {
        pages: { '/umd.html': UMD_PAGE, '/esm.html': ESM_PAGE },
        mounts: {
          '/bundles/': bundles.dir,
          '/vendor/': path.join(root, 'node_modules/rxjs/dist/bundles'),
          '/rxjs/': path.join(root, 'node_modules/rxjs/dist/esm'),
          '/tslib/': path.join(root, 'node_modules/tslib'),
        },
      };
    },
    async emulator(siteOrigin) {
      const emulator = await startEmulator({ port: 0, seed: 8, corsOrigins: [siteOrigin] });
      for (const Name of NAMES) {
        if (!emulator.store.insert('Account', { Name }).success) throw new Error(`could not seed ${Name}`);
      }
      return emulator;
    },
    // the module page loads rxjs's ES modules file by file, which on a busy machine takes well over ten seconds
    actionTimeoutMs: 60_000,
    setUpTimeoutMs: 240_000, // a first build without webpack's cache takes a while on a busy machine
  });

  /**
   * Gives the page one logged-in session through the bundle under test: `window.session` holds the rxforce and rxjs the
   * page loaded (globals for UMD, `window.libs` for the module page) and a client logging in with the password flow.
   */
  async function connect(page: Page, libs: 'globals' | 'module'): Promise<void> {
    const { username, password, securityToken, consumerKey, consumerSecret } = suite.emulator.credentials;
    await page.evaluate(({ libs, login }) => {
      const w = window as any;
      const { rxforce, rxjs } = libs === 'globals' ? { rxforce: w.rxforce, rxjs: w.rxjs } : w.libs;
      w.session = { rxforce, rxjs, client: new rxforce.SalesforceClient({ login: rxforce.passwordLogin(login) }) };
    }, { libs, login: { loginUrl: suite.emulator.url, username, password, securityToken, consumerKey, consumerSecret } });
  }

  /** Queries the Accounts, once by SOQL text and once with a typed model (after `connect`). */
  function queryAccounts(page: Page): Promise<QueryOutcome> {
    return page.evaluate(async () => {
      type Any = any;
      const { rxforce, rxjs, client } = (window as Any).session;
      const soql$ = rxforce.query$('SELECT Id, Name FROM Account ORDER BY Name', { client });
      const names: string[] = await rxjs.lastValueFrom(soql$.pipe(rxjs.map((r: Any) => r.Name), rxjs.toArray()));
      const Account = rxforce.defineSObject('Account', { Id: rxforce.sf.id(), Name: rxforce.sf.string({ length: 255 }) });
      const typed: string[] = (await rxforce.query(rxforce.select(Account).orderBy('Name', 'desc'), { client })).map((a: Any) => a.Name);
      return { names, typed, sharesRxjs: soql$ instanceof rxjs.Observable, bundledRxjs: 'Observable' in rxforce };
    });
  }

  /**
   * Creates a Contact and one reporting to it in one Composite request (the second refers to the first's new id), adds
   * two more reports with `insertList`, reads the three reports back with `fetchList$`, deletes the two with
   * `deleteList` and queries who still reports to the first. Only Contacts are written: the Accounts the queries
   * above read are left as seeded, whatever order the specs run in.
   */
  function writeThroughBundle(page: Page): Promise<WriteOutcome> {
    return page.evaluate(async () => {
      type Any = any;
      const { rxforce, rxjs, client } = (window as Any).session;
      const Contact = rxforce.defineSObject('Contact', {
        Id: rxforce.sf.id(), LastName: rxforce.sf.string({ length: 80 }), ReportsToId: rxforce.sf.reference('Contact').optional(),
      });
      const boss = rxforce.subrequest.create(Contact, { LastName: 'Belson' });
      const report = rxforce.subrequest.create(Contact, { LastName: 'Hendricks', ReportsToId: boss.ref.id });
      const made = await rxforce.composite([boss, report], { client, allOrNone: true });
      const bossId: string = made.responses[0].result.id;
      const saved = await rxforce.insertList(Contact, [{ LastName: 'Dunn', ReportsToId: bossId }, { LastName: 'Bighetti', ReportsToId: bossId }], { client });
      const ids: string[] = [made.responses[1].result.id, ...saved.map((r: Any) => r.id)];
      const fetched = await rxjs.lastValueFrom(rxforce.fetchList$(Contact, ids, { client }).pipe(
        rxjs.filter((e: Any) => e.type === 'complete'), rxjs.map((e: Any) => e.results.map((r: Any) => r.record?.LastName))));
      const deleted = await rxforce.deleteList(saved.map((r: Any) => r.id), { client, model: Contact });
      const left = await rxforce.query(rxforce.select(Contact).where({ ReportsToId: bossId }), { client });
      return { compositeOk: made.ok, inserted: saved.map((r: Any) => r.success), fetched, deleted: deleted.map((r: Any) => r.success),
        left: left.map((c: Any) => c.LastName) };
    });
  }

  const EXPECTED_WRITES: WriteOutcome = { compositeOk: true, inserted: [true, true], fetched: ['Hendricks', 'Dunn', 'Bighetti'],
    deleted: [true, true], left: ['Hendricks'] };

  it('UMD: runs as the global rxforce on the global rxjs and queries the org', async () => {
    const page = await suite.open('/umd.html');
    expect(await page.evaluate(() => typeof (window as unknown as { rxforce?: unknown }).rxforce)).toBe('object');
    await connect(page, 'globals');
    const outcome = await queryAccounts(page);
    expect(outcome.names).toEqual(['Acme', 'Globex', 'Initech']);
    expect(outcome.typed).toEqual(['Initech', 'Globex', 'Acme']);
    expect(outcome.sharesRxjs).withContext('query$ returns the page\'s rxjs Observable').toBeTrue();
    expect(outcome.bundledRxjs).toBeFalse();
  }, 120_000);

  it('UMD: carries what rxforce/browser exports, and writes through Composite and the list operators', async () => {
    const page = await suite.open('/umd.html');
    expect(await page.evaluate(`(() => { const rxforce = window.rxforce; return ${BUNDLE_EXPORTS}; })()`)).toEqual(ENTRY_EXPORTS);
    await connect(page, 'globals');
    expect(await writeThroughBundle(page)).toEqual(EXPECTED_WRITES);
  }, 120_000);

  it('ESM: imports from a module script, with rxjs resolved through an import map, and queries the org', async () => {
    const page = await suite.open('/esm.html');
    await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
    await connect(page, 'module');
    const outcome = await queryAccounts(page);
    expect(outcome.names).toEqual(['Acme', 'Globex', 'Initech']);
    expect(outcome.typed).toEqual(['Initech', 'Globex', 'Acme']);
    expect(outcome.sharesRxjs).withContext('query$ returns the import map\'s rxjs Observable').toBeTrue();
    expect(outcome.bundledRxjs).toBeFalse();
  }, 120_000);

  it('ESM: carries what rxforce/browser exports, and writes through Composite and the list operators', async () => {
    const page = await suite.open('/esm.html');
    await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
    expect(await page.evaluate(`(() => { const rxforce = window.libs.rxforce; return ${BUNDLE_EXPORTS}; })()`)).toEqual(ENTRY_EXPORTS);
    await connect(page, 'module');
    expect(await writeThroughBundle(page)).toEqual(EXPECTED_WRITES);
  }, 120_000);
});
