/**
 * Optional peer packages, loaded on first use with an error that names what to install. Features that need a large
 * or native package (a database driver, gRPC) keep it out of `dependencies`, so installing rxforce pulls in nothing
 * they alone need.
 */

/** Packages that are optional peers of rxforce could not be loaded. */
export class MissingPeerError extends Error {
  override name = 'MissingPeerError';
  /** The first package missing (the only one, for a feature that needs one). */
  readonly packageName: string;
  /** Every package the feature needs and could not load, in the order it needs them. */
  readonly packageNames: readonly string[];

  constructor(packageNames: string | readonly string[], readonly feature: string, cause?: unknown) {
    const names = typeof packageNames === 'string' ? [packageNames] : [...packageNames];
    const listed = names.length === 1 ? `the ${names[0]} package`
      : `the packages ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    super(`${feature} needs ${listed}: ${installCommand(names)}`, { cause });
    this.packageName = names[0]!;
    this.packageNames = names;
  }
}

/** `npm install a b`: what installs these packages. */
export function installCommand(packageNames: readonly string[]): string {
  return `npm install ${packageNames.join(' ')}`;
}

/** True when `err` says that `packageName` itself (not one of its own dependencies) cannot be found. */
function isMissing(err: unknown, packageName: string): boolean {
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  // Node names the package it looked for: `Cannot find package 'x' imported from …`, `Cannot find module 'x'`
  return typeof message === 'string' && message.includes(`'${packageName}'`);
}

async function importPeer<T>(packageName: string): Promise<T> {
  const mod = await import(/* webpackIgnore: true */ packageName) as { default?: T };
  return (mod.default ?? mod) as T;
}

/** Loads an optional peer (its default export, or the module); rejects with a MissingPeerError when it is absent. */
export async function loadPeer<T>(packageName: string, feature: string): Promise<T> {
  try {
    return await importPeer<T>(packageName);
  } catch (err) {
    if (isMissing(err, packageName)) throw new MissingPeerError(packageName, feature, err);
    throw err;
  }
}

/**
 * Loads several optional peers a feature needs together; when any is absent, rejects with one MissingPeerError naming
 * every absent one, so a single `npm install` fixes it.
 */
export async function loadPeers<T extends unknown[]>(packageNames: { [K in keyof T]: string }, feature: string): Promise<T> {
  const settled = await Promise.allSettled(packageNames.map(name => importPeer(name)));
  const missing = packageNames.filter((name, i) => {
    const s = settled[i]!;
    return s.status === 'rejected' && isMissing(s.reason, name);
  });
  if (missing.length) {
    throw new MissingPeerError(missing, feature, settled.find(s => s.status === 'rejected')?.reason);
  }
  const failed = settled.find(s => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map(s => (s as PromiseFulfilledResult<unknown>).value) as T;
}

/** The packages of `packageNames` that cannot be loaded (an empty list when every one can). */
export async function missingPeers(packageNames: readonly string[]): Promise<string[]> {
  const settled = await Promise.allSettled(packageNames.map(name => importPeer(name)));
  return packageNames.filter((name, i) => {
    const s = settled[i]!;
    return s.status === 'rejected' && isMissing(s.reason, name);
  });
}
