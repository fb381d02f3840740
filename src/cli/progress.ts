/** Progress on stderr: a bar on a terminal, nothing while piped (the final summary line says it all). */
import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';

export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

export function progressBar(io: CliIo, label: string, total: number): Progress {
  if (!io.stderrIsTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar({
    format: `${label.padEnd(28)} {bar} {percentage}% | {value}/{total}`, stream: io.stderr as NodeJS.WriteStream,
    hideCursor: true, clearOnComplete: false, barsize: 30,
  }, cliProgress.Presets.shades_classic);
  bar.start(Math.max(total, 1), 0);
  return {
    update: (done, t) => {
      if (t !== undefined) bar.setTotal(Math.max(t, 1));
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}
