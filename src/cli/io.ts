/** What a command talks to, injectable so specs run commands in process and read what they printed. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  /** Progress bars only on a terminal: piped stderr stays free of control sequences. */
  stderrIsTTY: boolean;
  /** A table for people at a terminal, CSV for pipes. */
  stdoutIsTTY: boolean;
  /** Base directory for relative paths. Default process.cwd(). */
  cwd?: string;
}

/** The process's own streams. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout, stderr: process.stderr, env: process.env,
    stderrIsTTY: process.stderr.isTTY === true, stdoutIsTTY: process.stdout.isTTY === true,
  };
}

/** Writes one line to stderr (diagnostics and progress never mix with data on stdout). */
export function note(io: CliIo, line: string): void {
  io.stderr.write(`${line}\n`);
}
