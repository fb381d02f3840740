import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { generateModelSource, type RecordOf, type SObjectModel } from '../../src/model/index.js';
import { accountDescribe, apexClassDescribe, attachmentDescribe } from './fixtures/describe.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('generateModelSource', () => {
  let dir: string;
  let file: string;
  const source = () => generateModelSource([attachmentDescribe, accountDescribe, apexClassDescribe], {
    importFrom: pathToFileURL(join(ROOT, 'src/model/index.ts')).pathname.replace(/\.ts$/, '.js'),
    tooling: ['ApexClass'],
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rxforce-gen-'));
    file = join(dir, 'models.ts');
    writeFileSync(file, source() + [
      '',
      // Usage the generated types must allow and refuse.
      "export const a: Account = { Id: '001000000000001AAA', Name: 'Acme', IsDeleted: false, CreatedDate: new Date(), Number__c: 'A-1', Rating: 'Hot' };",
      "a.Tags__c = ['a', \"it's\"];",
      '// @ts-expect-error restricted picklist',
      "a.Rating = 'Tepid';",
      '// @ts-expect-error datetime is a Date',
      "a.LastSeen__c = 'now';",
      "export const att: Attachment = { Id: '00P000000000001AAA', ParentId: '001000000000001AAA', Name: 'n', Body: new Uint8Array(1) };",
      '',
    ].join('\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one defineSObject and one record type per object, sorted, tooling flagged', () => {
    const src = source();
    expect(src).toMatch(/export const Account = defineSObject\("Account", \{/);
    expect(src).toContain('export type Account = RecordOf<typeof Account>;');
    expect(src).toContain('}, { tooling: true });\nexport type ApexClass');
    expect(src.indexOf('const Account')).toBeLessThan(src.indexOf('const Attachment'));
    expect(src).toContain('Name: sf.string({"length":255}),');
    expect(src).toContain('Rating: sf.picklist(["Hot","Warm","Cold"], {"restricted":true}).nullish(),');
    expect(src).toContain('ParentId: sf.reference(["Account","Contact","Case"], {"relationshipName":"Parent","createable":true,"updateable":false}),');
    expect(src).toContain('/** Account * / Description */');
    expect(src).not.toContain('BillingAddress');
  });

  it('type-checks, together with the type-level specs of the model and the builder', () => {
    const program = ts.createProgram([file, join(ROOT, 'spec/model/types.spec.ts'), join(ROOT, 'spec/soql/types.spec.ts')], {
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true, noEmit: true, skipLibCheck: true, types: ['jasmine', 'node'], typeRoots: [join(ROOT, 'node_modules/@types')],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n') +
      (d.file ? ` (${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1})` : ''));
    expect(diagnostics).toEqual([]);
  });

  it('runs: the generated models work at run time', async () => {
    const mod = await import(pathToFileURL(file).href) as Record<string, SObjectModel<any>>;
    const Account = mod.Account!;
    const rec: Partial<RecordOf<typeof Account>> = Account.fromWire({ Id: '001000000000001AAA', Name: 'Acme', Tags__c: 'a;c\u2028d' });
    expect(rec.Tags__c).toEqual(['a', 'c\u2028d']);
    expect(mod.ApexClass!.tooling).toBe(true);
  });
});
