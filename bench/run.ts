/**
 * Runs the benchmarks and writes bench/RESULTS.md.
 *
 *   npm run bench                    # every benchmark found
 *   npm run bench -- lists query     # only these
 *   npm run bench -- bulk --size 100000   # bulk scaled down (bench/bulk.ts reads --size)
 *   npm run bench -- sync --size 200000   # sync scaled down (bench/sync.ts also reads --interval, --lag-seconds, --idle-seconds);
 *                                         # sync also runs cdc, so lag with change events stands next to polling
 *   npm run bench -- distributed --rows 10000   # 1, 2 and 3 sync workers (bench/distributed.ts; needs Redis and
 *                                               # Postgres: .ci/with-postgres .ci/with-redis npm run bench -- …)
 *   BENCH_REPEAT=7 npm run bench -- lists # lists: the median of 7 runs (default 5)
 *
 * Each benchmark is a module `bench/<name>.ts` exporting `run(): Promise<BenchResult[]>`; a missing or failing one
 * is reported in the file rather than stopping the others.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { gzipSync } from 'node:zlib';

/** `runs`: how many runs the value is the median of (1 when it is a single run). */
interface BenchResult { name: string; value: number; unit: string; ratio?: number; runs?: number }

const ALL = ['lists', 'speedup', 'query', 'bulk', 'chaos', 'overhead', 'bundle', 'cdc', 'sync', 'distributed'];
const here = new URL('./', import.meta.url);

/** Benchmark names: the arguments that are neither flags nor a flag's value (`--size 100000`). */
const wanted = process.argv.slice(2).filter((a, i, all) => !a.startsWith('-') && !(i > 0 && all[i - 1]!.startsWith('--')));
const unknown = wanted.filter(w => !ALL.includes(w));
if (unknown.length) {
  console.error(`rxforce bench: unknown benchmark ${unknown.join(', ')} (choose from ${ALL.join(', ')})`);
  process.exit(2);
}
/** Benchmarks that bring another along: sync's lag is read beside the lag with Change Data Capture. */
const ALSO: Record<string, string[]> = { sync: ['cdc'] };
const names = wanted.length ? [...new Set(wanted.flatMap(w => [w, ...(ALSO[w] ?? [])]))] : ALL;

// other work on the machine skews every figure: the load when the run began is written next to them
const loadAtStart = loadavg()[0]!;
const sections: string[] = [];
for (const name of names) {
  const file = new URL(`${name}.ts`, here);
  if (!existsSync(file)) {
    sections.push(`## ${name}\n\nNot run: bench/${name}.ts does not exist yet.\n`);
    continue;
  }
  console.error(`bench: ${name}…`);
  const t0 = performance.now();
  try {
    const mod = await import(file.href) as { run(): Promise<BenchResult[]> };
    const results = await isolated(() => mod.run());
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    sections.push(`## ${name}\n\n${table(results)}\n_${secs} s_\n`);
    for (const r of results) console.log(`  ${r.name}: ${fmt(r.value)} ${r.unit}${r.ratio !== undefined ? ` (ratio ${r.ratio.toFixed(2)})` : ''}`);
  } catch (e) {
    sections.push(`## ${name}\n\nFailed: ${(e as Error).message.split('\n')[0]}\n`);
    console.error(`  failed: ${(e as Error).message}`);
  }
}

/**
 * Runs one benchmark so that an exception thrown outside its promise (in a child process's event handler, say) fails
 * that benchmark only, instead of ending the run before RESULTS.md is written.
 */
async function isolated<T>(fn: () => Promise<T>): Promise<T> {
  let onError: (e: unknown) => void = () => undefined;
  const escaped = new Promise<never>((_, reject) => { onError = reject; });
  process.on('uncaughtException', onError);
  try {
    return await Promise.race([fn(), escaped]);
  } finally {
    process.off('uncaughtException', onError);
  }
}

function table(results: BenchResult[]): string {
  const rows = results.map(r => `| ${r.name} | ${fmt(r.value)} | ${r.unit} | ${r.ratio === undefined ? '' : r.ratio.toFixed(2)} | `
    + `${r.runs === undefined ? '' : r.runs > 1 ? `median of ${r.runs}` : '1 run'} |`);
  return ['| measure | value | unit | ratio | runs |', '|---|---:|---|---:|---|', ...rows].join('\n') + '\n';
}

function fmt(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function bundleLine(): string {
  const umd = new URL('../dist/browser/rxforce.umd.js', here);
  if (!existsSync(umd)) return '- browser bundle: not built (`npm run build`)';
  const bytes = readFileSync(umd);
  return `- browser bundle dist/browser/rxforce.umd.js: ${(bytes.length / 1024).toFixed(1)} KiB, ${(gzipSync(bytes).length / 1024).toFixed(1)} KiB gzipped`;
}

const cpu = cpus();
const header = [
  '# rxforce benchmarks',
  '',
  `Run with \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, against the local emulator (no network).`,
  '',
  `- machine: ${cpu[0]?.model.trim() ?? 'unknown cpu'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
  `- node ${process.version} on ${process.platform}/${process.arch}; load average ${loadAtStart.toFixed(1)} when the run began`
    + `${loadAtStart > cpu.length ? ' (the machine was busy with other work: treat absolute figures with care)' : ''}`,
  bundleLine(),
  '',
  'Ratios are of wall time (or of memory for MB rows), and each row names its divisor: `(÷ ideal)` is rxforce\'s time',
  'over the ideal bound\'s (1.00 is the floor, lower is better); `(÷ rxforce)` on a jsforce@3.10.16 row is jsforce\'s time',
  'over rxforce\'s (above 1: rxforce is that many times faster); `(÷ jsforce)` on a memory row is rxforce\'s peak RSS over',
  'jsforce\'s; `flatness` is the peak RSS at the full size over the peak at a tenth of it (1.00 is flat). Every comparison',
  'runs side by side in one run. The runs column says how many runs a value is the median of (blank: one run, or a size).',
  '',
].join('\n');

const out = new URL('RESULTS.md', here);
const previous = wanted.length && existsSync(out) ? readFileSync(out, 'utf8') : '';
let body = sections.join('\n');
if (previous) {
  // A partial run keeps the other sections of the last full run.
  const kept = previous.split(/\n(?=## )/).slice(1).filter(s => !names.some(n => s.startsWith(`## ${n}\n`)));
  body = [...kept.map(s => s.trimEnd() + '\n'), ...sections].join('\n');
}
writeFileSync(out, `${header}\n${body}`);
console.error(`bench: wrote ${out.pathname}`);
