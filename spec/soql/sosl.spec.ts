import { ValidationError } from '../../src/util/errors.js';
import { anyOf, escapeSoslTerm, exactTerm, find, phrase } from '../../src/soql/index.js';
import { Account } from '../sources/support/fixtures.js';

describe('SOSL builder', () => {
  it('escapes every reserved character of the documented list', () => {
    const reserved = '&|!(){}[]^"~*?:\\\'+-';
    expect(escapeSoslTerm(reserved)).toBe([...reserved].map(c => `\\${c}`).join(''));
    expect(escapeSoslTerm('plain text 123')).toBe('plain text 123');
  });

  it('keeps wildcards in find() and escapes the rest, so text cannot close the braces or add clauses', () => {
    expect(find('Acme*').toSosl()).toBe('FIND {Acme*}');
    const hostile = find('x} RETURNING User(Id) LIMIT 1 {y');
    expect(hostile.toSosl()).toBe('FIND {x\\} RETURNING User\\(Id\\) LIMIT 1 \\{y}');
    expect(find('and or').toSosl()).toBe('FIND {"and" "or"}');
    expect(exactTerm('50% off*?').toSosl()).toBe('50% off\\*\\?');
    expect(phrase('Acme (West)').toSosl()).toBe('"Acme \\(West\\)"');
    expect(find(anyOf('Acme*', phrase('Globex Corp'))).toSosl()).toBe('FIND {(Acme* OR "Globex Corp")}');
  });

  it('builds IN, RETURNING with fields, WHERE, ORDER BY, LIMIT and OFFSET', () => {
    const q = find('Acme').in('NAME')
      .returning(Account, { fields: ['Id', 'Name'], where: { Name: "O'Brien" }, orderBy: 'Name desc', limit: 10, offset: 5 })
      .returning('Contact', { fields: ['LastName'] })
      .limit(50);
    expect(q.toSosl()).toBe("FIND {Acme} IN NAME FIELDS RETURNING Account(Id, Name WHERE Name = 'O\\'Brien' ORDER BY Name DESC " +
      'LIMIT 10 OFFSET 5), Contact(LastName) LIMIT 50');
  });

  it('refuses bad input before any request', () => {
    expect(() => find('a')).toThrowError(ValidationError, /two characters/);
    expect(() => find('*acme')).toThrowError(ValidationError, /wildcard/);
    expect(() => find('acme').in('BODY' as never)).toThrowError(ValidationError);
    expect(() => find('acme').limit(2001)).toThrowError(ValidationError, /2000/);
    expect(() => find('acme').returning(Account, { fields: ['Nope'] })).toThrowError(ValidationError, /Nope/);
    expect(() => find('acme').returning('Account; DROP', {})).toThrowError(ValidationError);
    expect(() => find('acme').returning(Account, { orderBy: 'Name; x' })).toThrowError(ValidationError);
  });
});
