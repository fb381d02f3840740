#!/usr/bin/env node
/**
 * The package's entry points, one line each: subpath → module of src/ (no extension). Every entry is built twice,
 * as ES modules (dist/esm) and as CommonJS (dist/cjs), each with its own declarations, and package.json's `exports`
 * gives it `import` and `require` conditions, each with its `types`.
 *
 * A module with a browser twin (src/util/csvEngine.ts beside csvEngine.browser.ts) is swapped for it in browser
 * bundles: webpack.config.js does it for the source, package.json's `browser` field for both builds in dist/.
 *
 * package.json's `sideEffects` names the few modules that do something when imported (SIDE_EFFECTS), so a bundler may
 * leave out every other module of the package whose exports an app does not use.
 *
 *   node scripts/package-entries.js write        writes package.json's exports, main, types, browser and sideEffects
 *                                                from ENTRIES, the browser twins under src/ and SIDE_EFFECTS
 *   node scripts/package-entries.js check        fails when package.json differs from what they give
 *   node scripts/package-entries.js cjs-marker   marks dist/cjs as CommonJS (the package itself is "type": "module")
 *   node scripts/package-entries.js clean        removes dist/, so a packed tarball holds nothing stale
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const ENTRIES = {
  '.': 'index',
  './node': 'node/index',
  './emulator': 'emulator/index',
  './testing': 'testing/index',
  './promise': 'promise',
  './browser': 'browser',
  './angular': 'angular/index',
  './redis': 'redis/index',
};

/**
 * The modules of src/ (no extension) that act when imported, besides defining their exports: the emulator's route
 * modules register their routes and its index imports them for that; the CLI's main runs the command, and the
 * demo's emulator thread starts an emulator. Every other module only defines values. spec/package/sideEffects.spec.ts reads src/ and fails when this list misses a module
 * that acts on import, or names one that no longer does.
 */
export const SIDE_EFFECTS = [
  'cli/emulatorThread',
  'cli/main',
  'emulator/bulk/routes',
  'emulator/index',
  'emulator/rest/composite',
  'emulator/rest/graph',
  'emulator/rest/search',
  'emulator/rest/tree',
  'emulator/soql/routes',
];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE_JSON = path.join(root, 'package.json');

/** `exports`, `main` and `types` for `entries`: conditions in the order Node and TypeScript match them. */
export function packageEntries(entries = ENTRIES) {
  const build = (dir, module) => ({ types: `./dist/${dir}/${module}.d.ts`, default: `./dist/${dir}/${module}.js` });
  const exports = {};
  for (const [subpath, module] of Object.entries(entries)) {
    exports[subpath] = { import: build('esm', module), require: build('cjs', module) };
  }
  exports['./package.json'] = './package.json';
  // for tools that predate `exports` (TypeScript's node10 resolution, old bundlers): the CommonJS build
  return { main: `./dist/cjs/${entries['.']}.js`, types: `./dist/cjs/${entries['.']}.d.ts`, exports };
}

/** package.json's `browser` field: each module of src/ with a `.browser.ts` twin, swapped in both builds. */
export function browserField(src = path.join(root, 'src')) {
  const twins = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter(f => f.endsWith('.browser.ts'))
    .map(f => f.split(path.sep).join('/').replace(/\.browser\.ts$/, ''))
    .sort();
  const field = {};
  for (const dir of ['esm', 'cjs']) {
    for (const module of twins) field[`./dist/${dir}/${module}.js`] = `./dist/${dir}/${module}.browser.js`;
  }
  return field;
}

/** package.json's `sideEffects`: `modules` in both builds; a bundler may drop any other module left unused. */
export function sideEffectsField(modules = SIDE_EFFECTS) {
  return ['esm', 'cjs'].flatMap(dir => modules.map(module => `./dist/${dir}/${module}.js`));
}

/** What differs between package.json and `packageEntries()` (and `browserField()`, `sideEffectsField()`), one line a field. */
export function entriesDrift(pkg, entries = ENTRIES) {
  const want = { ...packageEntries(entries), browser: browserField(), sideEffects: sideEffectsField() };
  return Object.keys(want).filter(k => JSON.stringify(pkg[k]) !== JSON.stringify(want[k]))
    .map(k => `package.json "${k}" is not what scripts/package-entries.js gives: run npm run entries`);
}

function main(command) {
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8'));
  if (command === 'write') {
    Object.assign(pkg, packageEntries(), { browser: browserField(), sideEffects: sideEffectsField() });
    writeFileSync(PACKAGE_JSON, `${JSON.stringify(pkg, null, 2)}\n`);
  } else if (command === 'check') {
    const drift = entriesDrift(pkg);
    if (drift.length) {
      process.stderr.write(`${drift.join('\n')}\n`);
      process.exitCode = 1;
    }
  } else if (command === 'cjs-marker') {
    mkdirSync(path.join(root, 'dist/cjs'), { recursive: true });
    writeFileSync(path.join(root, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n');
  } else if (command === 'clean') {
    // all of it: whatever else a tool left there (api-extractor's dist/api-report) would be packed too
    rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  } else {
    process.stderr.write('usage: node scripts/package-entries.js write | check | cjs-marker | clean\n');
    process.exitCode = 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv[2]);
