/**
 * Job data uploads: a PUT body is streamed straight to a file (never held whole in memory, so a 100 MB CSV is
 * fine), gzip bodies inflated on the way; multipart job creation is split into its `job` and `content` parts.
 */
import { createWriteStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { SfHttpError } from '../types.js';

/** Streams a request body into `file`; returns the number of bytes written. */
export async function streamBodyTo(req: IncomingMessage, file: string): Promise<number> {
  const out = createWriteStream(file);
  const gzip = /gzip/i.test(String(req.headers['content-encoding'] ?? ''));
  try {
    if (gzip) await pipeline(req, createGunzip(), out);
    else await pipeline(req, out);
  } catch (e) {
    await rm(file, { force: true });
    // a corrupt gzip body is the client's fault (400), not an internal error (wording unconfirmed)
    if (/^Z_/.test(String((e as { code?: unknown }).code))) {
      throw new SfHttpError(400, 'INVALIDREQUEST', 'The request body could not be decompressed as gzip');
    }
    throw e;
  }
  return out.bytesWritten;
}

export interface MultipartPart {
  name: string;
  contentType: string;
  data: Buffer;
}

/** Splits a multipart/form-data (or multipart/mixed) body into its named parts. */
export function multipartParts(body: Buffer, contentType: string): MultipartPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!m) throw new SfHttpError(400, 'INVALIDREQUEST', 'Missing multipart boundary');
  const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
  const parts: MultipartPart[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    let chunk = body.subarray(start, next);
    if (chunk.subarray(0, 2).toString() === '\r\n') chunk = chunk.subarray(2);
    if (chunk.subarray(-2).toString() === '\r\n') chunk = chunk.subarray(0, -2);
    const split = chunk.indexOf('\r\n\r\n');
    const head = split >= 0 ? chunk.subarray(0, split).toString() : '';
    const data = split >= 0 ? chunk.subarray(split + 4) : Buffer.alloc(0);
    const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
    const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? '';
    parts.push({ name, contentType: type.trim(), data });
    at = next;
  }
  return parts;
}

export async function writeUpload(file: string, data: Buffer): Promise<void> {
  await writeFile(file, data);
}
