import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface FileServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  stop(): Promise<void>;
}

export interface FileServerOptions {
  /** Exact paths answered with an HTML page (`'/umd.html': '<!DOCTYPE html>…'`). */
  pages?: Record<string, string>;
  /** URL prefixes served from directories (`'/rxjs/': 'node_modules/rxjs/dist/esm'`). */
  mounts?: Record<string, string>;
  /**
   * A file answering every path without an extension that no page or mount answers: a single-page app's
   * `index.html`, which an OAuth callback reaches as `/?code=…`.
   */
  fallback?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
};

/**
 * The static server of the browser specs, loopback only on port 0. Inside a mount, an import without an extension
 * (`./internal/Observable`, as rxjs's ES modules write them) is answered with `Observable.js` or `…/index.js` at
 * the same URL, as a package CDN does, so the browser loads each module under one URL.
 */
export async function serveFiles(options: FileServerOptions): Promise<FileServer> {
  const mounts = Object.entries(options.mounts ?? {}).map(([prefix, dir]) => [prefix, path.resolve(dir)] as const);
  const server: Server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const page = options.pages?.[pathname];
    if (page !== undefined) {
      res.writeHead(200, { 'Content-Type': TYPES['.html'], 'Cache-Control': 'no-store' }).end(page);
      return;
    }
    resolveFile(mounts, pathname).then(async found => {
      const file = found ?? (options.fallback !== undefined && !path.extname(pathname) ? options.fallback : undefined);
      if (!file) { res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found'); return; }
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' }).end(body);
    }).catch(() => { if (!res.headersSent) res.writeHead(500).end(); });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function resolveFile(mounts: ReadonlyArray<readonly [string, string]>, pathname: string): Promise<string | undefined> {
  const mount = mounts.find(([prefix]) => pathname.startsWith(prefix));
  if (!mount) return undefined;
  const [prefix, dir] = mount;
  const file = path.join(dir, path.normalize(pathname.slice(prefix.length)));
  if (file !== dir && !file.startsWith(dir + path.sep)) return undefined; // no climbing out of the mount
  const candidates = [file, `${file}.js`, path.join(file, 'index.js')];
  for (const candidate of candidates) {
    if ((await stat(candidate).catch(() => undefined))?.isFile()) return candidate;
  }
  return undefined;
}
