import { defer, from, map, of, type Observable } from 'rxjs';
import type { SObjectModel } from '../../model/index.js';

/** Binary content a record may carry in its blob field. */
export type BinaryContent = Uint8Array | Blob;

export function isBinary(value: unknown): value is BinaryContent {
  return value instanceof Uint8Array || (typeof Blob !== 'undefined' && value instanceof Blob);
}

/** The record's blob field and its bytes, when the model has a blob field and the record carries bytes in it. */
export function binaryOf(model: SObjectModel<any>, record: object): { field: string; content: BinaryContent } | undefined {
  const field = model.blobField;
  if (!field) return undefined;
  const content = (record as Record<string, unknown>)[field];
  return isBinary(content) ? { field, content } : undefined;
}

/** Reads bytes out of a Uint8Array or a Blob (a Blob is read only on subscribe). */
export function bytes$(content: BinaryContent): Observable<Uint8Array> {
  if (content instanceof Uint8Array) return of(content);
  return defer(() => from(content.arrayBuffer())).pipe(map((buffer) => new Uint8Array(buffer)));
}

/** The file name Salesforce stores with the content: PathOnClient (ContentVersion), else Name/Title, else the field. */
export function fileNameOf(record: object, field: string): string {
  const r = record as Record<string, unknown>;
  for (const key of ['PathOnClient', 'Name', 'Title']) {
    const value = r[key];
    if (typeof value === 'string' && value.trim() !== '') return value.split(/[\\/]/).pop() || value;
  }
  return field;
}

/** The JSON part's name: `entity_document` for Document, `entity_content` for every other object. */
export function entityPartName(apiName: string): string {
  return apiName.toLowerCase() === 'document' ? 'entity_document' : 'entity_content';
}

const encoder = new TextEncoder();

function quoted(value: string): string {
  // As browsers encode form-data names: quote, CR and LF are percent-encoded so the header cannot be split.
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function boundary(): string {
  const random = new Uint8Array(12);
  globalThis.crypto.getRandomValues(random);
  return `----rxforce${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * A multipart/form-data body for a blob insert or update: the fields as an `application/json` part, then the bytes
 * under the blob field's name with a filename. Built by hand rather than with FormData so the JSON part carries its
 * content type without the `filename="blob"` FormData gives every Blob part; the result is one buffer that both
 * the Node and browser transports send as is.
 */
export function multipartBody(
  jsonPartName: string,
  fields: Record<string, unknown>,
  blobField: string,
  fileName: string,
  content: Uint8Array,
): { data: Uint8Array; contentType: string } {
  const b = boundary();
  const head = encoder.encode(
    `--${b}\r\nContent-Disposition: form-data; name="${quoted(jsonPartName)}"\r\nContent-Type: application/json\r\n\r\n` +
      `${JSON.stringify(fields)}\r\n` +
      `--${b}\r\nContent-Disposition: form-data; name="${quoted(blobField)}"; filename="${quoted(fileName)}"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${b}--\r\n`);
  // One buffer that owns its whole ArrayBuffer: transports that send `view.buffer` then send exactly these bytes.
  const data = new Uint8Array(head.length + content.length + tail.length);
  data.set(head, 0);
  data.set(content, head.length);
  data.set(tail, head.length + content.length);
  return { data, contentType: `multipart/form-data; boundary=${b}` };
}
