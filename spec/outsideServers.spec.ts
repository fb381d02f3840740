/**
 * When the specs that need an outside server (Chromium, Postgres, Redis) run, wait as pending, or fail: decided by
 * whether the server is there and by the CI variables.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, chromiumAbsence, REQUIRE_BROWSER } from './browser/support/chromium.js';
import { envServerAbsence } from './support/outsideServer.js';
import { POSTGRES } from './support/postgres.js';
import { REDIS } from './support/redis.js';

const ciRun = () => readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../.ci/run'), 'utf8');

describe('browser specs without Chromium', () => {
  const missing = () => false;
  const present = (file: string) => file === CHROMIUM;

  it('run when the system Chromium is there, whatever the environment says', () => {
    expect(chromiumAbsence({}, present)).toBeUndefined();
    expect(chromiumAbsence({ [REQUIRE_BROWSER]: '1', CI: 'true' }, present)).toBeUndefined();
  });

  it('are pending on a developer machine, with one line that says how to get Chromium', () => {
    const absent = chromiumAbsence({ HOME: '/home/someone' }, missing);
    expect(absent?.required).toBeFalse();
    expect(absent?.reason).toContain('apt-get install -y chromium');
    expect(absent?.reason).toContain(CHROMIUM);
    expect(absent?.reason).not.toContain('\n');
  });

  it(`fail when ${REQUIRE_BROWSER} (set by .ci/run) or CI is set`, () => {
    expect(chromiumAbsence({ [REQUIRE_BROWSER]: '1' }, missing)?.required).toBeTrue();
    expect(chromiumAbsence({ CI: 'true' }, missing)?.required).toBeTrue();
    expect(chromiumAbsence({ [REQUIRE_BROWSER]: '0', CI: 'false' }, missing)?.required).toBeFalse();
    expect(chromiumAbsence({ [REQUIRE_BROWSER]: '' }, missing)?.required).toBeFalse();
  });

  it(`.ci/run sets ${REQUIRE_BROWSER}, so CI never passes without running them`, () => {
    expect(ciRun()).toMatch(new RegExp(`^export ${REQUIRE_BROWSER}=1$`, 'm'));
  });
});

for (const server of [POSTGRES, REDIS]) {
  describe(`${server.name} specs without a server`, () => {
    it(`run when ${server.variable} is set, whatever the environment says`, () => {
      expect(envServerAbsence(server, { [server.variable]: 'x://127.0.0.1:1' })).toBeUndefined();
      expect(envServerAbsence(server, { [server.variable]: 'x://127.0.0.1:1', CI: 'true' })).toBeUndefined();
    });

    it(`are pending on a developer machine, with one line naming ${server.variable} and ${server.script}`, () => {
      const absent = envServerAbsence(server, { HOME: '/home/someone', [server.variable]: '' });
      expect(absent?.required).toBeFalse();
      expect(absent?.reason).toContain(server.variable);
      expect(absent?.reason).toContain(server.script);
      expect(absent?.reason).not.toContain('\n');
    });

    it('fail when CI is set (as .ci/run sets it), which provides the server', () => {
      expect(envServerAbsence(server, { CI: 'true' })?.required).toBeTrue();
      expect(envServerAbsence(server, { CI: 'false' })?.required).toBeFalse();
      expect(ciRun()).toMatch(/^export CI=true$/m);
      expect(ciRun()).toContain(server.script);
    });
  });
}
