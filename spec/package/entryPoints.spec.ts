/**
 * The package as users install it: each `exports` entry has an ES module and a CommonJS build with declarations for
 * each, resolves by package name through `import` and `require`, the bin points at a built file, and the
 * browser-safe entries (`rxforce`, `rxforce/browser`, `rxforce/promise`) reach no `node:` module, neither in src nor in the build.
 * The build checked is the one `npm pack` just made (spec/package/support/packed.ts), never whatever dist/ held.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserField, ENTRIES as entryModules, packageEntries } from '../../scripts/package-entries.js';
import { cleanUpPacked, packed } from './support/packed.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
type Build = { types: string; default: string };
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string; main: string; types: string; bin: Record<string, string>; browser: Record<string, string>;
  exports: Record<string, string | { import: Build; require: Build }>;
};

/** What a user expects to find in each entry point. */
const ENTRIES: Record<string, string[]> = {
  'rxforce': ['SalesforceClient', 'passwordLogin', 'defineSObject', 'sf', 'fetch$', 'fetch', 'saveUpsert$', 'query$',
    'insertRecords', 'bulkUpsert$', 'SalesforceApiError', 'to18'],
  'rxforce/node': ['sfCliLogin', 'downloadFileToPath$'],
  'rxforce/emulator': ['startEmulator'],
  'rxforce/testing': ['createTestClient'],
  'rxforce/promise': ['fetch', 'save', 'deleteRecord', 'query', 'bulkQuery'],
  'rxforce/browser': ['SalesforceClient', 'passwordLogin', 'defineSObject', 'sf', 'fetch$', 'query$', 'insertRecords', 'composite$'],
  'rxforce/angular': ['provideRxforce', 'RXFORCE_CLIENT', 'injectRxforceClient', 'rxforceClientToken', 'httpClientTransport',
    'RXFORCE_REQUEST', 'rxAction', 'toSignalState'],
  'rxforce/redis': ['redisLimiter', 'redisApiUsage', 'redisSessionCache'],
};

/** Browser-safe entries and the packages each may import: its dependencies, and for `rxforce/angular` its Angular peers. */
const BROWSER_SAFE: Record<string, string[]> = {
  'src/index.ts': [],
  'src/promise.ts': [],
  'src/browser.ts': [],
  'src/angular/index.ts': ['@angular/core', '@angular/common'],
};

/** Relative and package-internal specifiers of a module's static and dynamic imports and re-exports. */
function importsOf(text: string): string[] {
  const out: string[] = [];
  // doc comments show `import … from 'rxforce'` examples: only code counts
  const source = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
  const re = /(?:^|[;\s}])(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|(?:^|[;\s])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

/** Every module reachable from `entry` through relative imports, and the bare specifiers they import. */
function moduleGraph(entry: string, toFile: (spec: string, from: string) => string): { files: string[]; external: Map<string, string> } {
  const files: string[] = [];
  const external = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    files.push(file);
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) visit(toFile(spec, file));
      else if (!external.has(spec)) external.set(spec, file);
    }
  };
  visit(entry);
  return { files, external };
}

/** A relative import of src/ as a browser bundle resolves it: to the module's browser twin where it has one. */
const srcFile = (spec: string, from: string) => {
  const file = resolve(dirname(from), spec).replace(/\.js$/, '.ts');
  const twin = file.replace(/\.ts$/, '.browser.ts');
  return existsSync(twin) ? twin : file;
};
/** A relative import of dist/ as a bundler resolves it, through package.json's `browser` field. */
const distFile = (spec: string, from: string) => {
  const file = resolve(dirname(from), spec);
  const twin = pkg.browser[`./${relative(root, file).split(sep).join('/')}`];
  return twin ? join(root, twin) : file;
};
const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || ['fs', 'path', 'http', 'https', 'os', 'stream',
  'crypto', 'child_process', 'url', 'zlib', 'net', 'tls', 'events', 'buffer', 'util'].includes(spec.split('/')[0]!);

describe('package entry points', () => {
  beforeAll(async () => {
    await packed();
  }, 1_800_000);
  afterAll(cleanUpPacked, 60_000);

  it('exports every entry as scripts/package-entries.js lists it: import and require, each with its types, all in the tarball', async () => {
    // what the tarball holds, not what a working tree happens to have in dist/
    const inTarball = new Set((await packed()).files);
    expect(inTarball.size).toBeGreaterThan(0);
    expect(pkg.name).toBe('rxforce');
    expect(Object.keys(entryModules).sort()).toEqual(Object.keys(ENTRIES).map(e => e.replace(/^rxforce/, '.')).sort());
    expect({ main: pkg.main, types: pkg.types, exports: pkg.exports }).toEqual(packageEntries(entryModules));
    // every browser twin of src/ is swapped in for both builds, so a bundler of dist/ takes what webpack takes
    expect(pkg.browser).toEqual(browserField());
    expect(Object.keys(pkg.browser)).toContain('./dist/esm/sources/bulk/transfer.js');
    for (const [key, module] of Object.entries(entryModules)) {
      expect(existsSync(join(root, 'src', `${module}.ts`))).withContext(`${key} is built from src/${module}.ts`).toBeTrue();
      const target = pkg.exports[key] as { import: Build; require: Build };
      for (const file of [target.import.types, target.import.default, target.require.types, target.require.default]) {
        expect(inTarball.has(file.replace(/^\.\//, ''))).withContext(`${key} → ${file} in the tarball`).toBeTrue();
        expect(existsSync(join(root, file))).withContext(`${key} → ${file} after npm pack`).toBeTrue();
      }
    }
    expect(JSON.parse(readFileSync(join(root, 'dist/cjs/package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    expect(readFileSync(join(root, pkg.bin.rxforce!), 'utf8')).toContain("import '../dist/esm/cli/main.js'");
    expect(inTarball.has('dist/esm/cli/main.js')).withContext('the CLI the bin loads is packed').toBeTrue();
    expect(inTarball.has('dist/cjs/package.json')).withContext('the CommonJS marker is packed').toBeTrue();
  });

  for (const [entry, peers] of Object.entries(BROWSER_SAFE)) {
    it(`${entry} (browser-safe) reaches no node: module through any import`, () => {
      const { files, external } = moduleGraph(join(root, entry), srcFile);
      expect(files.length).toBeGreaterThan(10);
      const offending = [...external].filter(([spec]) => isNodeBuiltin(spec)).map(([spec, file]) => `${spec} in ${file}`);
      expect(offending).toEqual([]);
      // what it may import from outside: its own dependencies, nothing else
      const allowed = new Set(['rxjs', 'axios', 'zod', 'jose', 'rxjs-for-await', '@jetstreamapp/soql-parser-js',
        'csv-parse', 'csv-stringify', ...peers]);
      const strays = [...external.keys()].filter(s => !allowed.has(s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
      expect(strays).toEqual([]);
    });
  }

  it('finds node: imports when they are there (the scanner itself)', () => {
    const { external } = moduleGraph(join(root, 'src/node/index.ts'), srcFile);
    expect([...external.keys()].some(isNodeBuiltin)).toBeTrue();
    expect(importsOf("/** import { a } from 'rxforce'; */\nimport x from 'node:fs';\nexport { y } from './y.js';\n" +
      "// import z from 'node:os';\nimport './side.js';\nawait import('./lazy.js');"))
      .toEqual(['node:fs', './y.js', './side.js', './lazy.js']);
  });

  it('the browser-safe entries of the ES module build reach no node: module', () => {
    for (const entry of Object.keys(BROWSER_SAFE).map(f => f.replace(/^src\//, 'dist/esm/').replace(/\.ts$/, '.js'))) {
      const { files, external } = moduleGraph(join(root, entry), distFile);
      expect(files.length).withContext(entry).toBeGreaterThan(10);
      expect([...external.keys()].filter(isNodeBuiltin)).withContext(entry).toEqual([]);
    }
  });

  const requireHere = createRequire(import.meta.url);

  // The Pub/Sub API's packages are optional peers loaded on first use: each build must find them when they are there
  // (spec/package/consumers.spec.ts checks the error when they are not).
  for (const build of ['import', 'require'] as const) {
    it(`${build === 'import' ? 'the ES module' : 'the CommonJS'} build loads the Pub/Sub API's packages on first use: a change event end to end`, async () => {
      const load = async (name: string) => {
        const specifier: string = name;
        return (build === 'import' ? await import(specifier) : requireHere(specifier)) as Record<string, unknown>;
      };
      const { startEmulator } = await load('rxforce/emulator') as typeof import('../../src/emulator/index.js');
      const { SalesforceClient, passwordLogin } = await load('rxforce') as typeof import('../../src/index.js');
      const { changeEvents$ } = await load('rxforce/node') as typeof import('../../src/node/index.js');
      const emu = await startEmulator({ port: 0, pubsub: { changeDataCapture: ['Account'], tlsPort: false } });
      try {
        const c = emu.credentials;
        const client = new SalesforceClient({ login: passwordLogin({ loginUrl: emu.url, username: c.username,
          password: c.password, consumerKey: c.consumerKey, consumerSecret: c.consumerSecret }) });
        const event = await new Promise<{ changeType: string; name: unknown }>((resolve, reject) => {
          const sub = changeEvents$('/data/AccountChangeEvent', { client, endpoint: `127.0.0.1:${emu.pubsub!.port}`, tls: false,
            onOpen: () => void emu.store.insert('Account', { Name: `Built ${build}` }) })
            .subscribe({ next: e => { sub.unsubscribe(); resolve({ changeType: e.header.changeType, name: e.fields.Name }); }, error: reject });
        });
        expect(event).toEqual({ changeType: 'CREATE', name: `Built ${build}` });
      } finally {
        await emu.stop();
      }
    });
  }

  for (const [name, expected] of Object.entries(ENTRIES)) {
    const key = name.replace(/^rxforce/, '.');
    it(`import('${name}') gives the ES module build, exporting ${expected.join(', ')}`, async () => {
      const specifier: string = name; // a variable: type-checking must not need a build
      // Angular's own packages ship partially compiled: outside the CLI (which links them) they compile JIT
      if (name === 'rxforce/angular') await import('@angular/compiler');
      expect(fileURLToPath(import.meta.resolve(specifier))).toBe(join(root, (pkg.exports[key] as { import: Build }).import.default));
      const mod = await import(specifier) as Record<string, unknown>;
      for (const k of expected) expect(mod[k]).withContext(`${name} exports ${k}`).toBeDefined();
    });

    it(`require('${name}') gives the CommonJS build, exporting what the ES module build does`, async () => {
      if (name === 'rxforce/angular') await import('@angular/compiler');
      expect(requireHere.resolve(name)).toBe(join(root, (pkg.exports[key] as { require: Build }).require.default));
      const mod = requireHere(name) as Record<string, unknown>;
      for (const k of expected) expect(mod[k]).withContext(`${name} exports ${k}`).toBeDefined();
      const specifier: string = name;
      const esm = await import(specifier) as Record<string, unknown>;
      expect(Object.keys(mod).filter(k => k !== '__esModule').sort()).toEqual(Object.keys(esm).sort());
    });
  }
});
