/**
 * Browser bundle size: gzip bytes of `dist/browser/rxforce.umd.js` and `rxforce.esm.js` (rxjs external), the number
 * a page pays to use rxforce. Builds with `npm run build` first when the bundles are missing.
 *
 *   node --import tsx bench/bundle.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface BenchResult { name: string; value: number; unit: string; ratio?: number }

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLES = [
  { name: 'browser bundle (UMD), gzip', file: 'dist/browser/rxforce.umd.js' },
  { name: 'browser bundle (ESM), gzip', file: 'dist/browser/rxforce.esm.js' },
];

/** Gzip size (level 9, as CDNs serve) and raw size of each bundle, in KiB. */
export async function run(): Promise<BenchResult[]> {
  if (BUNDLES.some(b => !existsSync(path.join(root, b.file)))) {
    execFileSync('npx', ['webpack', '--mode', 'production'], { cwd: root, stdio: 'ignore' });
  }
  return BUNDLES.flatMap(({ name, file }) => {
    const bytes = readFileSync(path.join(root, file));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    return [
      { name, value: round(gzip / 1024), unit: 'KiB' },
      { name: name.replace(', gzip', ', raw'), value: round(bytes.length / 1024), unit: 'KiB', ratio: round(gzip / bytes.length) },
    ];
  });
}

const round = (n: number) => Math.round(n * 100) / 100;

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  run().then(rows => { for (const r of rows) console.log(`${r.name}: ${r.value} ${r.unit}`); }, e => { console.error(e); process.exitCode = 1; });
}
