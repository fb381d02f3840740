import { defer, lastValueFrom, map, type Observable } from 'rxjs';
import { resolveClient } from '../../client/client.js';
import type { SfRequest } from '../../client/types.js';
import type { SourceOptions } from '../options.js';
import { invalid } from '../internal/invalid.js';
import { apiNameOf, blobFieldOf, checkedId, sobjectPath, type SObjectTarget } from '../internal/target.js';

export interface DownloadFileOptions extends SourceOptions {
  /** The blob field to read. Default: the model's blob field (VersionData for ContentVersion, Body for Attachment and Document). */
  field?: string;
}

/** The GET of a record's blob field (`/sobjects/{T}/{id}/{field}`), checked before any request. */
export function blobRequest(target: SObjectTarget, id: string, opts: DownloadFileOptions): SfRequest {
  const recordId = checkedId(target, id);
  const field = opts.field ?? blobFieldOf(target);
  if (!field) {
    throw invalid(`${apiNameOf(target)} has no blob field; pass { field }`, { sobject: apiNameOf(target) });
  }
  return { method: 'GET', path: `${sobjectPath(target)}/${recordId}/${encodeURIComponent(field)}` };
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data === undefined || data === null) return new Uint8Array(0);
  throw new TypeError('Blob response was neither bytes nor text');
}

/**
 * Reads a file's content (ContentVersion.VersionData, Attachment.Body, Document.Body …) into memory, byte-exact.
 * For large files in Node, `downloadFileToPath$` from `rxforce/node` streams to disk instead.
 *
 * @example
 * import { downloadFile$ } from 'rxforce';
 * downloadFile$('ContentVersion', versionId, { client }).subscribe(bytes => console.log(bytes.length));
 *
 * @returns a cold Observable of the bytes; unsubscribing aborts the download
 */
export function downloadFile$(target: SObjectTarget, id: string, opts: DownloadFileOptions = {}): Observable<Uint8Array> {
  return defer(() => {
    const req = blobRequest(target, id, opts);
    const client = resolveClient(opts.client);
    return client.request$<unknown>({ ...req, responseType: 'arraybuffer' }).pipe(map((res) => toBytes(res.data)));
  });
}

/** Promise twin of {@link downloadFile$}. */
export function downloadFile(target: SObjectTarget, id: string, opts: DownloadFileOptions = {}): Promise<Uint8Array> {
  return lastValueFrom(downloadFile$(target, id, opts));
}
