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
  /** SIGINT and SIGTERM, for commands that stop cleanly when interrupted (without it they are not interruptible). */
  interrupts?: Interrupts;
}

/**
 * Interrupts (Ctrl-C, SIGTERM) as a command sees them: the first calls `onFirst`, so the command can stop cleanly;
 * a second one while the command is still stopping prints `lastWords()` and exits at once with 130.
 */
export interface Interrupts {
  /** Starts listening; the returned function stops. */
  listen(onFirst: (signal: string) => void, lastWords: () => string): () => void;
}

/** Exit code of a command ended by an interrupt (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** The process's SIGINT and SIGTERM. */
export function processInterrupts(): Interrupts {
  return {
    listen(onFirst, lastWords) {
      let count = 0;
      const handler = (signal: NodeJS.Signals) => {
        if (count++ === 0) {
          onFirst(signal);
          return;
        }
        process.stderr.write(`rxforce: ${lastWords()}\n`);
        process.exit(EXIT_INTERRUPTED);
      };
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}

/** The process's own streams. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout, stderr: process.stderr, env: process.env,
    stderrIsTTY: process.stderr.isTTY === true, stdoutIsTTY: process.stdout.isTTY === true,
    interrupts: processInterrupts(),
  };
}

/** Writes one line to stderr (diagnostics and progress never mix with data on stdout). */
export function note(io: CliIo, line: string): void {
  io.stderr.write(`${line}\n`);
}
