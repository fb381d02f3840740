/**
 * The package as users install it: each `exports` entry resolves by package name, the bin points at a built file, and
 * the browser-safe entries (`rxforce`, `rxforce/promise`) reach no `node:` module, neither in src nor in the build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string; bin: Record<string, string>; exports: Record<string, string | { types: string; import: string }>;
};

/** What a user expects to find in each entry point. */
const ENTRIES: Record<string, string[]> = {
  'rxforce': ['SalesforceClient', 'passwordLogin', 'defineSObject', 'sf', 'fetch$', 'fetch', 'saveUpsert$', 'query$',
    'insertRecords', 'bulkUpsert$', 'SalesforceApiError', 'to18'],
  'rxforce/node': ['sfCliLogin', 'downloadFileToPath$'],
  'rxforce/emulator': ['startEmulator'],
  'rxforce/testing': ['createTestClient'],
  'rxforce/promise': ['fetch', 'save', 'deleteRecord', 'query', 'bulkQuery'],
  'rxforce/angular': ['provideRxforce', 'RXFORCE_CLIENT', 'injectRxforceClient', 'rxforceClientToken', 'httpClientTransport',
    'RXFORCE_REQUEST', 'rxAction', 'toSignalState'],
};

/** Browser-safe entries and the packages each may import: its dependencies, and for `rxforce/angular` its Angular peers. */
const BROWSER_SAFE: Record<string, string[]> = {
  'src/index.ts': [],
  'src/promise.ts': [],
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

const srcFile = (spec: string, from: string) => resolve(dirname(from), spec).replace(/\.js$/, '.ts');
const distFile = (spec: string, from: string) => resolve(dirname(from), spec);
const isNodeBuiltin = (spec: string) => spec.startsWith('node:') || ['fs', 'path', 'http', 'https', 'os', 'stream',
  'crypto', 'child_process', 'url', 'zlib', 'net', 'tls', 'events', 'buffer', 'util'].includes(spec.split('/')[0]!);

describe('package entry points', () => {
  it('maps every entry point and the bin to files the build writes from src', () => {
    expect(pkg.name).toBe('rxforce');
    expect(Object.keys(pkg.exports).filter(k => k !== './package.json').sort())
      .toEqual(Object.keys(ENTRIES).map(e => e.replace(/^rxforce/, '.')).sort());
    for (const [key, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      const source = join(root, target.import.replace(/^\.\/dist\/esm\//, 'src/').replace(/\.js$/, '.ts'));
      expect(existsSync(source)).withContext(`${key} → ${target.import} built from ${source}`).toBeTrue();
      expect(target.types).toBe(target.import.replace(/\.js$/, '.d.ts'));
    }
    expect(readFileSync(join(root, pkg.bin.rxforce!), 'utf8')).toContain("import '../dist/esm/cli/main.js'");
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

  describe('built (dist/esm)', () => {
    const built = existsSync(join(root, 'dist/esm/index.js'));

    it('the rxforce entry of the build reaches no node: module', () => {
      if (!built) {
        // no build in this checkout (CI builds before testing): the src graph spec above covers the same rule
        expect(existsSync(join(root, 'src/index.ts'))).toBeTrue();
        return;
      }
      for (const entry of ['dist/esm/index.js', 'dist/esm/promise.js', 'dist/esm/angular/index.js']) {
        const { external } = moduleGraph(join(root, entry), distFile);
        expect([...external.keys()].filter(isNodeBuiltin)).withContext(entry).toEqual([]);
      }
    });

    for (const [name, expected] of Object.entries(ENTRIES)) {
      it(`import('${name}') resolves by package name and exports ${expected.join(', ')}`, async () => {
        if (!built) {
          const target = pkg.exports[name.replace(/^rxforce/, '.')] as { import: string };
          expect(target.import).toMatch(/^\.\/dist\/esm\/.+\.js$/);
          return;
        }
        const specifier: string = name; // a variable: type-checking must not need a build
        // Angular's own packages ship partially compiled: outside the CLI (which links them) they compile JIT
        if (name === 'rxforce/angular') await import('@angular/compiler');
        const mod = await import(specifier) as Record<string, unknown>;
        for (const key of expected) expect(mod[key]).withContext(`${name} exports ${key}`).toBeDefined();
      });
    }
  });
});
