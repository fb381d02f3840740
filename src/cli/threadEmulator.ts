/**
 * An emulator on its own thread, for `rxforce demo`: the org then answers beside the client instead of taking turns
 * with it on one thread, as a real org does on its own machines, so ten requests in flight cost the client ten
 * requests' work and not the org's as well.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Emulator, EmulatorOptions, EmulatorStats } from '../emulator/index.js';

export type ToEmulatorThread = { type: 'stats'; id: number } | { type: 'stop' };
export type FromEmulatorThread =
  | { type: 'ready'; url: string; credentials: Emulator['credentials'] }
  | { type: 'stats'; id: number; stats: EmulatorStats }
  | { type: 'stopped' }
  | { type: 'failed'; message: string };

export interface ThreadEmulator {
  readonly url: string;
  readonly credentials: Emulator['credentials'];
  /** The emulator's counters as they stand now. */
  stats(): Promise<EmulatorStats>;
  /** Stops the emulator and ends its thread. */
  stop(): Promise<void>;
}

/**
 * The thread running the emulator. Built, its entry is the .js beside this module. Run from src/ under tsx (`npm
 * start`), it is the .ts source, and the thread registers tsx itself first: Node 20 does not hand the main thread's
 * module hooks to a worker.
 */
function emulatorThread(options: EmulatorOptions): Worker {
  const source = new URL('./emulatorThread.ts', import.meta.url);
  if (!existsSync(fileURLToPath(source))) return new Worker(new URL('./emulatorThread.js', import.meta.url), { workerData: options });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(tsx => { tsx.register(); return import(${JSON.stringify(source.href)}); })`;
  return new Worker(boot, { eval: true, workerData: options });
}

export function startThreadEmulator(options: EmulatorOptions): Promise<ThreadEmulator> {
  return new Promise((resolve, reject) => {
    const worker = emulatorThread(options);
    const waiting = new Map<number, (s: EmulatorStats) => void>();
    let nextId = 0;
    let stopped: (() => void) | undefined;
    let failed = (e: Error) => reject(e);
    worker.on('error', e => failed(e));
    worker.on('exit', code => {
      if (stopped) stopped();
      else failed(new Error(`the emulator thread ended (exit code ${code})`));
    });
    worker.on('message', (m: FromEmulatorThread) => {
      switch (m.type) {
        case 'ready':
          failed = () => undefined; // once started, the thread ends only when stopped
          resolve({
            url: m.url,
            credentials: m.credentials,
            stats: () => new Promise(res => {
              const id = nextId++;
              waiting.set(id, res);
              worker.postMessage({ type: 'stats', id } satisfies ToEmulatorThread);
            }),
            stop: () => new Promise(res => {
              stopped = res;
              worker.postMessage({ type: 'stop' } satisfies ToEmulatorThread);
            }),
          });
          break;
        case 'stats':
          waiting.get(m.id)?.(m.stats);
          waiting.delete(m.id);
          break;
        case 'failed':
          failed(new Error(`the emulator ${m.message}`));
          void worker.terminate();
          break;
        case 'stopped':
          void worker.terminate(); // the emulator is closed: whatever its thread still holds goes with it
          break;
      }
    });
  });
}
