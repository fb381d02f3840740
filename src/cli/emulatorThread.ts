/**
 * The entry of the demo's emulator thread (see threadEmulator.ts): starts an emulator with the options it is given,
 * says where it listens, answers stats requests and stops when asked (the main thread then ends this one). Every
 * failure goes back as a message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startEmulator, type EmulatorOptions } from '../emulator/index.js';
import type { FromEmulatorThread, ToEmulatorThread } from './threadEmulator.js';

const port = parentPort!;
const post = (m: FromEmulatorThread) => port.postMessage(m);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

startEmulator(workerData as EmulatorOptions).then(emulator => {
  port.on('message', (m: ToEmulatorThread) => {
    if (m.type === 'stats') post({ type: 'stats', id: m.id, stats: { ...emulator.stats } });
    else emulator.stop().then(() => post({ type: 'stopped' }), (e: unknown) => post({ type: 'failed', message: `could not stop: ${messageOf(e)}` }));
  });
  post({ type: 'ready', url: emulator.url, credentials: emulator.credentials });
}, (e: unknown) => post({ type: 'failed', message: `could not start: ${messageOf(e)}` }));
