import { isQueryValid, parseQuery } from '@jetstreamapp/soql-parser-js';
import { likeLiteral, likePattern, raw, select, soqlLiteral } from '../../src/soql/index.js';
import { Account } from '../model/fixtures/models.js';

/** Reverses SOQL string escapes (`\\n`, `\\'`, `\\u2028`…); LIKE escapes `\\%`, `\\_` are kept when `like`. */
function unquote(literal: string, like = false): string {
  expect(literal[0]).toBe("'");
  expect(literal[literal.length - 1]).toBe("'");
  const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };
  return literal.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|.)/gsu, (_m, c: string) =>
    c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : like && (c === '%' || c === '_') ? `\\${c}` : map[c] ?? `\\${c}`);
}

/** The one condition of a parsed WHERE, failing when there is any other. */
function onlyCondition(soql: string): { field: string; operator: string; value: string } {
  expect(isQueryValid(soql)).withContext(soql).toBe(true);
  const where = parseQuery(soql).where as { left: { field: string; operator: string; value: string }; right?: unknown; operator?: string };
  expect(where.right).withContext(soql).toBeUndefined();
  expect(where.operator).withContext(soql).toBeUndefined();
  return where.left;
}

const HOSTILE = [
  "' OR Name != '",
  "\\' OR 1=1 --",
  "\\\\' OR 1=1 --",
  "a\\b\\",
  '\\',
  "'",
  "''",
  'line\nbreak\r\n\ttab\b\f',
  'He said "hi"',
  'emoji 🦄 and ñ and 中文',
  'separator\u2028paragraph\u2029',
  '50%_off',
  ") OR (Name LIKE '%",
  'x\' LIMIT 1 --',
  'nul\u0000 and del\u007f',
];

describe('no value can change the structure of a query', () => {
  for (const value of HOSTILE) {
    it(`equality with ${JSON.stringify(value)}`, () => {
      const c = onlyCondition(select(Account).fields('Id').where({ Name: value }).toSoql());
      expect(c.field).toBe('Name');
      expect(c.operator).toBe('=');
      expect(unquote(c.value)).toBe(value);
    });

    it(`raw() binding with ${JSON.stringify(value)}`, () => {
      const c = onlyCondition(select(Account).fields('Id').where(raw('Name = :n', { n: value })).toSoql());
      expect(unquote(c.value)).toBe(value);
    });

    it(`startsWith with ${JSON.stringify(value)} keeps % and _ literal`, () => {
      const c = onlyCondition(select(Account).fields('Id').where({ Name: { startsWith: value } }).toSoql());
      expect(c.operator).toBe('LIKE');
      const expected = value.replace(/[%_]/g, m => `\\${m}`) + '%';
      expect(unquote(c.value, true)).toBe(expected);
    });
  }

  it('IN lists keep every element intact, one condition', () => {
    const c = onlyCondition(select(Account).fields('Id').where({ Name: { in: HOSTILE } }).toSoql()) as unknown as { value: string[] };
    expect(c.value.map(v => unquote(v))).toEqual(HOSTILE);
  });

  it('field names cannot carry SQL', () => {
    expect(() => select('Account').fields('Id, (SELECT Id FROM Contacts)' as string)).toThrowError(/not a SOQL field name/);
    expect(() => select('Account').where({ 'Name = null OR Id': 'x' })).toThrowError(/not a SOQL field name/);
    expect(() => select('Account; DELETE')).toThrowError(/not an sObject API name/);
    expect(() => select('Account').fields('Id').orderBy('Name; --' as string)).toThrowError(/not a SOQL field name/);
  });

  it('objects posing as tokens or conditions are refused', () => {
    const fake = { toSoql: () => '1=1' };
    expect(() => select('Account').fields('Id').where({ Name: fake as never }).toSoql()).toThrowError(/unknown operator/);
    expect(() => soqlLiteral(fake as never)).toThrowError(/cannot be used as a SOQL value/);
  });

  it('likeLiteral and likePattern escape only the interpolated parts', () => {
    expect(likeLiteral("50%_o'k").toSoql()).toBe("'50\\%\\_o\\'k'");
    const input = '100%';
    expect(likePattern`${input}%`.toSoql()).toBe("'100\\%%'");
    expect(select('Account').fields('Id').where({ Name: { like: '50%', escape: true } }).toSoql())
      .toBe("SELECT Id FROM Account WHERE Name LIKE '50\\%'");
  });
});
