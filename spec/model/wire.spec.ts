import {
  formatDatetime, formatNumber, normalizeTime, parseDatetime, toBase64, toCsvValue,
} from '../../src/model/index.js';

describe('wire conventions', () => {
  it('formats datetimes as Salesforce does', () => {
    expect(formatDatetime(new Date(Date.UTC(2013, 4, 20, 20, 49, 32)))).toBe('2013-05-20T20:49:32.000+0000');
    expect(formatDatetime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 67)))).toBe('2024-01-02T03:04:05.067+0000');
  });

  it('parses every documented offset form', () => {
    const at = Date.UTC(2013, 4, 20, 20, 49, 32);
    for (const s of ['2013-05-20T20:49:32.000+0000', '2013-05-20T20:49:32.000Z', '2013-05-20T20:49:32Z',
      '2013-05-20T21:49:32.000+01:00', '2013-05-20T21:49:32.000+0100', '2013-05-20T19:49:32.000-01', '2013-05-20T20:49:32']) {
      expect(parseDatetime(s)?.getTime()).withContext(s).toBe(at);
    }
    for (const s of ['2013-05-20', '2013-13-20T00:00:00Z', 'soon', '2013-05-20T24:00:00Z']) {
      expect(parseDatetime(s)).withContext(s).toBeUndefined();
    }
  });

  it('completes times to HH:mm:ss.SSSZ', () => {
    expect(normalizeTime('08:30')).toBe('08:30:00.000Z');
    expect(normalizeTime('08:30:15.5')).toBe('08:30:15.500Z');
    expect(normalizeTime('23:59:59.999Z')).toBe('23:59:59.999Z');
    expect(normalizeTime('24:00')).toBeUndefined();
  });

  it('writes numbers without exponent', () => {
    expect(formatNumber(1e21)).toBe('1000000000000000000000');
    expect(formatNumber(1e-7)).toBe('0.0000001');
    expect(formatNumber(-12.5)).toBe('-12.5');
  });

  it('encodes base64 for every tail length', () => {
    const enc = (s: string) => toBase64(new TextEncoder().encode(s));
    expect(enc('')).toBe('');
    expect(enc('f')).toBe('Zg==');
    expect(enc('fo')).toBe('Zm8=');
    expect(enc('foo')).toBe('Zm9v');
    expect(toBase64(new Uint8Array([0xff, 0xfe, 0x00, 0x80]))).toBe('//4AgA==');
  });

  it('CSV cells: #N/A for null, ISO datetimes, joined multipicklists', () => {
    expect(toCsvValue(null)).toBe('#N/A');
    expect(toCsvValue('')).toBe('#N/A');
    expect(toCsvValue(undefined)).toBe('');
    expect(toCsvValue(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))).toBe('2024-01-02T03:04:05.000Z');
    expect(toCsvValue(['a', 'b'])).toBe('a;b');
    expect(toCsvValue(true)).toBe('true');
    expect(toCsvValue(2.5e21)).toBe('2500000000000000000000');
    expect(toCsvValue('2024-01-02')).toBe('2024-01-02');
  });
});
