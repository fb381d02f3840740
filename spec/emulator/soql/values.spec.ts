import { parseDateTime } from '../../../src/emulator/soql/values.js';

describe('emulator SOQL datetime values', () => {
  it('reads the store form, other offsets, Z and bare dates to the same instants', () => {
    const ms = Date.UTC(2024, 1, 29, 23, 59, 58, 7);
    expect(parseDateTime('2024-02-29T23:59:58.007+0000')).toBe(ms);
    expect(parseDateTime('2024-02-29T23:59:58.007Z')).toBe(ms);
    expect(parseDateTime('2024-03-01T01:59:58.007+0200')).toBe(ms);
    expect(parseDateTime('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });

  it('does not read digits that are not there', () => {
    expect(parseDateTime('2024-02-29T23:5x:58.007+0000')).toBeNaN();
    expect(parseDateTime('not a datetime, 28 characters')).toBeNaN();
  });
});
