/**
 * The ```ts blocks of README.md and docs/*.md type-check against the sources, so the docs cannot drift from the API.
 * One program holds every block (fast); each block gets a preamble that declares the free variables it assumes,
 * typed as a user would have them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ENTRIES } from '../../scripts/package-entries.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Block { doc: string; line: number; code: string }

/** Every ```ts fence of a markdown file, with the line its code starts on. */
function tsBlocks(doc: string): Block[] {
  const lines = readFileSync(join(root, doc), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```ts\s*$/.test(lines[i])) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end])) end++;
    blocks.push({ doc, line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** What a block may use without declaring it: imports first, then declarations that may use them. */
interface Free { name: string; imports: Record<string, string[]>; declare: string }

const FREE: Free[] = [
  { name: 'Account', imports: { rxforce: ['defineSObject', 'sf'] }, declare:
    "const Account = defineSObject('Account', { Id: sf.id(), Name: sf.string({ length: 255 }),\n"
    + "  External_Id__c: sf.string({ externalId: true }).optional() });" },
  { name: 'Contact', imports: { rxforce: ['defineSObject', 'sf'] }, declare:
    "const Contact = defineSObject('Contact', { Id: sf.id(), LastName: sf.string(), Email: sf.email().optional() });" },
  { name: 'rows', imports: { rxforce: ['RecordOf'] }, declare: "declare const rows: Omit<RecordOf<typeof Account>, 'Id'>[];" },
  { name: 'client', imports: { rxforce: ['SalesforceClient'] }, declare: 'declare const client: SalesforceClient;' },
  { name: 'login', imports: { rxforce: ['LoginFlow'] }, declare: 'declare const login: LoginFlow;' },
  { name: 'writer', imports: {}, declare: 'declare const writer: WritableStreamDefaultWriter<unknown>;' },
  { name: 'log', imports: {}, declare: 'declare const log: Pick<Console, "info" | "warn" | "error">;' },
  { name: 'SalesforceClient', imports: { rxforce: ['SalesforceClient'] }, declare: '' },
  { name: 'from', imports: { rxjs: ['from'] }, declare: '' },
  { name: 'lastValueFrom', imports: { rxjs: ['lastValueFrom'] }, declare: '' },
  { name: 'select', imports: { rxforce: ['select'] }, declare: '' },
  { name: 'queryRecords', imports: { rxforce: ['queryRecords'] }, declare: '' },
  { name: 'upsertRecords', imports: { rxforce: ['upsertRecords'] }, declare: '' },
  { name: 'results', imports: { rxforce: ['results'] }, declare: '' },
];

/** Names the block binds itself: its imports and top-level declarations. */
function boundNames(code: string): Set<string> {
  const sf = ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const names = new Set<string>();
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      const c = st.importClause;
      if (c?.name) names.add(c.name.text);
      const nb = c?.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) names.add(nb.name.text);
      if (nb && ts.isNamedImports(nb)) nb.elements.forEach(e => names.add(e.name.text));
    } else if (ts.isVariableStatement(st)) {
      st.declarationList.declarations.forEach(d => { if (ts.isIdentifier(d.name)) names.add(d.name.text); });
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) {
      names.add(st.name.text);
    }
  }
  return names;
}

/** The preamble for one block; the block's own code follows it unchanged, so the preamble's length maps lines back. */
function preamble(code: string): string {
  const bound = boundNames(code);
  const used = (name: string) => new RegExp(`\\b${name}\\b`).test(code);
  const wanted = new Set<Free>();
  const add = (f: Free) => {
    if (wanted.has(f)) return;
    wanted.add(f);
    for (const dep of FREE) if (dep !== f && !bound.has(dep.name) && new RegExp(`\\b${dep.name}\\b`).test(f.declare)) add(dep);
  };
  FREE.filter(f => used(f.name) && !bound.has(f.name)).forEach(add);
  const imports = new Map<string, Set<string>>();
  for (const f of wanted) {
    for (const [mod, names] of Object.entries(f.imports)) {
      for (const n of names.filter(n => !bound.has(n))) (imports.get(mod) ?? imports.set(mod, new Set()).get(mod)!).add(n);
    }
  }
  const order = FREE.filter(f => wanted.has(f) && f.declare);
  return [
    ...[...imports].map(([mod, names]) => `import { ${[...names].join(', ')} } from '${mod}';`),
    ...order.map(f => f.declare),
    'export {};',
    '',
  ].join('\n');
}

describe('the ts blocks in README.md and docs/*.md', () => {
  const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter(f => f.endsWith('.md')).map(f => `docs/${f}`)];
  const blocks = docs.flatMap(tsBlocks);
  const files = new Map<string, { block: Block; text: string; offset: number }>();
  blocks.forEach((block, i) => {
    const pre = preamble(block.code);
    // the snippets live beside the package root, so 'rxjs' resolves from node_modules as it would for a user
    files.set(join(root, `__doc_block_${i}.ts`), { block, text: pre + block.code + '\n', offset: pre.split('\n').length - 1 });
  });

  let diagnostics: readonly ts.Diagnostic[] = [];
  beforeAll(() => {
    const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, {
      ...ts.sys, onUnRecoverableConfigFileDiagnostic: d => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
    });
    if (!config) throw new Error('tsconfig.json could not be read');
    const options: ts.CompilerOptions = {
      ...config.options,
      noEmit: true,
      baseUrl: root,
      // every entry point of the package, as scripts/package-entries.js lists them, from its source
      paths: Object.fromEntries(Object.entries(ENTRIES).map(([subpath, module]) =>
        [`rxforce${subpath.slice(1)}`, [`src/${module}.ts`]])),
    };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.fileExists = f => files.has(f) || fileExists.call(host, f);
    host.readFile = f => files.get(f)?.text ?? readFile.call(host, f);
    host.getSourceFile = (f, lang, ...rest) => {
      const mem = files.get(f);
      return mem ? ts.createSourceFile(f, mem.text, lang) : getSourceFile.call(host, f, lang, ...rest);
    };
    const program = ts.createProgram([...files.keys()], options, host);
    diagnostics = ts.getPreEmitDiagnostics(program).filter(d => d.file && files.has(d.file.fileName));
  });

  it('finds the blocks it checks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it('type-check against the sources', () => {
    const messages = diagnostics.map(d => {
      const f = files.get(d.file!.fileName)!;
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      const at = line >= f.offset ? `${f.block.doc}:${f.block.line + line - f.offset}` : `${f.block.doc}:${f.block.line} (preamble)`;
      return `${at}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(messages).toEqual([]);
  });
});
