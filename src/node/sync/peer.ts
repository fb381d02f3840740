/** Optional peer packages, loaded on first use with an error that names the package to install. */

/** A package that is an optional peer of rxforce could not be loaded. */
export class MissingPeerError extends Error {
  override name = 'MissingPeerError';
  constructor(readonly packageName: string, readonly feature: string, cause: unknown) {
    super(`${feature} needs the ${packageName} package: npm install ${packageName}`, { cause });
  }
}

export async function loadPeer<T>(packageName: string, feature: string): Promise<T> {
  try {
    const mod = await import(packageName) as { default?: T };
    return (mod.default ?? mod) as T;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new MissingPeerError(packageName, feature, err);
    throw err;
  }
}
