import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { concatMap, defer, lastValueFrom, Observable } from 'rxjs';
import { resolveClient } from '../client/client.js';
import { blobRequest, type DownloadFileOptions } from '../sources/records/downloadFile.js';
import type { SObjectTarget } from '../sources/internal/target.js';

/** Where a download landed. */
export interface DownloadedFile {
  path: string;
  bytes: number;
}

function toReadable(data: unknown): Readable {
  if (data instanceof Readable) return data;
  if (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) return Readable.fromWeb(data as never);
  if (data instanceof Uint8Array || typeof data === 'string') return Readable.from([data]);
  throw new TypeError('Blob response was not a stream');
}

/** Streams a body to a file; unsubscribing stops the copy (closing the connection) and removes the partial file. */
function writeTo(path: string, data: unknown): Observable<DownloadedFile> {
  return new Observable<DownloadedFile>((subscriber) => {
    const controller = new AbortController();
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    pipeline(toReadable(data), counter, createWriteStream(path), { signal: controller.signal }).then(
      () => {
        subscriber.next({ path, bytes });
        subscriber.complete();
      },
      (err: unknown) => {
        void rm(path, { force: true }).finally(() => {
          if (!controller.signal.aborted) subscriber.error(err);
        });
      },
    );
    return () => controller.abort();
  });
}

/**
 * Streams a file's content (ContentVersion.VersionData, Attachment.Body, Document.Body …) to a path on disk without
 * holding it in memory. A failed or cancelled download leaves no partial file behind.
 *
 * @example
 * import { downloadFileToPath$ } from 'rxforce/node';
 * downloadFileToPath$('ContentVersion', versionId, './report.pdf', { client }).subscribe(f => console.log(f.bytes));
 *
 * @returns a cold Observable of `{ path, bytes }` once the file is complete
 */
export function downloadFileToPath$(
  target: SObjectTarget,
  id: string,
  path: string,
  opts: DownloadFileOptions = {},
): Observable<DownloadedFile> {
  return defer(() => {
    const req = blobRequest(target, id, opts);
    const client = resolveClient(opts.client);
    return client.request$<unknown>({ ...req, responseType: 'stream' }).pipe(concatMap((res) => writeTo(path, res.data)));
  });
}

/** Promise twin of {@link downloadFileToPath$}. */
export function downloadFileToPath(target: SObjectTarget, id: string, path: string, opts: DownloadFileOptions = {}): Promise<DownloadedFile> {
  return lastValueFrom(downloadFileToPath$(target, id, path, opts));
}
