import { idChecksum, isValidId, keyPrefixOf, normalizeId, sameId, STANDARD_KEY_PREFIXES, to15, to18 } from '../../src/util/ids.js';

describe('record ids', () => {
  // the first pair is from Salesforce's REST documentation; the others were worked out by hand, chunk by chunk
  const pairs: Array<[string, string]> = [
    ['001D000000IqhSL', '001D000000IqhSLIAZ'],
    ['001900K0001pPuO', '001900K0001pPuOACU'],
    ['0016g00000XYZab', '0016g00000XYZabAAH'],
    ['005000000000000', '005000000000000AAA'],
    ['a0B5e00000ABCDE', 'a0B5e00000ABCDEEA5'],
  ];

  it('converts 15 → 18 with the case-safe checksum', () => {
    for (const [id15, id18] of pairs) expect(to18(id15)).withContext(id15).toBe(id18);
  });

  it('converts 18 → 15 and leaves an 18-character id unchanged by to18', () => {
    for (const [id15, id18] of pairs) {
      expect(to15(id18)).toBe(id15);
      expect(to18(id18)).toBe(id18);
      expect(to15(id15)).toBe(id15);
    }
  });

  it('computes the suffix one 5-character chunk at a time, a bit per upper-case letter', () => {
    expect(idChecksum('AAAAAAAAAAAAAAA')).toBe('555');
    expect(idChecksum('aaaaaaaaaaaaaaa')).toBe('AAA');
    expect(idChecksum('Aaaaa' + 'aAaaa' + 'aaaaA')).toBe('BCQ');
  });

  it('restores the case of an 18-character id that was upper- or lower-cased elsewhere', () => {
    expect(to15('001D000000IQHSLIAZ')).toBe('001D000000IqhSL');
    expect(normalizeId('001d000000iqhsliaz')).toBe('001D000000IqhSLIAZ');
    expect(normalizeId('001D000000IqhSL')).toBe('001D000000IqhSLIAZ');
  });

  it('validates charset, length and checksum', () => {
    expect(isValidId('001D000000IqhSL')).toBeTrue();
    expect(isValidId('001D000000IqhSLIAZ')).toBeTrue();
    expect(isValidId('001D000000IqhSLiaz')).toBeTrue(); // the suffix itself is case-insensitive
    expect(isValidId('001D000000IqhSLIAA')).toBeFalse(); // wrong checksum
    expect(isValidId('001900K0001pPuOAAU')).toBeFalse(); // the MALFORMED_ID example of the REST docs
    expect(isValidId('001D000000IqhS')).toBeFalse();
    expect(isValidId('001D000000IqhSLIA')).toBeFalse();
    expect(isValidId('001D000000Iqh-L')).toBeFalse();
    expect(isValidId("001D000000IqhS'")).toBeFalse();
    expect(isValidId(42)).toBeFalse();
    expect(isValidId(undefined)).toBeFalse();
  });

  it('rejects invalid ids with a TypeError naming the value', () => {
    expect(() => to18('nope')).toThrowError(TypeError, /"nope"/);
    expect(() => to15('001D000000IqhSLIAA')).toThrowError(TypeError);
    expect(() => normalizeId('001D000000Iqh L')).toThrowError(TypeError);
  });

  it('compares 15 and 18 character forms of the same record', () => {
    expect(sameId('001D000000IqhSL', '001D000000IqhSLIAZ')).toBeTrue();
    expect(sameId('001D000000IqhSL', '001D000000IqhSl')).toBeFalse();
  });

  it('reads the key prefix', () => {
    expect(keyPrefixOf('001D000000IqhSLIAZ')).toBe('001');
    expect(STANDARD_KEY_PREFIXES[keyPrefixOf('003000000000001')]).toBe('Contact');
    expect(STANDARD_KEY_PREFIXES['00Q']).toBe('Lead');
    expect(() => keyPrefixOf('0')).toThrowError(TypeError);
  });
});
