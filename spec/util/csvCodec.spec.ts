import { parse as csvParse } from 'csv-parse/sync';
import { stringify as csvStringify } from 'csv-stringify/sync';
import { createRandom } from '../../src/emulator/prng.js'; // seeded, so a failing case can be replayed
import { CsvSyntaxError, parseCsvText, stringifyCsvRows } from '../../src/util/csvCodec.js';
import { csvEngine as browserEngine } from '../../src/util/csvEngine.browser.js';
import { csvEngine as nodeEngine } from '../../src/util/csvEngine.js';

/** Pieces that make CSV tricky: delimiters, quotes, every line break, spaces around quotes, BOM-like and wide text. */
const PIECES = ['a', 'Z', '0', ' ', ',', ';', '\t', '|', '"', '""', '\n', '\r\n', '\r', 'é', '日本', '😀', '#N/A', '\u00a0', '\ufeff', ' "'];
const DELIMS = [',', ';', '\t', '|', '^', '`'];

const cell = (rnd: () => number): string => {
  let s = '';
  for (let n = Math.floor(rnd() * 7); n > 0; n--) s += PIECES[Math.floor(rnd() * PIECES.length)];
  return s;
};
const table = (rnd: () => number, ragged: boolean): string[][] => {
  const width = 1 + Math.floor(rnd() * 5);
  return Array.from({ length: 1 + Math.floor(rnd() * 12) },
    () => Array.from({ length: ragged ? 1 + Math.floor(rnd() * 5) : width }, () => cell(rnd)));
};
/** What csv-parse answers, or the error code it throws. */
const reference = (text: string, delimiter: string): string[][] | string => {
  try { return csvParse(text, { delimiter, bom: true, relax_column_count: true }) as string[][]; } catch (e) { return String((e as { code?: string }).code ?? e); }
};
const ours = (text: string, delimiter: string): string[][] | string => {
  try { return parseCsvText(text, delimiter); } catch (e) { return e instanceof CsvSyntaxError ? 'error' : String(e); }
};
/** csv-parse's error codes are its own; the spec only needs both sides to refuse the same texts. */
const sameVerdict = (a: string[][] | string, b: string[][] | string): boolean =>
  typeof a === 'string' && typeof b === 'string' ? true : JSON.stringify(a) === JSON.stringify(b);

describe('RFC 4180 codec (browser build)', () => {
  describe('parse', () => {
    it('reads quoted fields, doubled quotes, and delimiters and line breaks inside quotes', () => {
      expect(parseCsvText('Name,Note\r\n"Acme, Inc.","said ""hi""\r\nthen left"\r\nBeta,\r\n')).toEqual([
        ['Name', 'Note'], ['Acme, Inc.', 'said "hi"\r\nthen left'], ['Beta', ''],
      ]);
    });

    it('ends records at CRLF, LF or a lone CR, adds none for a final line break, and keeps an empty line as one empty field', () => {
      expect(parseCsvText('a,b\nc,d')).toEqual([['a', 'b'], ['c', 'd']]);
      expect(parseCsvText('a,b\r\nc,d\r\n')).toEqual([['a', 'b'], ['c', 'd']]);
      expect(parseCsvText('a\rb\r')).toEqual([['a'], ['b']]);
      expect(parseCsvText('a\n\nb\n')).toEqual([['a'], [''], ['b']]);
      expect(parseCsvText('a,\n,')).toEqual([['a', ''], ['', '']]);
    });

    it('drops a byte order mark at the start only', () => {
      expect(parseCsvText('\ufeffId,Name\n1,x\n')).toEqual([['Id', 'Name'], ['1', 'x']]);
      expect(parseCsvText('\ufeff"Id"\n')).toEqual([['Id']]);
      expect(parseCsvText('a\n\ufeffb\n')).toEqual([['a'], ['\ufeffb']]);
      expect(parseCsvText('\ufeff')).toEqual([]);
    });

    it('reads rows of different widths and any one-character delimiter', () => {
      expect(parseCsvText('a|b|c\nd\n"e|f"|\n', '|')).toEqual([['a', 'b', 'c'], ['d'], ['e|f', '']]);
      expect(parseCsvText('a\tb\n', '\t')).toEqual([['a', 'b']]);
    });

    it('refuses malformed text with an error naming the line', () => {
      expect(() => parseCsvText('Id,Name\n1,"open\nstill open')).toThrowMatching(e => e instanceof CsvSyntaxError && e.line === 2 && /ends inside a quoted field/.test(e.message));
      expect(() => parseCsvText('Id\n1\nab"c\n')).toThrowMatching(e => e instanceof CsvSyntaxError && e.line === 3 && /quote inside an unquoted field/.test(e.message));
      expect(() => parseCsvText('"a\nb"x,c')).toThrowMatching(e => e instanceof CsvSyntaxError && e.line === 2 && /followed by "x"/.test(e.message));
      expect(() => parseCsvText('"a" ,b')).toThrowError(CsvSyntaxError);
      expect(() => parseCsvText('a,b', '"')).toThrowError(TypeError, /delimiter/);
      expect(() => parseCsvText('a,b', ',,')).toThrowError(TypeError, /delimiter/);
    });

    it('reads what csv-parse reads, and refuses what it refuses, on generated tricky texts', () => {
      const rnd = createRandom(0x4180);
      let refused = 0;
      for (let round = 0; round < 600; round++) {
        const delimiter = DELIMS[round % DELIMS.length];
        const eol = ['\n', '\r\n', '\r'][Math.floor(rnd() * 3)];
        let text = csvStringify(table(rnd, rnd() < 0.5), { delimiter, record_delimiter: eol, quoted_match: /[\r\n]/ });
        const mutation = rnd();
        if (mutation < 0.15) text = text.slice(0, -eol.length);                       // no final line break
        else if (mutation < 0.25) text = `\ufeff${text}`;                               // byte order mark
        else if (mutation < 0.35) text = text.replace(eol, eol + eol);                  // an empty line
        else if (mutation < 0.55) {                                                     // one character cut or added
          const chars = Array.from(text);                                               // whole code points
          const at = Math.floor(rnd() * (chars.length + 1));
          chars.splice(at, rnd() < 0.5 ? 1 : 0, ...(rnd() < 0.5 ? [] : ['"']));
          text = chars.join('');
          // csv-parse learns the line break from the first it meets; our codec takes all three. Compare texts where
          // both must agree: one kind of line break outside quotes.
          if (eol !== '\r' && /\r(?!\n)/.test(text.replace(/"(?:[^"]|"")*"/g, ''))) continue;
          if (eol === '\r' && /\n/.test(text.replace(/"(?:[^"]|"")*"/g, ''))) continue;
          if (eol === '\n' && /\r\n/.test(text.replace(/"(?:[^"]|"")*"/g, ''))) continue;
        }
        const expected = reference(text, delimiter);
        const actual = ours(text, delimiter);
        if (typeof expected === 'string') refused++;
        expect(sameVerdict(actual, expected)).withContext(`round ${round} ${JSON.stringify(text)} (${JSON.stringify(delimiter)}): ours ${JSON.stringify(actual)}, csv-parse ${JSON.stringify(expected)}`).toBeTrue();
      }
      expect(refused).withContext('the generated texts include malformed ones').toBeGreaterThan(10);
    });
  });

  describe('stringify', () => {
    it('quotes only cells holding the delimiter, a quote, CR or LF or starting with a BOM, doubling inner quotes, and ends every record', () => {
      expect(stringifyCsvRows([['Id', 'Note'], ['1', 'a,b'], ['2', 'say "x"'], ['3', 'line\nbreak'], ['4', 'cr\ronly'], ['5', ' pad ']]))
        .toBe('Id,Note\n1,"a,b"\n2,"say ""x"""\n3,"line\nbreak"\n4,"cr\ronly"\n5, pad \n');
      expect(stringifyCsvRows([['a|b', 'c,d']], '|', '\r\n')).toBe('"a|b"|c,d\r\n');
      expect(stringifyCsvRows([['^', ']', '\\']], '^')).toBe('"^"^]^\\\n');
      expect(stringifyCsvRows([])).toBe('');
      // a first cell starting with U+FEFF would otherwise be read back as a byte order mark and lose it
      expect(stringifyCsvRows([['\ufeffId', 'a\ufeff']])).toBe('"\ufeffId",a\ufeff\n');
      expect(parseCsvText(stringifyCsvRows([['\ufeffId']]))).toEqual([['\ufeffId']]);
    });

    it('writes what csv-stringify writes, and parses back to the same rows', () => {
      const rnd = createRandom(0x4181);
      for (let round = 0; round < 400; round++) {
        const delimiter = DELIMS[round % DELIMS.length];
        const eol = rnd() < 0.5 ? '\n' : '\r\n';
        const rows = table(rnd, rnd() < 0.5);
        const text = stringifyCsvRows(rows, delimiter, eol);
        expect(text).withContext(`round ${round}`).toBe(csvStringify(rows, { delimiter, record_delimiter: eol === '\n' ? 'unix' : 'windows', quoted_match: [/[\r\n]/, /^\ufeff/] }));
        // a row of one empty cell is written as an empty line, which reads back as one empty field: the same row
        expect(parseCsvText(text, delimiter)).withContext(`round ${round} ${JSON.stringify(text)}`).toEqual(rows);
      }
    });
  });

  it('the browser and Node engines read and write the same text', () => {
    const rnd = createRandom(0x4182);
    for (let round = 0; round < 200; round++) {
      const delimiter = DELIMS[round % DELIMS.length];
      const eol = rnd() < 0.5 ? '\n' : '\r\n';
      const rows = table(rnd, true);
      const text = nodeEngine.stringify(rows, delimiter, eol);
      expect(browserEngine.stringify(rows, delimiter, eol)).withContext(`round ${round}`).toBe(text);
      expect(browserEngine.parse(text, delimiter)).withContext(`round ${round}`).toEqual(nodeEngine.parse(text, delimiter));
    }
  });
});
