import { ValidationError } from '../../src/client/errors.js';
import { checkedId } from '../../src/sources/internal/target.js';

describe('checkedId with an 18-character id whose case was lost', () => {
  it('restores the case of an id of the right object', () => {
    expect(checkedId('Account', '001D000000IQHSLIAZ')).toBe('001D000000IqhSLIAZ');
  });

  it("still refuses another standard object's id, as it does for the same id with its case intact", () => {
    expect(() => checkedId('Account', '003d000000qhxyzia3')).toThrowMatching((e: unknown) => e instanceof ValidationError &&
      e.message === "Account, field Id: Account id '003D000000QhXYZIA3' belongs to Contact (key prefix 003), not to Account");
    expect(() => checkedId('Account', '00QD000000QHXYZMA3')).toThrowMatching((e: unknown) => e instanceof ValidationError &&
      /belongs to Lead \(key prefix 00Q\)/.test(e.message));
  });
});
