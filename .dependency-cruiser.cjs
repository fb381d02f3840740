/**
 * The layer rules of DESIGN.md ("Layers"), checked by `npm run layers` and in CI.
 *
 *   cli ──► node ──► sync ──► operators ──► sources ──► soql ──► model ──► client ──► util (incl. util/rx)
 *            ▲  redis ─┘ angular ─┘            ▲                                          ▲
 *   testing ───────────────────────────────────┘          emulator ───────────────────────┘
 *
 * A layer may import itself and any layer below it on its line. cli, the command, sits on top of them all and may
 * also import redis and the emulator (for `rxforce demo`); no layer imports it. The emulator imports util only, so it
 * and the client stay independent implementations of the wire format. Every module of src/ is in a layer folder or
 * is an entry file, so a new folder cannot slip past the rules. The entry points that run in browsers (rxforce,
 * rxforce/browser, rxforce/promise, rxforce/testing, rxforce/angular) reach no Node built-in. A module with a
 * browser twin (src/util/csvEngine.ts beside csvEngine.browser.ts) is what Node runs; browser bundles take the twin
 * instead (webpack.config.js, package.json's `browser` field), so the browser check follows the twin, not the Node
 * module.
 */

const { readdirSync } = require('node:fs');
const { builtinModules } = require('node:module');
const path = require('node:path');

/** Node's built-in modules as dependency-cruiser names them (without the `node:` prefix). */
const nodeBuiltins = `^(${builtinModules.map((m) => m.replace(/[/.]/g, '\\$&')).join('|')})$`;

/** The modules of src/ that have a browser twin, as dependency-cruiser names them (src/util/csvEngine.ts). */
const twinned = readdirSync(path.join(__dirname, 'src'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.browser.ts'))
  .map((f) => `src/${f.split(path.sep).join('/').replace(/\.browser\.ts$/, '.ts')}`);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Each layer and the layers it may import (besides itself). */
const below = {
  util: [],
  client: ['util'],
  model: ['client', 'util'],
  soql: ['model', 'client', 'util'],
  sources: ['soql', 'model', 'client', 'util'],
  operators: ['sources', 'soql', 'model', 'client', 'util'],
  sync: ['operators', 'sources', 'soql', 'model', 'client', 'util'],
  node: ['sync', 'operators', 'sources', 'soql', 'model', 'client', 'util'],
  redis: ['sync', 'operators', 'sources', 'soql', 'model', 'client', 'util'],
  angular: ['operators', 'sources', 'soql', 'model', 'client', 'util'],
  testing: ['sources', 'soql', 'model', 'client', 'util'],
  emulator: ['util'],
  cli: ['node', 'redis', 'emulator', 'sync', 'operators', 'sources', 'soql', 'model', 'client', 'util'],
};

/** Entry files outside a layer folder: the root, browser and Promise entries sit on top of the browser-safe layers. */
const entries = '^src/(index|promise|browser)\\.ts$';
/** The entry points that run in browsers: rxforce, rxforce/browser, rxforce/promise, rxforce/testing and rxforce/angular. */
const browserEntries = '^src/((index|promise|browser)\\.ts|(testing|angular)/index\\.ts)$';
const browserSafe = ['util', 'client', 'model', 'soql', 'sources', 'operators', 'sync'];

const layerRules = Object.entries(below).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  comment: `src/${layer} may import only ${allowed.length ? allowed.map((l) => `src/${l}`).join(', ') : 'itself'} (DESIGN.md, Layers)`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: '^src/', pathNot: [`^src/${layer}/`, ...allowed.map((l) => `^src/${l}/`)] },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'known-layer',
      comment: 'a module of src/ outside the layer folders and the entry files is checked by no layer rule',
      severity: 'error',
      from: { path: '^src/', pathNot: [`^src/(${Object.keys(below).join('|')})/`, entries] },
      to: {},
    },
    {
      name: 'entry-points',
      comment: 'the root, browser and Promise entries re-export the browser-safe layers only (the root: the browser entry and more)',
      severity: 'error',
      from: { path: entries },
      to: { path: '^src/', pathNot: [...browserSafe.map((l) => `^src/${l}/`), '^src/browser\\.ts$'] },
    },
    {
      name: 'browser-safe',
      comment: 'rxforce, rxforce/browser, rxforce/promise, rxforce/testing and rxforce/angular run in browsers: nothing they reach may import a Node built-in',
      severity: 'error',
      from: { path: browserEntries },
      to: { reachable: true, path: nodeBuiltins },
    },
    {
      name: 'browser-twins',
      comment: 'a browser twin (*.browser.ts) is what browser bundles take instead of its Node module: it may not import a Node built-in',
      severity: 'error',
      from: { path: '\\.browser\\.ts$' },
      to: { reachable: true, path: nodeBuiltins },
    },
    {
      name: 'no-circular',
      comment: 'a cycle ties modules together so neither can change or load alone',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that resolves to nothing fails at run time',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // a module with a browser twin is not followed into: what it imports is for Node only (its twin, cruised as a
    // module of its own, must be browser-safe: rule browser-twins)
    doNotFollow: { path: ['node_modules', ...twinned.map((m) => `^${escape(m)}$`)] },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.build.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
  },
};
