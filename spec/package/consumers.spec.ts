/**
 * The packed tarball in the two kinds of project users have: a CommonJS TypeScript project (`require` conditions,
 * CommonJS declarations) and an ES module TypeScript project (`import` conditions). Each installs the tarball offline
 * with no warning, type-checks against the package's declarations, and from the compiled program logs in to the
 * emulator, fetches a record and runs a query, loading every entry point by name. The Pub/Sub API's packages (gRPC,
 * Avro) are optional peers, so they are not installed: the entry points load without them, and using the Pub/Sub
 * API fails with the command that installs them. And the install a user types, `npm install ./rxforce-<version>.tgz
 * rxjs` in a new project with no lock file, prints no notice about install scripts (the package has none a user's
 * npm would run or ask about), and `require` and `import` both load the package from it.
 */
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { cleanUpPacked, consumerProject, ROOT, runCommand, userInstall, type Consumer } from './support/packed.js';

/** The program both projects compile and run; only how it asks where `rxforce` resolved differs. */
const program = (resolveRxforce: string) => `import { SalesforceApiError, SalesforceClient, defineSObject, fetch, passwordLogin, query, query$, select, sf } from 'rxforce';
import { startEmulator } from 'rxforce/emulator';
import { changeEvents$, publish, sfCliLogin } from 'rxforce/node';
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
  const said = (e: unknown) => \`\${(e as Error).name}: \${(e as Error).message}\`;
  const pubsub = { client, endpoint: '127.0.0.1:9', tls: false as const };
  const changes = await lastValueFrom(changeEvents$('/data/AccountChangeEvent', pubsub)).then(() => 'no error', said);
  const published = await publish('/event/Low_Ink__e', [{ Printer_Model__c: 'XZO-5' }], pubsub).then(() => 'no error', said);
  const emulatorPubSub = await startEmulator({ port: 0, pubsub: true }).then(async e => { await e.stop(); return 'started'; }, said);
  process.stdout.write(JSON.stringify({
    resolved: ${resolveRxforce},
    fetched: { Id: fetched.Id, Name: fetched.Name },
    queried: queried.map(a => a.Id),
    streamed: streamed.map(a => a.Name),
    typedError: failure instanceof SalesforceApiError ? failure.errorCode : String(failure),
    entries: [typeof startEmulator, typeof sfCliLogin, typeof promises.fetch, typeof createTestClient],
    pubsub: [changes, published, emulatorPubSub],
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

/**
 * One small program for the user's install, as CommonJS (`require`) and as an ES module (`import`): starts the
 * emulator from `rxforce/emulator`, logs in and queries with `rxforce`, and says where `rxforce` resolved.
 */
const userProgram = (kind: 'cjs' | 'esm') => `${kind === 'cjs'
  ? "const { passwordLogin, query, SalesforceClient } = require('rxforce');\nconst { startEmulator } = require('rxforce/emulator');"
  : "import { passwordLogin, query, SalesforceClient } from 'rxforce';\nimport { startEmulator } from 'rxforce/emulator';"}
(async () => {
  const emu = await startEmulator({ port: 0 });
  try {
    emu.store.insert('Account', { Name: 'Loaded by ${kind}' });
    const c = emu.credentials;
    const client = new SalesforceClient({ login: passwordLogin({ loginUrl: emu.url, username: c.username, password: c.password,
      consumerKey: c.consumerKey, consumerSecret: c.consumerSecret }) });
    const rows = await query("SELECT Name FROM Account WHERE Name LIKE 'Loaded by %'", { client });
    process.stdout.write(JSON.stringify({ resolved: ${kind === 'cjs' ? "require.resolve('rxforce')" : "import.meta.resolve('rxforce')"},
      names: rows.map(r => r.Name) }));
  } finally {
    await emu.stop();
  }
})().catch(e => { process.stderr.write(String(e && e.stack || e)); process.exitCode = 1; });
`;

/**
 * Runs the installed package's `rxforce` command until its banner is out (the line after the consumer secret, or
 * its exit), then stops it with SIGINT; the output is stdout and stderr together.
 */
function emulatorBanner(dir: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(dir, 'node_modules/rxforce/bin/rxforce.js'), ...args],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stopping = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      // the banner ends with the lines after the credentials; give it the line that follows them
      if (!stopping && /consumer secret .*\n.*\n/.test(output)) {
        stopping = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('error', reject);
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

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
      // no warning and no notice of any kind: a peer, an engine, a deprecation, a script waiting for approval
      const said = `${consumer.install.stdout}\n${consumer.install.stderr}`.split('\n');
      expect(said.filter(l => /warn|deprecat|notice|ERR|approv|install-scripts/i.test(l))).toEqual([]);
      expect(consumer.install.stdout).toMatch(/^added \d+ packages?\b/m);

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
        streamed: string[]; typedError: string; entries: string[]; pubsub: string[] };
      expect(out.resolved.replace(/^file:\/\//, '').replace(/\\/g, '/'))
        .toMatch(new RegExp(`/node_modules/rxforce/${project.build.replace(/\./g, '\\.')}$`));
      expect(out.fetched).toEqual({ Id: recordId, Name: 'Packed Co' });
      expect(out.queried).toEqual([recordId]);
      expect(out.streamed).toEqual(['Alpha Inc', 'Packed Co', 'Zeta Works']);
      expect(out.typedError).toBe('INVALID_FIELD');
      expect(out.entries).toEqual(['function', 'function', 'function', 'function']);
      const client = 'MissingPeerError: The Pub/Sub API client (changeEvents$, subscribe$, publish$) needs the packages '
        + '@grpc/grpc-js, @grpc/proto-loader and avsc: npm install @grpc/grpc-js @grpc/proto-loader avsc';
      expect(out.pubsub).toEqual([client, client, "MissingPeerError: The emulator's Pub/Sub API needs the packages "
        + '@grpc/grpc-js, @grpc/proto-loader, avsc and selfsigned: npm install @grpc/grpc-js @grpc/proto-loader avsc selfsigned']);

      if (project.kind === 'module') {
        // the command line's emulator starts without them, and its banner says what to install
        const banner = await emulatorBanner(consumer.dir, ['emulator', '--port', '0', '--cdc', 'all']);
        expect(banner.code).withContext(banner.output).toBe(0);
        expect(banner.output).toMatch(/^rxforce emulator listening on http:\/\/127\.0\.0\.1:\d+$/m);
        expect(banner.output.split('\n').filter(l => /Pub\/Sub/.test(l)))
          .toEqual(['  Pub/Sub API not started: it needs npm install @grpc/grpc-js @grpc/proto-loader avsc selfsigned']);
      }
    }, 1_800_000);
  }

  it('npm install ./rxforce-<version>.tgz rxjs in a new project: no install-scripts notice; require, import and the bin work', async () => {
    const user = await userInstall();
    projects.push(user);
    expect(user.install.code).withContext(user.install.stderr).toBe(0);
    const said = `${user.install.stdout}\n${user.install.stderr}`.split('\n');
    // npm 11 lists every dependency with lifecycle scripts its allowScripts does not cover: rxforce must not be one
    expect(said.filter(l => /install-scripts|allowScripts|approve|prepare|prepack|postinstall/i.test(l))).toEqual([]);
    // nor any other warning: peers, engines, errors (what npm resolved today may be deprecated upstream; that is not ours)
    expect(said.filter(l => /warn|ERR!/i.test(l) && !/\bdeprecated\b/i.test(l))).toEqual([]);
    expect(user.install.stdout).toMatch(/^added \d+ packages?\b/m);
    const manifest = JSON.parse(await readFile(path.join(user.dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies.rxforce).toBe(`file:${user.tgz}`);
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['rxforce', 'rxjs']);

    for (const [kind, file, build] of [['cjs', 'check.cjs', 'dist/cjs/index.js'], ['esm', 'check.mjs', 'dist/esm/index.js']] as const) {
      await writeFile(path.join(user.dir, file), userProgram(kind));
      const run = await runCommand(process.execPath, [file], { cwd: user.dir, timeoutMs: 60_000 });
      expect(run.stderr).withContext(kind).toBe('');
      expect(run.code).withContext(kind).toBe(0);
      const out = JSON.parse(run.stdout) as { resolved: string; names: string[] };
      expect(out.resolved.replace(/^file:\/\//, '').replace(/\\/g, '/')).toMatch(new RegExp(`/node_modules/rxforce/${build.replace(/\./g, '\\.')}$`));
      expect(out.names).toEqual([`Loaded by ${kind}`]);
    }

    const bin = await runCommand(process.execPath, [path.join(user.dir, 'node_modules/.bin/rxforce'), '--help'], { cwd: user.dir });
    expect(bin.code).withContext(bin.stderr).toBe(0);
    expect(bin.stdout).toMatch(/^Usage: rxforce /m);
  }, 1_800_000);
});
