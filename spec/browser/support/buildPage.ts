import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import webpack, { type Configuration } from 'webpack';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const PAGE_DIR = path.join(root, 'examples/browser');

/** Builds examples/browser with its own webpack config (Node API) into `outputPath`. */
export async function buildPage(outputPath: string): Promise<void> {
  const configUrl = pathToFileURL(path.join(PAGE_DIR, 'webpack.config.js')).href;
  const { browserExampleConfig } = (await import(configUrl)) as { browserExampleConfig(opts: { outputPath: string }): Configuration };
  const compiler = webpack(browserExampleConfig({ outputPath }));
  try {
    await new Promise<void>((resolve, reject) => {
      compiler.run((err, stats) => {
        if (err) return reject(err);
        if (stats?.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
        resolve();
      });
    });
  } finally {
    await new Promise<void>(resolve => compiler.close(() => resolve()));
  }
}
