/**
 * Result downloads as streams: file bytes are piped to the socket with backpressure, so a million-row result never
 * sits in the emulator's memory, and the job's files are held until the answer is sent or dropped.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RouteContext } from '../types.js';
import type { BulkEngine, Job } from './jobs.js';

/** Sends `chunks` as the 200 answer while holding the job's files. */
export function sendChunks(engine: BulkEngine, ctx: RouteContext, job: Job, chunks: AsyncIterable<string | Buffer>,
  contentType: string, headers: Record<string, string> = {}): void {
  const release = engine.hold(job);
  const body = Readable.from(chunks, { objectMode: false });
  body.once('close', release);
  if (ctx.stream) {
    ctx.stream(200, body, contentType, headers);
    return;
  }
  ctx.res.writeHead(200, { 'Content-Type': contentType, ...headers });
  pipeline(body, ctx.res).catch(() => undefined);
}

/** `prefix` then the bytes [start, end) of `file`. */
export async function* fileRange(file: string, start: number, end: number, prefix?: string): AsyncGenerator<Buffer> {
  if (prefix) yield Buffer.from(prefix);
  if (end <= start) return;
  yield* createReadStream(file, { start, end: end - 1, highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>;
}
