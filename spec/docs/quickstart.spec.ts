/**
 * The README's Quick start, as written: the ```ts block under "## Quick start" is compiled and run from a project
 * that installed the packed tarball, against an emulator. The block logs in at the emulator's default address
 * unless SF_LOGIN_URL says otherwise; the spec's emulator takes a free port and passes it there, and checks that the
 * address the block names is the one `rxforce emulator` listens on without --port.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_EMULATOR_PORT } from '../../src/emulator/main.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { cleanUpPacked, consumerProject, ROOT, runCommand, type Consumer } from '../package/support/packed.js';

/** The first fenced block of `lang` after `heading`. */
function blockAfter(markdown: string, heading: string, lang: string): string {
  const from = markdown.indexOf(`\n${heading}\n`);
  if (from < 0) throw new Error(`README.md has no "${heading}"`);
  const m = new RegExp('\\n```' + lang + '\\n([\\s\\S]*?)\\n```\\n').exec(markdown.slice(from));
  if (!m) throw new Error(`no \`\`\`${lang} block after ${heading}`);
  return `${m[1]}\n`;
}

describe('the README Quick start', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const code = blockAfter(readme, '## Quick start', 'ts');
  let emulator: Emulator;
  let project: Consumer | undefined;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, seed: 12 });
  });
  afterAll(async () => {
    await emulator.stop();
    if (project) await rm(project.dir, { recursive: true, force: true });
    await cleanUpPacked();
  }, 60_000);

  it('names the address rxforce emulator listens on by default, and starts it with the command it shows', () => {
    expect(code).toContain(`'http://127.0.0.1:${DEFAULT_EMULATOR_PORT}'`);
    expect(blockAfter(readme, '## Quick start', 'sh')).toBe('npx rxforce emulator --demo-data\n');
    expect(readme).toMatch(/examples in this README are ES modules/);
  });

  it('type-checks and runs verbatim as an ES module from the installed tarball: 500 inserted, the first three names', async () => {
    project = await consumerProject('module', {
      'quickstart.ts': code,
      'tsconfig.json': JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'ES2022', strict: true, skipLibCheck: true,
          types: ['node'], typeRoots: [path.join(ROOT, 'node_modules/@types')] },
        files: ['quickstart.ts'],
      }),
    });
    expect(project.install.code).withContext(project.install.stderr).toBe(0);
    const tsc = await runCommand(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: project.dir });
    expect(tsc.stdout + tsc.stderr).toBe('');
    const run = await runCommand(process.execPath, ['quickstart.js'], { cwd: project.dir, timeoutMs: 120_000,
      env: { SF_LOGIN_URL: emulator.url } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toContain('500 saved');
    expect(lines).toContain('500 inserted');
    expect(lines.at(-1)).toBe("[ 'Quick start 1', 'Quick start 10', 'Quick start 100' ]");
    expect([...emulator.store.scan('Account')].filter(a => String(a.Name).startsWith('Quick start ')).length).toBe(500);
  }, 1_800_000);
});
