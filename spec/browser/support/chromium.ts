import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

/** Headless Chromium from the system package; without it the suite fails at once, naming the package. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
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
