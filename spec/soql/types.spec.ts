/** Type-level tests of query rows and conditions (compiled by spec/model/typecheck.spec.ts). */
import { select, type QueryBuilder } from '../../src/soql/index.js';
import type { RecordOf } from '../../src/model/index.js';
import { Account, Contact } from '../model/fixtures/models.js';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const assertType = <T extends true>(): T | undefined => undefined;
type RowOf<Q> = Q extends QueryBuilder<any, infer R> ? R : never;

assertType<Equals<RowOf<ReturnType<typeof all>>, RecordOf<typeof Account>>>();
function all() { return select(Account); }

export const picked = select(Contact).fields('Id', 'Email', 'Account.Name');
type P = RowOf<typeof picked>;
assertType<Equals<P['Id'], string>>();
assertType<Equals<P['Email'], string | null | undefined>>();
assertType<Equals<P['Account'], Record<string, unknown> | null | undefined>>();
// @ts-expect-error LastName was not selected
export const notSelected: P['LastName'] = 'x';

export const withChildren = select(Account).fields('Id').subquery('Contacts', Contact, q => q.fields('Email'));
assertType<Equals<NonNullable<RowOf<typeof withChildren>['Contacts']>['records'][number]['Email'], string | null | undefined>>();

/** Never called: the calls below would throw at run time; they are here for the compiler. */
export function typeOnly(): void {
  // @ts-expect-error unknown field
  select(Contact).fields('Shoe_Size__c');
  // @ts-expect-error unknown field in a condition
  select(Contact).where({ Shoe_Size__c: 44 });
  // @ts-expect-error wrong value type for a text field
  select(Contact).where({ LastName: 44 });
  // @ts-expect-error restricted picklist value
  select(Account).where({ Industry: 'Mining' });
  select(Account).where({ 'Owner.Name': 'Ann', Industry: { in: ['Energy', 'Technology'] } });
}

describe('query row types', () => {
  it('select(Model) renders the model fields', () => {
    expect(all().toSoql()).toContain('SELECT Id, Name, Industry');
  });
});
