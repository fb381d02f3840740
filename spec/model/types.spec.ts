/**
 * Type-level tests: this file fails to type-check (`npm run typecheck`, and the compile in typecheck.spec.ts) when
 * record inference breaks. Each `@ts-expect-error` must stay an error.
 */
import type { InsertOf, RecordOf } from '../../src/model/index.js';
import { Account, ID_A } from './fixtures/models.js';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const assertType = <T extends true>(): T | undefined => undefined;

type A = RecordOf<typeof Account>;
assertType<Equals<A['Name'], string>>();
assertType<Equals<A['Id'], string>>();
assertType<Equals<A['CreatedDate'], Date>>();
assertType<Equals<A['Industry'], 'Technology' | 'Energy' | undefined>>();
assertType<Equals<A['Tags__c'], ('a' | 'b' | 'c')[] | null | undefined>>();
assertType<Equals<A['LastSeen__c'], Date | null | undefined>>();
assertType<Equals<A['Founded__c'], string | null | undefined>>();
assertType<Equals<A['AnnualRevenue'], number | null | undefined>>();
assertType<Equals<A['Active__c'], boolean>>();
assertType<Equals<A['VersionData' & keyof A], never>>();

const ok: A = { Id: ID_A, Name: 'Acme', Active__c: true, Region__c: 'EMEA', CreatedDate: new Date() };
// An unrestricted picklist takes any string, a restricted one only its values.
ok.Rating = 'Lukewarm';
// @ts-expect-error restricted picklist value
ok.Industry = 'Mining';
// @ts-expect-error a string field takes no number
ok.Name = 5;
// @ts-expect-error a required field cannot be null
ok.Name = null;
// @ts-expect-error an optional non-nullable field cannot be null
ok.Industry = null;
// @ts-expect-error datetimes are Dates
ok.LastSeen__c = '2020-01-01T00:00:00Z';
// @ts-expect-error required fields must be present
const missing: A = { Id: ID_A, Name: 'Acme' };

type I = InsertOf<typeof Account>;
const ins: I = { Name: 'Acme' };                      // defaulted fields optional, read-only ones left out
// @ts-expect-error read-only fields are not part of an insert
const insRo: I = { Name: 'Acme', CreatedDate: new Date() };
// @ts-expect-error Name is required on insert
const insMissing: I = { Industry: 'Energy' };

describe('record types', () => {
  it('are plain objects', () => {
    expect(Object.getPrototypeOf(Account.fromWire({ Id: ID_A }))).toBe(Object.prototype);
    expect([ok, ins, missing, insRo, insMissing].length).toBe(5);
  });
});
