import { createRandom } from '../../src/emulator/prng.js'; // seeded, so a failing case can be replayed
import { CSV_NULL, CsvByteChunkParser, CsvChunkParser, csvLineWriter, flattenRecord, parseCsv, stringifyRows, toCsvCell, utf8Length } from '../../src/util/csv.js';

const ALPHABET = ['a', 'Z', '0', ' ', ',', '"', '""', '\n', '\r\n', '\r', ';', '\t', '|', 'é', '日本', '😀', CSV_NULL, '\u00a0'];
const ALPHABET_ALL = [...ALPHABET, '^', '`', '\ufeff', '\\', '-', ']'];
const randomCell = (rnd: () => number, alphabet = ALPHABET): string => {
  const n = Math.floor(rnd() * 8);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
  return s;
};

/** A row of one empty cell is an empty line, which CSV cannot tell from no row: such rows are left out of comparisons. */
const withoutEmptyLines = (rows: string[][]): string[][] => rows.filter(r => !(r.length === 1 && r[0] === ''));

/** Feeds `length` units to a parser in random pieces of 1 to 9 (`push(from, to)`), then `end()`: every row it gave. */
function inRandomPieces(length: number, rnd: () => number, push: (from: number, to: number) => string[][], end: () => string[][]): string[][] {
  const rows: string[][] = [];
  for (let i = 0; i < length;) {
    const n = 1 + Math.floor(rnd() * 9);
    rows.push(...push(i, i + n));
    i += n;
  }
  rows.push(...end());
  return rows;
}

describe('csv codec', () => {
  for (const delimiter of ['COMMA', 'TAB', 'PIPE', 'SEMICOLON'] as const) {
    for (const lineEnding of ['LF', 'CRLF'] as const) {
      it(`round-trips random cells with quotes, delimiters, CR/LF, unicode and #N/A (${delimiter}, ${lineEnding})`, () => {
        const rnd = createRandom(0xc5 ^ v(delimiter, lineEnding));
        for (let round = 0; round < 40; round++) {
          const width = 1 + Math.floor(rnd() * 5);
          const rows = Array.from({ length: 1 + Math.floor(rnd() * 20) }, () => Array.from({ length: width }, () => randomCell(rnd)));
          const text = stringifyRows(rows, { columnDelimiter: delimiter, lineEnding });
          const expected = withoutEmptyLines(rows);
          const whole = withoutEmptyLines(parseCsv(text, { columnDelimiter: delimiter }));
          expect(whole).withContext(`round ${round}: ${JSON.stringify(text)}`).toEqual(expected);
          // the same text fed in random chunks parses to the same rows
          const parser = new CsvChunkParser({ columnDelimiter: delimiter });
          const chunked = inRandomPieces(text.length, rnd, (from, to) => parser.push(text.slice(from, to)), () => parser.end());
          expect(withoutEmptyLines(chunked)).withContext(`chunked round ${round}`).toEqual(expected);
          // and its UTF-8 bytes (a BOM first, every other round), cut anywhere, even inside a character
          const bytes = new TextEncoder().encode(round % 2 ? `\ufeff${text}` : text);
          const byteParser = new CsvByteChunkParser({ columnDelimiter: delimiter });
          const fromBytes = inRandomPieces(bytes.length, rnd, (from, to) => byteParser.push(bytes.subarray(from, to)), () => byteParser.end());
          expect(withoutEmptyLines(fromBytes)).withContext(`bytes round ${round}`).toEqual(expected);
        }
      });
    }
  }

  it('writes each record line by line exactly as csv-stringify writes the rows, for every delimiter and line ending', () => {
    const rnd = createRandom(0x11e);
    for (const delimiter of ['COMMA', 'TAB', 'PIPE', 'SEMICOLON', 'CARET', 'BACKQUOTE'] as const) {
      for (const lineEnding of ['LF', 'CRLF'] as const) {
        const write = csvLineWriter({ columnDelimiter: delimiter, lineEnding });
        for (let round = 0; round < 30; round++) {
          const width = 1 + Math.floor(rnd() * 5);
          const rows = Array.from({ length: 1 + Math.floor(rnd() * 10) }, () => Array.from({ length: width }, () => randomCell(rnd, ALPHABET_ALL)));
          const expected = stringifyRows(rows, { columnDelimiter: delimiter, lineEnding });
          expect(rows.map(write).join('')).withContext(`${delimiter} ${lineEnding} round ${round}`).toBe(expected);
        }
      }
    }
  });

  it('refuses a symbol or a function as a cell instead of writing nothing', () => {
    expect(() => toCsvCell(Symbol('s'))).toThrowError(TypeError, /symbol/);
    expect(() => toCsvCell(() => 1)).toThrowError(TypeError, /function/);
  });

  it('quotes a cell holding the delimiter, a quote or a line break, and doubles inner quotes', () => {
    expect(stringifyRows([['a,b', 'say "hi"', 'l1\nl2', 'plain']])).toBe('"a,b","say ""hi""","l1\nl2",plain\n');
    expect(stringifyRows([['a', 'b']], { lineEnding: 'CRLF' })).toBe('a,b\r\n');
  });

  it('writes null as #N/A, undefined as an empty (ignored) cell, and Salesforce value formats', () => {
    expect(toCsvCell(null)).toBe('#N/A');
    expect(toCsvCell(undefined)).toBe('');
    expect(toCsvCell(true)).toBe('true');
    expect(toCsvCell(12.5)).toBe('12.5');
    expect(toCsvCell(new Date(Date.UTC(2013, 4, 20, 20, 49, 32)))).toBe('2013-05-20T20:49:32.000Z');
    expect(toCsvCell(['Red', 'Blue'])).toBe('Red;Blue');
    expect(toCsvCell('2024-02-29')).toBe('2024-02-29');
  });

  it('flattens parent references into relationship columns and drops attributes', () => {
    expect(flattenRecord({ attributes: { type: 'Contact' }, LastName: 'Li', Account: { External_Id__c: 'X-1' }, Owner: { Email: 'a@b.c' } }))
      .toEqual({ LastName: 'Li', 'Account.External_Id__c': 'X-1', 'Owner.Email': 'a@b.c' });
  });

  it('counts UTF-8 bytes as Salesforce sizes uploads', () => {
    for (const s of ['abc', 'é', '日本', '😀', 'a😀é\n']) expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
  });

  it('parses bytes arriving in big chunks as the whole text parses, keeping a BOM-like character that is not at the start', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => [`00${i}`, i % 7 ? `Name ${i} é😀` : `"quoted", ${i}\nline`, i % 11 ? '' : '\ufeffx']);
    const bytes = new TextEncoder().encode(stringifyRows([['Id', 'Name', 'Note'], ...rows]));
    const parser = new CsvByteChunkParser();
    const out: string[][] = [];
    for (let i = 0; i < bytes.length; i += 65_536) out.push(...parser.push(bytes.subarray(i, i + 65_536)));
    out.push(...parser.end());
    expect(out).toEqual([['Id', 'Name', 'Note'], ...rows]);
  });

  it('rejects CSV that ends inside a quoted value', () => {
    const parser = new CsvChunkParser();
    parser.push('Name\n"unterminated');
    expect(() => parser.end()).toThrowError(SyntaxError);
    const byteParser = new CsvByteChunkParser();
    byteParser.push(new TextEncoder().encode('Name\n"unterminated'));
    expect(() => byteParser.end()).toThrowError(SyntaxError);
  });
});

function v(delimiter: string, lineEnding: string): number {
  let h = 0;
  for (const c of delimiter + lineEnding) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}
