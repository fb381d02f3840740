import { lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { csvRows$, textChunks$ } from '../../../src/util/rx/text.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('util/rx text and CSV chunking', () => {
  it('decodes UTF-8 split across chunks of an async iterable', async () => {
    const euro = bytes('€'); // three bytes
    async function* body() { yield euro.slice(0, 1); yield euro.slice(1); yield bytes('!'); }
    expect((await lastValueFrom(textChunks$(body()).pipe(toArray()))).join('')).toBe('€!');
  });

  it('reads a WHATWG ReadableStream and cancels it when unsubscribed', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      // one chunk per macrotask, as a network body arrives
      pull: c => new Promise<void>(resolve => setTimeout(() => { c.enqueue(bytes('x')); resolve(); }, 1)),
      cancel: () => { cancelled = true; },
    });
    const sub = textChunks$(stream).subscribe();
    await new Promise(resolve => setTimeout(resolve, 5));
    sub.unsubscribe();
    await new Promise(resolve => setTimeout(resolve, 5));
    expect(cancelled).toBeTrue();
  });

  it('reports an unsupported body on the error channel, not as a throw', async () => {
    await expectAsync(lastValueFrom(textChunks$(42))).toBeRejectedWithError(TypeError, /Unsupported response body/);
  });

  it('emits each chunk’s completed rows keyed by header, lazily and per subscription (marbles)', () => {
    new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ expectObservable }) => {
      const rows$ = csvRows$('Id,Name\n1,Acme\n2,"Globex, Inc"\n');
      const expected = { r: [{ Id: '1', Name: 'Acme' }, { Id: '2', Name: 'Globex, Inc' }] };
      expectObservable(rows$).toBe('(r|)', expected);
      expectObservable(rows$).toBe('(r|)', expected);
    });
  });

  it('parses rows split across chunks and the last row without a line break', async () => {
    async function* body() { yield 'Id,Na'; yield 'me\n1,A'; yield 'cme\n2,B'; }
    const pages = await lastValueFrom(csvRows$(body()).pipe(toArray()));
    expect(pages.flat()).toEqual([{ Id: '1', Name: 'Acme' }, { Id: '2', Name: 'B' }]);
  });

  it('parses a body of bytes with a BOM and characters split across chunks, building rows with the given builder', async () => {
    const body = bytes('\ufeffsf__Id,Name\n001,Café\n002,"a ""b"""\n');
    async function* chunks() { for (let i = 0; i < body.length; i += 3) yield body.subarray(i, i + 3); }
    const pages = await lastValueFrom(csvRows$(chunks(), {}, header => (cells: string[]) => `${header[1]}=${cells[1]}`).pipe(toArray()));
    expect(pages.flat()).toEqual(['Name=Café', 'Name=a "b"']);
  });

  it('sends malformed CSV to the error channel', async () => {
    await expectAsync(lastValueFrom(csvRows$('Id,Name\n1,"unclosed\n'))).toBeRejected();
  });
});
