/**
 * How a bulk upload part travels in Node (src/sources/bulk/transfer.ts, chosen by entry point): a big part as a
 * stream of its UTF-8 bytes with a known length, a small one as text; either way the bytes are the part's CSV.
 */
import { lastValueFrom, of, toArray } from 'rxjs';
import { stringifyRows } from '../../../src/util/csv.js';
import { uploadParts$, type PartBody } from '../../../src/sources/bulk/upload.js';

/** Rows handed out `max` at a time, then an empty batch: the end of the input. */
function puller(rows: string[][]) {
  let next = 0;
  return (max: number) => {
    const batch = rows.slice(next, next + max);
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
      pull: puller(rows), header, dialect: {}, partSizeBytes: 100 * 1024 * 1024,
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

  it('sends a small part as text', async () => {
    const rows = [['Acme', 'a "quoted" value'], ['Globex', 'ü']];
    const bodies: PartBody[] = [];
    await lastValueFrom(uploadParts$({
      pull: puller(rows), header, dialect: {}, partSizeBytes: 1024,
      put: body => { bodies.push(body); return of(undefined); },
    }));
    expect(bodies).toEqual([stringifyRows([header, ...rows])]);
  });
});
