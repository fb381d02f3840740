// Bundles the Angular example for the browser from ngc's output (node_modules/.ngc-out, written by check.sh), with
// rxforce as installed from the packed package: `npx webpack -c examples/angular/webpack.config.js`, after ngc.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const NGC_OUT = path.join(here, 'node_modules/.ngc-out');

/** @param {{ outputPath?: string }} [opts] */
export function angularExampleConfig(opts = {}) {
  return {
    name: 'angular-example',
    mode: 'development',
    target: 'web',
    entry: path.join(NGC_OUT, 'main.js'),
    devtool: false,
    output: { path: opts.outputPath ?? path.join(here, 'dist'), filename: 'app.js' },
    performance: { hints: false },
    infrastructureLogging: { level: 'error' },
  };
}

export default angularExampleConfig();
