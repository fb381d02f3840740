/**
 * How a bulk upload part travels in Node (src/sources/bulk/transfer.ts, chosen by entry point): a big part as a
 * stream of its UTF-8 bytes with a known length, a small one as text; either way the bytes are the part's CSV.
 */
import { lastValueFrom, Observable, of, toArray } from 'rxjs';
import { parseCsv, stringifyRows } from '../../../src/util/csv.js';
import { uploadParts$, type PartBody } from '../../../src/sources/bulk/upload.js';

/** Rows handed out `max` at a time as CSV lines, then an empty batch: the end of the input. */
function puller(rows: string[][]) {
  let next = 0;
  return (max: number) => {
    const batch = rows.slice(next, next + max).map(row => stringifyRows([row]));
    next += batch.length;
    return of(batch);
  };
}

async function bytesOf(body: PartBody): Promise<Buffer> {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Blob) return Buffer.from(await body.arrayBuffer());
  const chunks: Buffer[] = [];
  for await (const chunk of body.stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

describe('bulk upload parts in Node', () => {
  const header = ['Name', 'Description'];

  it('sends a part bigger than a text piece as a byte stream whose length and bytes are the CSV', async () => {
    // ~3 MB of CSV with multi-byte characters, in one part
    const rows = Array.from({ length: 3000 }, (_, i) => [`Account ${i}`, `é”${'x'.repeat(1000)}, "quoted"`]);
    const bodies: PartBody[] = [];
    const progress = await lastValueFrom(uploadParts$({
      pull: puller(rows), header: stringifyRows([header]), partSizeBytes: 100 * 1024 * 1024,
      put: body => { bodies.push(body); return of(undefined); },
    }).pipe(toArray()));

    expect(bodies.length).toBe(1);
    const body = bodies[0]!;
    expect(typeof body === 'object' && !(body instanceof Blob)).withContext('travels as a stream').toBeTrue();
    const expected = Buffer.from(stringifyRows([header, ...rows]), 'utf8');
    const sent = await bytesOf(body);
    expect(sent.equals(expected)).toBeTrue();
    expect((body as { bytes: number }).bytes).toBe(expected.length);
    expect(progress).toEqual([{ type: 'upload', bytes: expected.length, records: 3000 }]);
  });

  it('keeps every byte of each part when the next parts are written over the pieces of the stored ones', async () => {
    // ~3.7 MB in parts of at most 1.5 MB (two pieces each), each read by the "org" a macrotask after it was sent, before it is stored
    const rows = Array.from({ length: 7000 }, (_, i) => [`Account ${i}`, `${'ü'.repeat(i % 7)}${String(i).repeat(1 + (i % 300))}`, i % 5 ? 'x' : 'a\n"b"']);
    const partSizeBytes = 1.5 * 1024 * 1024;
    const sent: Buffer[] = [];
    const progress = await lastValueFrom(uploadParts$({
      pull: puller(rows), header: stringifyRows([header.concat('Note')]), partSizeBytes,
      put: body => new Observable<void>(s => {
        setTimeout(() => { void bytesOf(body).then(b => { sent.push(b); s.complete(); }, (e: unknown) => s.error(e)); }, 1);
      }),
    }).pipe(toArray()));

    expect(sent.length).toBeGreaterThanOrEqual(3);
    const headerLine = stringifyRows([header.concat('Note')]);
    let next = 0;
    for (const part of sent) {
      expect(part.length).toBeLessThanOrEqual(partSizeBytes);
      const text = part.toString('utf8');
      expect(text.startsWith(headerLine)).toBeTrue();
      const count = parseCsv(text).length - 1;
      expect(text).toBe(headerLine + stringifyRows(rows.slice(next, next + count)));
      next += count;
    }
    expect(next).toBe(rows.length);
    expect(progress.at(-1)).toEqual({ type: 'upload', bytes: sent.reduce((n, b) => n + b.length, 0), records: rows.length });
  });

  it('sends a small part as text', async () => {
    const rows = [['Acme', 'a "quoted" value'], ['Globex', 'ü']];
    const bodies: PartBody[] = [];
    await lastValueFrom(uploadParts$({
      pull: puller(rows), header: stringifyRows([header]), partSizeBytes: 1024,
      put: body => { bodies.push(body); return of(undefined); },
    }));
    expect(bodies).toEqual([stringifyRows([header, ...rows])]);
  });
});
