import { defineSObject, sf } from '../../src/model/index.js';
import { likeLiteral, likePattern, select } from '../../src/soql/index.js';
import { compileQuery } from '../../src/emulator/soql/engine.js';
import { Registry } from '../../src/emulator/schema/registry.js';
import { Store } from '../../src/emulator/store.js';

const Account = defineSObject('Account', { Id: sf.id(), Name: sf.string({ length: 255 }) });

describe('LIKE in the builder', () => {
  let store: Store;
  beforeEach(() => {
    store = new Store(new Registry({}), {});
    for (const Name of ['100%', '1000', '100% off', 'a_b', 'axb', 'back\\slash', 'backxslash']) store.internalInsert('Account', { Name });
  });

  /** The names the emulator returns for the builder's query. */
  function names(soql: string): string[] {
    const page = compileQuery(store, soql).execute();
    return page.page(0, 100).map(r => r.Name as string).sort();
  }

  it('a \\% or \\_ in a like string matches the character itself; % and _ stay wildcards', () => {
    const exact = select(Account).where({ Name: { like: '100\\%' } }).toSoql();
    expect(exact).toContain("Name LIKE '100\\%'");
    expect(names(exact)).toEqual(['100%']);
    expect(names(select(Account).where({ Name: { like: '100\\%%' } }).toSoql())).toEqual(['100%', '100% off']);
    expect(names(select(Account).where({ Name: { like: 'a\\_b' } }).toSoql())).toEqual(['a_b']);
    expect(names(select(Account).where({ Name: { like: 'a_b' } }).toSoql())).toEqual(['a_b', 'axb']);
  });

  it('\\\\ is a literal backslash and a lone backslash stays literal, so the text never leaves its quotes', () => {
    expect(names(select(Account).where({ Name: { like: 'back\\\\slash' } }).toSoql())).toEqual(['back\\slash']);
    expect(names(select(Account).where({ Name: { like: 'back\\slash' } }).toSoql())).toEqual(['back\\slash']);
    const hostile = select(Account).where({ Name: { like: "x\\' OR Name != '" } }).toSoql();
    expect(names(hostile)).toEqual([]);
  });

  it('likeLiteral, likePattern and escape: true take text literally', () => {
    expect(names(select(Account).where({ Name: { like: likeLiteral('100%') } }).toSoql())).toEqual(['100%']);
    expect(names(select(Account).where({ Name: { like: likePattern`${'100%'}%` } }).toSoql())).toEqual(['100%', '100% off']);
    expect(names(select(Account).where({ Name: { like: 'a_b', escape: true } }).toSoql())).toEqual(['a_b']);
  });
});
