/**
 * What the packed tarball holds for a user who opens it: the MIT license, where the repository is, the browser
 * bundles the README offers, and every file the README links to (a relative link that resolves to nothing in the
 * package is a dead link on the registry's page).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanUpPacked, packed, ROOT } from './support/packed.js';

/** The relative link targets of a markdown file (anchors and absolute URLs left out), without their `#fragment`. */
function relativeLinks(markdown: string): string[] {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1]!;
    if (target.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    out.add(target.replace(/#.*$/, '').replace(/\/$/, ''));
  }
  return [...out];
}

describe('the packed tarball\'s contents', () => {
  let files: string[];
  beforeAll(async () => {
    files = (await packed()).files;
  }, 1_800_000);
  afterAll(cleanUpPacked, 60_000);

  it('carries the MIT license and names its repository', () => {
    expect(files).toContain('LICENSE');
    const license = readFileSync(path.join(ROOT, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n/);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { license: string;
      repository?: { type: string; url: string } };
    expect(pkg.license).toBe('MIT');
    expect(pkg.repository?.type).toBe('git');
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\/\S+\.git$/);
  });

  it('holds the browser bundles prepack builds', () => {
    for (const bundle of ['dist/browser/rxforce.esm.js', 'dist/browser/rxforce.umd.js']) expect(files).toContain(bundle);
  });

  it('holds the builds and nothing else of dist/ (prepack starts from an empty dist/)', () => {
    expect(files.filter(f => f.startsWith('dist/') && !/^dist\/(esm|cjs|browser)\//.test(f))).toEqual([]);
    for (const build of ['esm', 'cjs', 'browser']) expect(files.some(f => f.startsWith(`dist/${build}/`))).withContext(build).toBeTrue();
  });

  it('holds every file the README links to', () => {
    const links = relativeLinks(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
    expect(links.length).toBeGreaterThan(0);
    const dead = links.filter(l => !files.some(f => f === l || f.startsWith(`${l}/`)));
    expect(dead).toEqual([]);
  });

  it('finds relative links and leaves anchors and URLs alone (the scanner itself)', () => {
    expect(relativeLinks('[a](docs/x.md) [b](#top) [c](https://rxjs.dev) [d](examples/m/) [e](docs/x.md#part) [f](mailto:x@y)'))
      .toEqual(['docs/x.md', 'examples/m']);
  });
});
