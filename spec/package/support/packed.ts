/**
 * The package as `npm pack` makes it (its prepack script cleans dist/ and builds everything, browser bundles too),
 * and throwaway projects that install the tarball as a user does. `consumerProject` installs offline: a lock file for
 * the project is cut from the repository's own (the versions this checkout was tested with), so `npm ci --offline`
 * takes every tarball from the npm cache that installing this checkout filled. `userInstall` runs the plain
 * `npm install ./rxforce-<version>.tgz rxjs` of a new project, resolving as a user's install does.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface CommandResult { code: number; stdout: string; stderr: string }

/** Runs a command to its end; never rejects (the caller asserts on code and output). */
export function runCommand(file: string, args: string[], opts: { cwd: string; env?: Record<string, string | undefined>;
  timeoutMs?: number }): Promise<CommandResult> {
  // an npm run around the suite hands its settings down as npm_* variables: none of them may steer these commands
  const env = Object.fromEntries(Object.entries({ ...process.env, ...opts.env })
    .filter(([k, v]) => v !== undefined && !/^npm_/i.test(k)));
  return new Promise(resolve => {
    execFile(file, args, { cwd: opts.cwd, env, encoding: 'utf8', timeout: opts.timeoutMs ?? 1_500_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => resolve({
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr: stderr + (error && typeof error.code !== 'number' ? String(error) : ''),
      }));
  });
}

/** The registry the repository's lock file was resolved against (its entries name no other). */
const REGISTRY = 'https://registry.npmjs.org/';

export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export interface Packed {
  /** Directory holding the tarball (removed by `cleanUpPacked`). */
  dir: string;
  tarball: string;
  /** Paths inside the package, e.g. `dist/cjs/index.js`. */
  files: string[];
  /** What `npm pack` printed on stderr (its lifecycle scripts' output included). */
  stderr: string;
}

let packing: Promise<Packed> | undefined;

/** Packs the package once per run (a real `npm pack`, lifecycle scripts and all); later calls share the tarball. */
export function packed(): Promise<Packed> {
  return (packing ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rxforce-pack-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const res = await runCommand(NPM, ['pack', '--json', '--pack-destination', dir], { cwd: ROOT });
    if (res.code !== 0) throw new Error(`npm pack failed (${res.code}):\n${res.stderr.slice(-4000)}`);
    // lifecycle scripts print on stdout too: the JSON report is the part from a line holding only `[`
    const start = res.stdout.search(/^\[\s*$/m);
    const [info] = JSON.parse(res.stdout.slice(start)) as [{ filename: string; files: { path: string }[] }];
    return { dir, tarball: path.join(dir, info.filename), files: info.files.map(f => f.path), stderr: res.stderr };
  })());
}

/**
 * Kept for the spec files' afterAll: the tarball is shared by every spec of the run that needs it, so it is removed
 * when the process exits, not when the first of them is done.
 */
export async function cleanUpPacked(): Promise<void> {
  // nothing to do here: see packed()
}

interface LockEntry {
  version?: string; integrity?: string; resolved?: string; link?: boolean; dev?: boolean; optional?: boolean;
  devOptional?: boolean; peer?: boolean; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

/**
 * The entries of the repository's lock file that `names` need, found as Node finds a package (the nearest
 * node_modules up the tree), with their dependencies, optional dependencies and required peers.
 */
function closure(packages: Record<string, LockEntry>, names: string[]): Map<string, LockEntry> {
  const out = new Map<string, LockEntry>();
  const locate = (name: string, from: string): string | undefined => {
    for (let at = from; ; at = at.slice(0, Math.max(0, at.lastIndexOf('/node_modules/')))) {
      const key = `${at ? `${at}/` : ''}node_modules/${name}`;
      if (packages[key]) return key;
      if (!at) return undefined;
    }
  };
  const visit = (name: string, from: string, optional: boolean) => {
    const key = locate(name, from);
    if (!key) {
      if (optional) return;
      throw new Error(`package-lock.json has no ${name} (needed from ${from || 'the project'})`);
    }
    if (out.has(key)) return;
    const entry = packages[key]!;
    out.set(key, entry);
    for (const dep of Object.keys(entry.dependencies ?? {})) visit(dep, key, false);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(dep, key, true);
    for (const dep of Object.keys(entry.peerDependencies ?? {})) {
      if (!entry.peerDependenciesMeta?.[dep]?.optional) visit(dep, key, false);
    }
  };
  for (const name of names) visit(name, '', false);
  return out;
}

export interface Consumer { dir: string; install: CommandResult }

/**
 * A fresh project of the given module type that depends on the packed tarball and rxjs (the peer), installed with
 * `npm ci --offline`. `files` are written into it first.
 */
export async function consumerProject(kind: 'commonjs' | 'module', files: Record<string, string>): Promise<Consumer> {
  const pack = await packed();
  const dir = await mkdtemp(path.join(os.tmpdir(), `rxforce-consumer-${kind === 'module' ? 'esm' : 'cjs'}-`));
  const tgzName = path.basename(pack.tarball);
  await copyFile(pack.tarball, path.join(dir, tgzName));
  const tgz = await readFile(pack.tarball);
  const integrity = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;

  const ours = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as LockEntry & {
    name: string; version: string; license: string; engines?: unknown; bin?: unknown };
  const repoLock = JSON.parse(await readFile(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const rxjsVersion = repoLock.packages['node_modules/rxjs']!.version!;
  const project = { name: `consumer-${kind}`, version: '1.0.0', private: true, type: kind,
    dependencies: { rxforce: `file:${tgzName}`, rxjs: `^${rxjsVersion}` } };

  const needed = closure(repoLock.packages, [...Object.keys(ours.dependencies ?? {}), 'rxjs']);
  const lockPackages: Record<string, LockEntry> = {
    '': { name: project.name, version: project.version, dependencies: project.dependencies },
    'node_modules/rxforce': {
      version: ours.version, resolved: `file:${tgzName}`, integrity, license: ours.license,
      ...(ours.dependencies ? { dependencies: ours.dependencies } : {}),
      ...(ours.bin ? { bin: ours.bin } : {}), ...(ours.engines ? { engines: ours.engines } : {}),
      peerDependencies: ours.peerDependencies, peerDependenciesMeta: ours.peerDependenciesMeta,
    },
  };
  for (const [key, entry] of [...needed].sort(([a], [b]) => a.localeCompare(b))) {
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
    // where the tarball lives: without it npm would ask the registry; with it and the integrity, the cache answers
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const resolved = kept.resolved ?? `${REGISTRY}${name}/-/${name.split('/').pop()}-${kept.version}.tgz`;
    lockPackages[key] = { ...kept, resolved };
  }
  const lock = { name: project.name, version: project.version, lockfileVersion: 3, requires: true, packages: lockPackages };
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(project, null, 2)}\n`);
  await writeFile(path.join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  const install = await runCommand(NPM, ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: dir });
  return { dir, install };
}

/**
 * A new, empty project (no `type`: CommonJS, npm's default) in which `npm install ./rxforce-<version>.tgz rxjs` runs
 * as a user types it, with no lock file: npm resolves every dependency itself. `--prefer-offline` takes what the npm
 * cache holds and asks the registry only for the rest.
 */
export async function userInstall(): Promise<Consumer & { tgz: string }> {
  const pack = await packed();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rxforce-user-'));
  const tgz = path.basename(pack.tarball);
  await copyFile(pack.tarball, path.join(dir, tgz));
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'rxforce-user', version: '1.0.0', private: true }, null, 2)}\n`);
  const install = await runCommand(NPM, ['install', `./${tgz}`, 'rxjs', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir });
  return { dir, install, tgz };
}
