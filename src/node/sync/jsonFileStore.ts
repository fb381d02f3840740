import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Checkpoint, CheckpointStore } from '../../sync/index.js';

interface FileShape {
  checkpoints: Record<string, Checkpoint>;
}

/**
 * Checkpoints in one JSON file, for a consumer that applies events somewhere without a transaction of its own. A save
 * writes a temporary file beside it, flushes it to disk, renames it over the old one and flushes the directory, so a
 * crash leaves either the old file or the new one, never half of one. Saves are applied one after another.
 *
 * @example
 * import { jsonFileCheckpointStore } from 'rxforce/node';
 * const store = jsonFileCheckpointStore('checkpoints.json');
 * replicate$('Account', { client, checkpoint: store }).pipe(
 *   concatMap(async e => { await apply(e); if (e.type === 'checkpoint') await store.save(e.checkpoint); }),
 * ).subscribe();
 */
export function jsonFileCheckpointStore(path: string): CheckpointStore {
  if (typeof path !== 'string' || path === '') throw new TypeError('jsonFileCheckpointStore needs a file path');
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  const read = async (): Promise<FileShape> => {
    let text: string;
    try {
      text = await fs.readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints: {} };
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new Error(`${path}: not a checkpoint file (${(err as Error).message})`);
    }
    const checkpoints = (parsed as Partial<FileShape> | null)?.checkpoints;
    if (typeof checkpoints !== 'object' || checkpoints === null) throw new Error(`${path}: not a checkpoint file (no "checkpoints" object)`);
    return { checkpoints };
  };

  const write = async (content: FileShape): Promise<void> => {
    const dir = dirname(path);
    const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(content, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
    const d = await fs.open(dir, 'r');
    try { await d.sync(); } catch { /* some file systems cannot sync a directory */ } finally { await d.close(); }
  };

  return {
    load: object => serial(async () => {
      const file = await read();
      const key = Object.keys(file.checkpoints).find(k => k.toLowerCase() === object.toLowerCase());
      return key === undefined ? undefined : file.checkpoints[key];
    }),
    save: checkpoint => serial(async () => {
      const file = await read();
      for (const k of Object.keys(file.checkpoints)) if (k.toLowerCase() === checkpoint.object.toLowerCase()) delete file.checkpoints[k];
      file.checkpoints[checkpoint.object] = checkpoint;
      await write(file);
    }),
  };
}
