// Builds the example page: examples/browser/src/main.ts with the rxforce source, rxjs and axios in one script.
// `npx webpack -c examples/browser/webpack.config.js`, then serve examples/browser/index.html next to dist/app.js.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserTwins } from '../../webpack.config.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** @param {{ outputPath?: string, mode?: 'development' | 'production' }} [opts] */
export function browserExampleConfig(opts = {}) {
  return {
    name: 'browser-example',
    mode: opts.mode ?? 'development',
    target: 'web',
    entry: path.join(here, 'src/main.ts'),
    devtool: false,
    output: { path: opts.outputPath ?? path.join(here, 'dist'), filename: 'app.js' },
    resolve: { extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } },
    module: {
      rules: [{
        test: /\.ts$/,
        loader: 'ts-loader',
        options: { transpileOnly: true, configFile: path.join(here, '../../tsconfig.json'), compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', sourceMap: false, declaration: false } },
      }],
    },
    // a second build (the spec, a rebuild while editing) reuses the first one's work
    cache: { type: 'filesystem', cacheDirectory: path.join(here, '../../node_modules/.cache/rxforce-browser-example'), buildDependencies: { config: [fileURLToPath(import.meta.url)] } },
    plugins: [browserTwins()],
    performance: { hints: false },
    infrastructureLogging: { level: 'error' },
  };
}

export default browserExampleConfig();
