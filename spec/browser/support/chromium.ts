import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serverAbsence, suiteNeeds, type ServerAbsence } from '../../support/outsideServer.js';

export const CHROMIUM = '/usr/bin/chromium';
/** Set by .ci/run: a missing Chromium fails the browser specs instead of leaving them pending. */
export const REQUIRE_BROWSER = 'RXFORCE_REQUIRE_BROWSER';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

/**
 * Undefined when the system Chromium is there. Without it the browser specs are pending with a one-line reason
 * that says how to get it, unless RXFORCE_REQUIRE_BROWSER (which .ci/run sets) or CI asks for them: then they fail.
 */
export function chromiumAbsence(env: Record<string, string | undefined> = process.env,
  exists: (file: string) => boolean = existsSync): ServerAbsence | undefined {
  if (exists(CHROMIUM)) return undefined;
  return serverAbsence(`no Chromium at ${CHROMIUM}; to run the browser specs: apt-get install -y chromium`, env, [REQUIRE_BROWSER]);
}

/**
 * For a browser suite: when Chromium is absent, its beforeAll fails if it is required (skipping set-up otherwise)
 * and every spec is pending with the reason. Returns whether the suite can run.
 */
export function needsChromium(): () => boolean {
  return suiteNeeds(chromiumAbsence());
}

/** Headless Chromium from the system package; without it this fails at once, naming the package. */
export async function launchChromium(): Promise<Browser> {
  const absent = chromiumAbsence();
  if (absent) throw new Error(absent.reason);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
}

/**
 * Collects what goes wrong in `page` into `problems`: uncaught errors, console errors, and failed requests with
 * their URL (Chromium's console line for one has none, so that line is left out).
 */
export function recordProblems(page: Page, problems: string[]): void {
  page.on('pageerror', e => problems.push(e.message));
  page.on('response', r => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`); });
  page.on('console', m => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(m.text()); });
}

/** Runs every teardown step even when an earlier one fails, so no browser or server outlives the suite. */
export async function tearDown(steps: ReadonlyArray<() => unknown>): Promise<void> {
  for (const step of steps) await Promise.resolve().then(step).catch(() => undefined);
}
