import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import webpack, { type Configuration } from 'webpack';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const PAGE_DIR = path.join(root, 'examples/browser');
const CONFIG = path.join(root, 'webpack.config.js');
const DIST = path.join(root, 'dist/browser');
/** What the bundles are built from, besides src/. */
const INPUTS = [CONFIG, 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'].map(f => path.resolve(root, f));

/** Builds examples/browser with its own webpack config (and its filesystem cache) into `outputPath`. */
export async function buildPage(outputPath: string): Promise<void> {
  const { browserExampleConfig } = await importConfig<{ browserExampleConfig(opts: { outputPath: string }): Configuration }>(
    path.join(PAGE_DIR, 'webpack.config.js'));
  await runWebpack(browserExampleConfig({ outputPath }));
}

export interface Bundles {
  /** The directory holding both bundles. */
  dir: string;
  /** Whether `dir` is dist/browser (as left by `npm run build`) rather than a fresh build. */
  fromDist: boolean;
}

/**
 * The `rxforce` browser bundles (`rxforce.umd.js`, `rxforce.esm.js`) as webpack.config.js builds them: dist/browser
 * when `npm run build` left it newer than every input (as CI does), else a production build into `outputPath`
 * that never touches dist/. Webpack's filesystem cache under node_modules/.cache makes every build after the first
 * one quick.
 */
export async function browserBundles(outputPath: string): Promise<Bundles> {
  if (await distIsFresh()) return { dir: DIST, fromDist: true };
  await buildBundles(outputPath);
  return { dir: outputPath, fromDist: false };
}

async function distIsFresh(): Promise<boolean> {
  const built = await Promise.all(['rxforce.umd.js', 'rxforce.esm.js'].map(f => mtime(path.join(DIST, f))));
  if (built.some(t => t === undefined)) return false;
  const inputs = await Promise.all([...INPUTS, ...(await filesUnder(path.join(root, 'src')))].map(mtime));
  return Math.max(...inputs.map(t => t ?? 0)) < Math.min(...(built as number[]));
}

async function buildBundles(outputPath: string): Promise<void> {
  const loaded = (await importConfig<{ default: unknown }>(CONFIG)).default;
  const exported = typeof loaded === 'function' ? (loaded as (env: object, argv: object) => unknown)({}, { mode: 'production' }) : loaded;
  const configs = (Array.isArray(exported) ? exported : [exported]) as Configuration[];
  await runWebpack(configs.map((config, i) => ({
    ...config,
    mode: 'production',
    devtool: false, // source maps would only slow the build down
    output: { ...config.output, path: outputPath },
    cache: {
      type: 'filesystem',
      name: `${config.name ?? i}-spec`,
      cacheDirectory: path.join(root, 'node_modules/.cache/rxforce-bundles'),
      buildDependencies: { config: [CONFIG] },
    },
    infrastructureLogging: { level: 'error' },
  } satisfies Configuration)));
}

async function importConfig<T>(file: string): Promise<T> {
  return (await import(pathToFileURL(file).href)) as T;
}

/** One webpack run through the Node API; the compiler is closed even on failure, which is when its cache is written. */
async function runWebpack(config: Configuration | Configuration[]): Promise<void> {
  const compiler = webpack(Array.isArray(config) ? config : [config]);
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

async function mtime(file: string): Promise<number | undefined> {
  return (await stat(file).catch(() => undefined))?.mtimeMs;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter(e => e.isFile()).map(e => path.join(e.parentPath, e.name));
}
