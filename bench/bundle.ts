/**
 * Browser bundle size: gzip bytes of the UMD and ESM bundles of the `rxforce` entry (rxjs external), the number a
 * page pays to use rxforce, built fresh from webpack.config.js into a temporary directory (dist/ is left alone).
 * Each bundle's row lists what it holds most of, by package or src/ layer (bytes of source webpack kept, before
 * minification), so growth shows and its cause with it.
 *
 *   node --import tsx bench/bundle.ts
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import webpack, { type Configuration, type StatsModule } from 'webpack';

export interface BenchResult { name: string; value: number; unit: string; ratio?: number }

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The aim for the gzip size of each bundle (issue #17). */
const AIM_KIB = 45;

export async function run(): Promise<BenchResult[]> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'rxforce-bundle-'));
  try {
    const loaded = (await import(pathToFileURL(path.join(root, 'webpack.config.js')).href) as { default: Configuration[] }).default;
    const configs = loaded.map(c => ({ ...c, mode: 'production' as const, devtool: false as const, output: { ...c.output, path: outDir } }));
    const stats = await new Promise<webpack.MultiStats>((resolve, reject) => webpack(configs, (err, s) => {
      if (err || !s) reject(err ?? new Error('webpack gave no stats'));
      else if (s.hasErrors()) reject(new Error(s.toString({ all: false, errors: true })));
      else resolve(s);
    }));
    const results: BenchResult[] = [];
    for (const [i, child] of stats.stats.entries()) {
      const config = configs[i]!;
      const file = path.join(outDir, String(config.output.filename));
      const bytes = await readFile(file);
      const gzip = gzipSync(bytes, { level: 9 }).length;
      const json = child.toJson({ all: false, modules: true, nestedModules: true });
      const top = largest(json.modules ?? []).slice(0, 6).map(([name, size]) => `${name} ${(size / 1024).toFixed(0)}`).join(', ');
      results.push({
        name: `browser bundle (${String(config.name).toUpperCase()}), gzip, aim ≤ ${AIM_KIB} KiB${gzip / 1024 > AIM_KIB ? ' (missed)' : ''}; `
          + `largest parts, KiB of source kept: ${top}`,
        value: round(gzip / 1024), unit: 'KiB',
      });
      results.push({ name: `browser bundle (${String(config.name).toUpperCase()}), raw (gzip ÷ raw)`, value: round(bytes.length / 1024), unit: 'KiB', ratio: round(gzip / bytes.length) });
    }
    return results;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/** Source bytes per package (node_modules) or src/ layer, largest first; a concatenated module counts its parts. */
function largest(modules: StatsModule[]): [string, number][] {
  const sizes = new Map<string, number>();
  const seen = new Set<string>();
  const walk = (ms: StatsModule[]): void => {
    for (const m of ms) {
      if (m.modules?.length) { walk(m.modules); continue; }
      const name = m.name ?? '';
      if (seen.has(name) || m.orphan === true) continue;
      seen.add(name);
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(name)?.[1];
      const key = pkg ?? (/^\.\/src\/([^/]+)\//.exec(name)?.[1] ? `src/${/^\.\/src\/([^/]+)\//.exec(name)![1]}` : 'other');
      sizes.set(key, (sizes.get(key) ?? 0) + (m.size ?? 0));
    }
  };
  walk(modules);
  return [...sizes].sort((a, b) => b[1] - a[1]);
}

const round = (n: number) => Math.round(n * 100) / 100;

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  run().then(rows => { for (const r of rows) console.log(`${r.name}: ${r.value} ${r.unit}`); }, e => { console.error(e); process.exitCode = 1; });
}
