import { chunk } from '../../src/util/chunk.js';

describe('chunk', () => {
  it('splits into slices of at most size, keeping order', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 200)).toEqual([]);
    expect(chunk(Array.from({ length: 401 }, (_, i) => i), 200).map(c => c.length)).toEqual([200, 200, 1]);
  });

  it('rejects a size that is not a positive integer', () => {
    expect(() => chunk([1], 0)).toThrowError(RangeError);
    expect(() => chunk([1], 1.5)).toThrowError(RangeError);
  });
});
