/**
 * package.json's `sideEffects`: the modules that act when imported (scripts/package-entries.js, SIDE_EFFECTS) are
 * exactly the ones src/ has, and a bundler given the packed build keeps those and leaves out every module an app does
 * not use: a page importing `to18` from `rxforce` carries the id helpers alone, and a bundled emulator still registers
 * every route module.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import webpack, { type Configuration } from 'webpack';
import { SIDE_EFFECTS, sideEffectsField } from '../../scripts/package-entries.js';
import { packed, ROOT } from './support/packed.js';

/**
 * What a module does at its top level besides defining values: imports kept only for their effect, statements that
 * run (calls, assignments, loops) and awaits. A call whose result is kept in a binding (`new Set(…)`, `sf.id()`)
 * builds a value for the module's own use and does not count.
 */
function topLevelEffects(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const effects: string[] = [];
  const awaits = (node: ts.Node): boolean => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
    return ts.isAwaitExpression(node) || (ts.forEachChild(node, awaits) ?? false);
  };
  for (const st of source.statements) {
    if (ts.isImportDeclaration(st)) {
      if (!st.importClause) effects.push(`import ${st.moduleSpecifier.getText(source)}`);
    } else if (ts.isVariableStatement(st)) {
      if (awaits(st)) effects.push(`await in ${st.declarationList.declarations[0]!.name.getText(source)}`);
    } else if (ts.isClassDeclaration(st)) {
      if (st.members.some(ts.isClassStaticBlockDeclaration)) effects.push(`static block of ${st.name?.text ?? 'a class'}`);
    } else if (ts.isExportAssignment(st)) {
      if (awaits(st)) effects.push('await in export default');
    } else if (!ts.isFunctionDeclaration(st) && !ts.isInterfaceDeclaration(st) && !ts.isTypeAliasDeclaration(st)
      && !ts.isExportDeclaration(st) && !ts.isEnumDeclaration(st) && !ts.isModuleDeclaration(st) && !ts.isEmptyStatement(st)) {
      effects.push(st.getText(source).split('\n')[0]!.slice(0, 60));
    }
  }
  return effects;
}

/** Modules of src/ (no extension) that act when imported, with what they do. */
function modulesWithEffects(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const src = path.join(ROOT, 'src');
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
    const effects = topLevelEffects(file, readFileSync(path.join(src, file), 'utf8'));
    if (effects.length) out.set(file.split(path.sep).join('/').replace(/\.ts$/, ''), effects);
  }
  return out;
}

/** The package's own modules (paths inside it) that webpack put in a chunk. */
async function bundledModules(config: Configuration): Promise<string[]> {
  const compiler = webpack(config);
  try {
    const stats = await new Promise<webpack.Stats>((resolve, reject) => compiler.run((err, s) => {
      if (err || !s) reject(err ?? new Error('webpack gave no stats'));
      else if (s.hasErrors()) reject(new Error(s.toString({ all: false, errors: true })));
      else resolve(s);
    }));
    const { chunkGraph, modules } = stats.compilation;
    return [...modules].filter(m => chunkGraph.getNumberOfModuleChunks(m) > 0)
      .map(m => (m as { resource?: string }).resource)
      .filter((r): r is string => typeof r === 'string' && r.startsWith(`${ROOT}${path.sep}dist${path.sep}`))
      .map(r => path.relative(ROOT, r).split(path.sep).join('/'))
      .sort();
  } finally {
    await new Promise<void>(resolve => compiler.close(() => resolve()));
  }
}

describe('package.json sideEffects', () => {
  it('names every module of src/ that acts when imported, and no other', () => {
    const found = modulesWithEffects();
    expect([...found.keys()].sort()).withContext(JSON.stringify(Object.fromEntries(found), null, 1)).toEqual([...SIDE_EFFECTS].sort());
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { sideEffects: unknown };
    expect(pkg.sideEffects).toEqual(sideEffectsField());
    expect(sideEffectsField(['emulator/index'])).toEqual(['./dist/esm/emulator/index.js', './dist/cjs/emulator/index.js']);
  });

  it('finds what a module does on import (the scanner itself)', () => {
    const text = [
      "import './routes.js';", "import { a } from './a.js';", "import type { B } from './b.js';",
      'const set = new Set([1]);', 'const code = await run();', 'register(handler);', 'for (const s of streams) s.on(1);',
      'export function f() { g(); }', 'export class C { static x = 1; }', 'class D { static { init(); } }',
      "export { a } from './a.js';", 'export type T = number;', 'const lazy = async () => { await x; };',
    ].join('\n');
    expect(topLevelEffects('x.ts', text)).toEqual([
      "import './routes.js'", 'await in code', 'register(handler);', 'for (const s of streams) s.on(1);', 'static block of D',
    ]);
  });

  describe('as a bundler reads it, on the packed build', () => {
    let dir: string;
    beforeAll(async () => {
      await packed(); // builds dist/ as npm pack does
      dir = await mkdtemp(path.join(os.tmpdir(), 'rxforce-side-effects-'));
      await mkdir(path.join(dir, 'node_modules'));
      await symlink(ROOT, path.join(dir, 'node_modules/rxforce'), 'dir');
      await writeFile(path.join(dir, 'page.js'), "import { to18 } from 'rxforce';\nglobalThis.id = to18('001000000000001');\n");
      await writeFile(path.join(dir, 'server.js'), "import { startEmulator } from 'rxforce/emulator';\nexport { startEmulator };\n");
    }, 1_800_000);
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    /** A production build of `entry` (in `dir`) that bundles rxforce's modules and leaves every other package out. */
    const build = (entry: string, target: 'web' | 'node'): Configuration => ({
      mode: 'production',
      context: dir,
      entry: `./${entry}`,
      target,
      // ES module output either way, so packages left out are `import`s of the output
      output: { path: path.join(dir, 'out', entry), module: true, ...(target === 'node' ? { library: { type: 'module' } } : {}) },
      experiments: { outputModule: true },
      externalsType: 'module',
      externals: [({ request }, callback) => {
        if (request && !request.startsWith('.') && !path.isAbsolute(request) && !/^rxforce(\/|$)/.test(request)) callback(undefined, request);
        else callback();
      }],
      optimization: { minimize: false, concatenateModules: false },
      infrastructureLogging: { level: 'error' },
    });

    it('a page importing to18 from rxforce carries the id helpers alone', async () => {
      expect(await bundledModules(build('page.js', 'web'))).toEqual(['dist/esm/util/ids.js']);
    }, 300_000);

    it('a bundled emulator keeps every route module it registers on import', async () => {
      const modules = await bundledModules(build('server.js', 'node'));
      for (const module of SIDE_EFFECTS.filter(m => m.startsWith('emulator/'))) {
        expect(modules).withContext(module).toContain(`dist/esm/${module}.js`);
      }
    }, 300_000);
  });
});
