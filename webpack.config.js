// Browser bundles of the `rxforce/browser` entry (src/browser.ts), for pages without a bundler: the UMD bundle as the
// global `rxforce`, the ES module bundle for a module script. rxjs stays external (a peer dependency); no Node
// built-ins are polyfilled, so an accidental `node:` import in browser-safe code fails this build instead of shipping.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * Browser builds take a module's browser twin where it has one: `./csvEngine.js` becomes src/util/csvEngine.browser.ts
 * (the small RFC 4180 codec instead of csv-parse and csv-stringify), `./transfer.js` src/sources/bulk/transfer.browser.ts
 * (Blobs and text instead of Node streams), `./defaultTransport.js` src/client/defaultTransport.browser.ts (fetch instead
 * of axios). package.json's `browser` field names the same twins for dist/, so other
 * bundlers make the same choice.
 */
export function browserTwins() {
  const twins = new Map();
  const twinOf = file => {
    if (!twins.has(file)) twins.set(file, existsSync(file.replace(/\.js$/, '.browser.ts')));
    return twins.get(file);
  };
  return new webpack.NormalModuleReplacementPlugin(/^\.\.?\/.*\.js$/, resource => {
    if (twinOf(path.resolve(resource.context, resource.request))) {
      resource.request = resource.request.replace(/\.js$/, '.browser.js');
    }
  });
}

const common = {
  entry: './src/browser.ts',
  devtool: 'source-map',
  resolve: {
    extensions: ['.ts', '.js'],
    // ESM builds first so unused code (zod's locales) is tree-shaken out of the bundle.
    conditionNames: ['browser', 'import', 'module', 'default'],
    extensionAlias: { '.js': ['.ts', '.js'] },
  },
  module: {
    rules: [
      {
        test: /\.ts$/,
        loader: 'ts-loader',
        // transpileOnly cannot see package.json's "type": under NodeNext it would emit CommonJS, which leaves the ESM
        // bundle without named exports and defeats tree-shaking; ES modules are what webpack wants.
        options: {
          transpileOnly: true,
          configFile: path.join(root, 'tsconfig.build.json'),
          compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', declaration: false },
        },
      },
    ],
  },
  plugins: [browserTwins()],
  performance: { hints: false },
};

export default [
  {
    ...common,
    name: 'umd',
    output: {
      path: path.join(root, 'dist/browser'),
      filename: 'rxforce.umd.js',
      library: { name: 'rxforce', type: 'umd' },
      globalObject: 'globalThis',
    },
    externals: {
      rxjs: { root: 'rxjs', commonjs: 'rxjs', commonjs2: 'rxjs', amd: 'rxjs' },
      'rxjs/operators': { root: ['rxjs', 'operators'], commonjs: 'rxjs/operators', commonjs2: 'rxjs/operators', amd: 'rxjs/operators' },
    },
  },
  {
    ...common,
    name: 'esm',
    experiments: { outputModule: true },
    output: {
      path: path.join(root, 'dist/browser'),
      filename: 'rxforce.esm.js',
      library: { type: 'module' },
    },
    externalsType: 'module',
    externals: { rxjs: 'rxjs', 'rxjs/operators': 'rxjs/operators' },
  },
];
