/**
 * The packed tarball in the two kinds of project users have: a CommonJS TypeScript project (`require` conditions,
 * CommonJS declarations) and an ES module TypeScript project (`import` conditions). Each installs the tarball offline
 * with no warning, type-checks against the package's declarations, and from the compiled program logs in to the
 * emulator, fetches a record and runs a query, loading every entry point by name.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { cleanUpPacked, consumerProject, ROOT, runCommand, type Consumer } from './support/packed.js';

/** The program both projects compile and run; only how it asks where `rxforce` resolved differs. */
const program = (resolveRxforce: string) => `import { SalesforceApiError, SalesforceClient, defineSObject, fetch, passwordLogin, query, query$, select, sf } from 'rxforce';
import { startEmulator } from 'rxforce/emulator';
import { sfCliLogin } from 'rxforce/node';
import * as promises from 'rxforce/promise';
import { createTestClient } from 'rxforce/testing';
import { lastValueFrom, toArray } from 'rxjs';

const Account = defineSObject('Account', { Id: sf.id(), Name: sf.string({ length: 255 }) });

async function main(): Promise<void> {
  const env = process.env;
  const client = new SalesforceClient({ login: passwordLogin({ loginUrl: env.ORG_URL!, username: env.ORG_USERNAME!,
    password: env.ORG_PASSWORD!, consumerKey: env.ORG_KEY!, consumerSecret: env.ORG_SECRET! }) });
  const fetched = await fetch(Account, env.RECORD_ID!, { client });
  const queried = await query(select(Account).where({ Name: fetched.Name }), { client });
  const streamed = await lastValueFrom(query$<{ Name: string }>('SELECT Name FROM Account ORDER BY Name', { client }).pipe(toArray()));
  const failure = await query('SELECT Nope FROM Account', { client }).then(() => undefined, (e: unknown) => e);
  process.stdout.write(JSON.stringify({
    resolved: ${resolveRxforce},
    fetched: { Id: fetched.Id, Name: fetched.Name },
    queried: queried.map(a => a.Id),
    streamed: streamed.map(a => a.Name),
    typedError: failure instanceof SalesforceApiError ? failure.errorCode : String(failure),
    entries: [typeof startEmulator, typeof sfCliLogin, typeof promises.fetch, typeof createTestClient],
  }));
}

main().catch((e: unknown) => {
  process.stderr.write(String(e));
  process.exitCode = 1;
});
`;

const tsconfig = JSON.stringify({
  compilerOptions: {
    module: 'node16', moduleResolution: 'node16', target: 'ES2022', strict: true, skipLibCheck: true,
    types: ['node'], typeRoots: [path.join(ROOT, 'node_modules/@types')],
  },
  files: ['main.ts'],
});

const PROJECTS = [
  { kind: 'commonjs', resolve: "require.resolve('rxforce')", build: 'dist/cjs/index.js' },
  { kind: 'module', resolve: "import.meta.resolve('rxforce')", build: 'dist/esm/index.js' },
] as const;

describe('the packed tarball in a consumer project', () => {
  let emulator: Emulator;
  let recordId: string;
  const projects: Consumer[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, seed: 21 });
    for (const Name of ['Zeta Works', 'Packed Co', 'Alpha Inc']) {
      const res = emulator.store.insert('Account', { Name });
      if (!res.success) throw new Error(`could not seed ${Name}`);
      if (Name === 'Packed Co') recordId = res.id;
    }
  });

  afterAll(async () => {
    await emulator?.stop();
    for (const p of projects) await rm(p.dir, { recursive: true, force: true });
    await cleanUpPacked();
  }, 60_000);

  for (const project of PROJECTS) {
    it(`${project.kind === 'module' ? 'ES module' : 'CommonJS'}: installs offline without a warning, type-checks, logs in, fetches and queries`, async () => {
      const consumer = await consumerProject(project.kind, { 'main.ts': program(project.resolve), 'tsconfig.json': tsconfig });
      projects.push(consumer);
      expect(consumer.install.code).withContext(consumer.install.stderr).toBe(0);
      // The one notice npm 11 prints is its request to approve protobufjs's postinstall script, which comes with
      // @grpc/proto-loader (the Pub/Sub API client). Any other warning (a peer, an engine, a deprecation) fails here.
      const warnings = consumer.install.stderr.split('\n').filter(l => /warn|deprecat|ERR/i.test(l));
      expect(warnings.filter(l => !/^npm warn install-scripts\b/.test(l))).toEqual([]);
      expect(warnings.filter(l => /^npm warn install-scripts\s+\S+@/.test(l)).map(l => l.trim().split(/\s+/)[3]!.replace(/@.*/, '')))
        .toEqual(warnings.length ? ['protobufjs'] : []);

      const tsc = await runCommand(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: consumer.dir });
      expect(tsc.stdout + tsc.stderr).withContext('tsc in the consumer project').toBe('');
      expect(tsc.code).toBe(0);

      const c = emulator.credentials;
      const run = await runCommand(process.execPath, ['main.js'], { cwd: consumer.dir, timeoutMs: 60_000, env: {
        ORG_URL: emulator.url, ORG_USERNAME: c.username, ORG_PASSWORD: c.password, ORG_KEY: c.consumerKey,
        ORG_SECRET: c.consumerSecret, RECORD_ID: recordId } });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const out = JSON.parse(run.stdout) as { resolved: string; fetched: { Id: string; Name: string }; queried: string[];
        streamed: string[]; typedError: string; entries: string[] };
      expect(out.resolved.replace(/^file:\/\//, '').replace(/\\/g, '/'))
        .toMatch(new RegExp(`/node_modules/rxforce/${project.build.replace(/\./g, '\\.')}$`));
      expect(out.fetched).toEqual({ Id: recordId, Name: 'Packed Co' });
      expect(out.queried).toEqual([recordId]);
      expect(out.streamed).toEqual(['Alpha Inc', 'Packed Co', 'Zeta Works']);
      expect(out.typedError).toBe('INVALID_FIELD');
      expect(out.entries).toEqual(['function', 'function', 'function', 'function']);
    }, 1_800_000);
  }
});
