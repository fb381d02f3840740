#!/usr/bin/env node
/**
 * The package's entry points, one line each: subpath → module of src/ (no extension). Every entry is built twice,
 * as ES modules (dist/esm) and as CommonJS (dist/cjs), each with its own declarations, and package.json's `exports`
 * gives it `import` and `require` conditions, each with its `types`.
 *
 *   node scripts/package-entries.js write        writes package.json's exports, main and types from ENTRIES
 *   node scripts/package-entries.js check        fails when package.json differs from what ENTRIES gives
 *   node scripts/package-entries.js cjs-marker   marks dist/cjs as CommonJS (the package itself is "type": "module")
 *   node scripts/package-entries.js clean        removes the builds, so a packed tarball holds nothing stale
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const ENTRIES = {
  '.': 'index',
  './node': 'node/index',
  './emulator': 'emulator/index',
  './testing': 'testing/index',
  './promise': 'promise',
  './angular': 'angular/index',
  './redis': 'redis/index',
};

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

/** What differs between package.json and `packageEntries()`, one line a field. */
export function entriesDrift(pkg, entries = ENTRIES) {
  const want = packageEntries(entries);
  return Object.keys(want).filter(k => JSON.stringify(pkg[k]) !== JSON.stringify(want[k]))
    .map(k => `package.json "${k}" is not what scripts/package-entries.js gives: run npm run entries`);
}

function main(command) {
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8'));
  if (command === 'write') {
    Object.assign(pkg, packageEntries());
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
    for (const dir of ['esm', 'cjs', 'browser']) rmSync(path.join(root, 'dist', dir), { recursive: true, force: true });
  } else {
    process.stderr.write('usage: node scripts/package-entries.js write | check | cjs-marker | clean\n');
    process.exitCode = 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv[2]);
