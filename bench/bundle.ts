/**
 * Browser bundle size: gzip bytes of the UMD and ESM bundles of the `rxforce/browser` entry (rxjs external), the
 * number a page without a bundler pays to use rxforce, built fresh from webpack.config.js into a temporary directory
 * (dist/ is left alone).
 * Each bundle's row lists what it holds most of, by package or src/ layer: KiB of the minified bundle each part
 * became, read from the bundle's source map, so growth shows and its cause with it.
 *
 *   node --import tsx bench/bundle.ts
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import webpack, { type Configuration } from 'webpack';

export interface BenchResult { name: string; value: number; unit: string; ratio?: number }

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The aim for the gzip size of each bundle (issue #17). */
const AIM_KIB = 45;

export async function run(): Promise<BenchResult[]> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'rxforce-bundle-'));
  try {
    const loaded = (await import(pathToFileURL(path.join(root, 'webpack.config.js')).href) as { default: Configuration[] }).default;
    const configs = loaded.map(c => ({ ...c, mode: 'production' as const, devtool: 'source-map' as const, output: { ...c.output, path: outDir } }));
    const stats = await new Promise<webpack.MultiStats>((resolve, reject) => webpack(configs, (err, s) => {
      if (err || !s) reject(err ?? new Error('webpack gave no stats'));
      else if (s.hasErrors()) reject(new Error(s.toString({ all: false, errors: true })));
      else resolve(s);
    }));
    const results: BenchResult[] = [];
    for (const i of stats.stats.keys()) {
      const config = configs[i]!;
      const bundle = `${String(config.name).toUpperCase()} of ${String(config.entry).replace(/^\.\//, '')}`; // UMD of src/browser.ts
      const file = path.join(outDir, String(config.output.filename));
      const bytes = await readFile(file);
      const gzip = gzipSync(bytes, { level: 9 }).length;
      const map = JSON.parse(await readFile(`${file}.map`, 'utf8')) as SourceMap;
      const top = largest(bytes.toString('utf8'), map).slice(0, 7).map(([name, size]) => `${name} ${(size / 1024).toFixed(1)}`).join(', ');
      results.push({
        name: `browser bundle (${bundle}), gzip, aim ≤ ${AIM_KIB} KiB${gzip / 1024 > AIM_KIB ? ' (missed)' : ''}; `
          + `largest parts, KiB of the minified bundle: ${top}`,
        value: round(gzip / 1024), unit: 'KiB',
      });
      results.push({ name: `browser bundle (${bundle}), raw (gzip ÷ raw)`, value: round(bytes.length / 1024), unit: 'KiB', ratio: round(gzip / bytes.length) });
    }
    return results;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

interface SourceMap { sources: string[]; mappings: string }

/** The part a source file belongs to: its package under node_modules, or its layer under src/. */
function partOf(source: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1];
  if (pkg) return pkg;
  const layer = /(?:^|\/)src\/([^/]+)\//.exec(source)?.[1];
  return layer ? `src/${layer}` : 'webpack runtime';
}

/**
 * Minified bytes per part, largest first: each segment of the source map runs from its column to the next segment's
 * (or the end of the line) and counts for the part of the source it maps to.
 */
function largest(code: string, map: SourceMap): [string, number][] {
  const lines = code.split('\n');
  const sizes = new Map<string, number>();
  const parts = map.sources.map(partOf);
  let source = 0;
  for (const [i, line] of map.mappings.split(';').entries()) {
    const segments: [column: number, source: number | undefined][] = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const fields = decodeVlq(segment);
      column += fields[0]!;
      if (fields.length > 1) source += fields[1]!;
      segments.push([column, fields.length > 1 ? source : undefined]);
    }
    for (const [j, [col, src]] of segments.entries()) {
      const end = segments[j + 1]?.[0] ?? lines[i]?.length ?? col;
      const part = src === undefined ? 'webpack runtime' : parts[src]!;
      sizes.set(part, (sizes.get(part) ?? 0) + end - col);
    }
  }
  return [...sizes].sort((a, b) => b[1] - a[1]);
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The numbers of one source-map segment (base64 VLQ). Only the first two (column, source) are used, but all are read. */
function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = BASE64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) { shift += 5; continue; }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0; shift = 0;
  }
  return out;
}

const round = (n: number) => Math.round(n * 100) / 100;

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  run().then(rows => { for (const r of rows) console.log(`${r.name}: ${r.value} ${r.unit}`); }, e => { console.error(e); process.exitCode = 1; });
}
