/**
 * The API report: one `etc/<entry>.api.md` per entry point of package.json `exports`, written by api-extractor from
 * the built declarations (run `npm run build:node` first, or use `npm run api-report`, which builds).
 *
 *   node scripts/api-report.mjs          rewrites the reports (commit them with the change to the public surface)
 *   node scripts/api-report.mjs --check  fails when a report differs from the built surface (CI)
 *
 * A new entry point in package.json gets its report on the next run; nothing here needs editing.
 */
import { readFileSync, mkdirSync, existsSync } from 'node:fs';
import process from 'node:process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** The ESM declarations of an `exports` entry: `{ types }` or `{ import: { types } }` (the CommonJS ones mirror them). */
const typesOf = (target) => (typeof target === 'object' && target ? target.types ?? target.import?.types : undefined);
const entries = Object.entries(pkg.exports)
  .filter(([, target]) => typesOf(target))
  .map(([subpath, target]) => ({ name: subpath === '.' ? 'rxforce' : `rxforce-${subpath.slice(2).replace(/\//g, '-')}`, types: typesOf(target) }));

mkdirSync(path.join(root, 'etc'), { recursive: true });
let stale = 0;
for (const { name, types } of entries) {
  const entry = path.join(root, types);
  if (!existsSync(entry)) throw new Error(`${types} is missing: build the declarations first (npm run build:node)`);
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: entry,
      compiler: { tsconfigFilePath: path.join(root, 'tsconfig.build.json') },
      apiReport: { enabled: true, reportFolder: path.join(root, 'etc'), reportTempFolder: path.join(root, 'dist', 'api-report'), reportFileName: `${name}.api.md` },
      // LF whatever the platform, so a regenerated report differs from the committed one only where the surface does
      newlineKind: 'lf',
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // the report records what is public; missing release tags and forgotten exports are listed in it, not errors
        extractorMessageReporting: {
          default: { logLevel: 'none' },
          'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: false },
          'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
        compilerMessageReporting: { default: { logLevel: 'warning' } },
      },
    },
    configObjectFullPath: path.join(root, 'package.json'),
    packageJsonFullPath: path.join(root, 'package.json'),
  });
  const result = Extractor.invoke(config, { localBuild: !check, showVerboseMessages: false, messageCallback: (m) => { if (m.logLevel === 'none') m.handled = true; } });
  if (result.apiReportChanged) {
    stale++;
    process.stdout.write(`${check ? 'stale' : 'updated'}: etc/${name}.api.md\n`);
  }
  if (!result.succeeded && !result.apiReportChanged) throw new Error(`api-extractor failed for ${types}`);
}
if (check && stale) {
  process.stderr.write(`\n${stale} API report(s) out of date: run \`npm run api-report\` and commit etc/*.api.md with the change.\n`);
  process.exit(1);
}
process.stdout.write(`${entries.length} API reports ${check ? 'up to date' : 'written'} in etc/\n`);
