/**
 * The entry of the demo's emulator thread (see threadEmulator.ts): starts an emulator with the options it is given,
 * says where it listens, answers stats requests and stops when asked. Every failure goes back as a message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startEmulator, type EmulatorOptions } from '../emulator/index.js';
import type { FromEmulatorThread, ToEmulatorThread } from './threadEmulator.js';

const port = parentPort!;
const post = (m: FromEmulatorThread) => port.postMessage(m);

startEmulator(workerData as EmulatorOptions).then(emulator => {
  port.on('message', (m: ToEmulatorThread) => {
    if (m.type === 'stats') post({ type: 'stats', id: m.id, stats: { ...emulator.stats } });
    else emulator.stop().then(() => { post({ type: 'stopped' }); port.close(); }, (e: unknown) => post({ type: 'failed', message: String(e) }));
  });
  post({ type: 'ready', url: emulator.url, credentials: emulator.credentials });
}, (e: unknown) => post({ type: 'failed', message: e instanceof Error ? e.message : String(e) }));
