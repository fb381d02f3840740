/** multipart/form-data parsing for blob inserts (parts `entity_content`/`entity_document` and the binary field). */
import { SfHttpError } from '../types.js';

export interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export function boundaryOf(contentType: string | undefined): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  return m ? (m[1] ?? m[2]).trim() : undefined;
}

export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new SfHttpError(400, 'MALFORMED_REQUEST', 'Multipart body has no parts');
  while (pos >= 0) {
    let start = pos + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // closing delimiter
    if (body[start] === 0x0d) start += 2;
    else if (body[start] === 0x0a) start += 1;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new SfHttpError(400, 'MALFORMED_REQUEST', 'Multipart body is not terminated');
    let end = next;
    if (body[end - 1] === 0x0a) end--;
    if (body[end - 1] === 0x0d) end--;
    const chunk = body.subarray(start, end);
    let headerEnd = chunk.indexOf('\r\n\r\n');
    let sep = 4;
    if (headerEnd < 0) {
      headerEnd = chunk.indexOf('\n\n');
      sep = 2;
    }
    if (headerEnd < 0) throw new SfHttpError(400, 'MALFORMED_REQUEST', 'Multipart part without headers');
    const headers = chunk.subarray(0, headerEnd).toString('utf8');
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    parts.push({
      name: /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '',
      filename: /\bfilename="([^"]*)"/i.exec(disposition)?.[1],
      contentType: /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim(),
      data: chunk.subarray(headerEnd + sep),
    });
    pos = next;
  }
  return parts;
}
