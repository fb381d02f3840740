import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Emulator } from '../../src/emulator/index.js';
import type { CliIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/program.js';

export interface CliRun { code: number; stdout: string; stderr: string }

/** Runs `rxforce ARGS` in process with captured output; `terminal` says which streams act as a TTY. */
export async function rxforce(args: string[], env: Record<string, string | undefined> = {},
  terminal: { stderrIsTTY?: boolean; stdoutIsTTY?: boolean } = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', d => { out += String(d); });
  stderr.on('data', d => { err += String(d); });
  // a terminal as the progress bar sees one: a stream that says it is a TTY, 100 columns wide
  if (terminal.stderrIsTTY) Object.assign(stderr, { isTTY: true, columns: 100 });
  const io: CliIo = { stdout, stderr, env, stderrIsTTY: false, stdoutIsTTY: false, ...terminal };
  const code = await run(args, io);
  return { code, stdout: out, stderr: err };
}

/** Login flags for an emulator's default user. */
export function loginFlags(emu: Emulator): string[] {
  const c = emu.credentials;
  return ['--login-url', emu.url, '--username', c.username, '--password', c.password, '--client-id', c.consumerKey,
    '--client-secret', c.consumerSecret];
}

/** A scratch directory, removed by the returned cleanup. */
export function scratchDir(): { dir: string; path(name: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'rxforce-cli-'));
  return { dir, path: name => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
