/**
 * The set-up every browser suite shares: pages built into a scratch directory and served on a loopback origin, an
 * emulator on another origin that allows that one (so CORS is real), and headless Chromium, launched once per suite.
 * Each spec gets a fresh browser context (its own storage, so every spec signs in afresh), and fails on any error
 * its pages show. Without Chromium the suite is pending with a one-line reason, or fails where the environment
 * demands the browser specs (chromium.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, needsChromium, recordProblems, tearDown } from './chromium.js';
import { serveFiles, type FileServer, type FileServerOptions } from './fileServer.js';

export interface BrowserSuiteSetUp<E> {
  /** Names the scratch directory (`rxforce-NAME-…`). */
  name: string;
  /** Builds what the pages need into `outDir` and says how to serve it. */
  site(outDir: string): Promise<FileServerOptions>;
  /** Starts (and seeds) the org the pages talk to, letting `siteOrigin` call it from a browser. */
  emulator(siteOrigin: string): Promise<E>;
  /** How long a page action waits (default 10 s). */
  actionTimeoutMs?: number;
  /** How long the whole set-up may take: a first build without webpack's cache is slow (default 120 s). */
  setUpTimeoutMs?: number;
}

export interface BrowserSuite<E> {
  /** Whether the suite runs (Chromium is there); an `afterEach` of the suite's own returns early when not. */
  canRun(): boolean;
  readonly site: FileServer;
  readonly emulator: E;
  /** The running spec's browser context. */
  readonly context: BrowserContext;
  /** A new page in the running spec's context, its errors recorded against the spec, at `pathname` of the site. */
  open(pathname: string): Promise<Page>;
}

/** Registers the suite's set-up and tear-down in the enclosing `describe`. */
export function browserSuite<E extends { stop(): Promise<unknown> }>(setUp: BrowserSuiteSetUp<E>): BrowserSuite<E> {
  const canRun = needsChromium();
  let outDir: string | undefined;
  let site: FileServer | undefined;
  let emulator: E | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let problems: string[] = [];

  beforeAll(async () => {
    if (!canRun()) return;
    outDir = await mkdtemp(path.join(os.tmpdir(), `rxforce-${setUp.name}-`));
    site = await serveFiles(await setUp.site(outDir));
    emulator = await setUp.emulator(site.origin);
    browser = await launchChromium();
  }, setUp.setUpTimeoutMs ?? 120_000);

  afterAll(async () => {
    await tearDown([() => browser?.close(), () => site?.stop(), () => emulator?.stop(),
      () => (outDir ? rm(outDir, { recursive: true, force: true }) : undefined)]);
  }, 30_000);

  beforeEach(async () => {
    if (!canRun()) return;
    problems = [];
    context = await browser!.newContext();
    context.setDefaultTimeout(setUp.actionTimeoutMs ?? 10_000);
  });

  afterEach(async () => {
    if (!canRun()) return;
    await context?.close().catch(() => undefined);
    expect(problems).withContext('errors in the page').toEqual([]);
  });

  const ready = <T>(what: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`the browser suite has no ${what}: its set-up did not run or failed`);
    return value;
  };
  return {
    canRun,
    get site() { return ready('site', site); },
    get emulator() { return ready('emulator', emulator); },
    get context() { return ready('browser context', context); },
    async open(pathname) {
      const page = await ready('browser context', context).newPage();
      recordProblems(page, problems);
      await page.goto(`${ready('site', site).origin}${pathname}`);
      return page;
    },
  };
}
