/** When the browser specs run, wait as pending, or fail: decided by the system Chromium and the CI variables. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, chromiumAbsence, REQUIRE_BROWSER } from './support/chromium.js';

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
    const ci = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../.ci/run'), 'utf8');
    expect(ci).toMatch(new RegExp(`^export ${REQUIRE_BROWSER}=1$`, 'm'));
  });
});
