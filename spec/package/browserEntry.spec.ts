/**
 * `rxforce/browser` (src/browser.ts), what the prebuilt browser bundles carry: everything `rxforce` exports but Bulk API
 * 2.0 and replication, the same objects under the same names, so code moves between the two entries unchanged.
 */
import * as browser from '../../src/browser.js';
import * as all from '../../src/index.js';
import * as bulk from '../../src/sources/bulk/index.js';
import * as sync from '../../src/sync/index.js';

const exportsOf = (mod: object): Record<string, unknown> => ({ ...mod });
/** Whether `name` is `value` in `mod` (a module namespace: own properties only). */
const holds = (mod: object, name: string, value: unknown) => Object.hasOwn(mod, name) && exportsOf(mod)[name] === value;

describe('the rxforce/browser entry', () => {
  it('exports what rxforce does, the same objects, but for Bulk API 2.0 and replication', () => {
    const everything = exportsOf(all);
    const carried = exportsOf(browser);
    const left = Object.keys(everything).filter(name => !Object.hasOwn(carried, name)).sort();
    const notBulkOrSync = left.filter(name => !holds(bulk, name, everything[name]) && !holds(sync, name, everything[name]));
    expect(notBulkOrSync).withContext('left out of rxforce/browser, yet neither Bulk API 2.0 nor replication').toEqual([]);
    expect(left).toEqual(jasmine.arrayContaining(['bulkInsert$', 'bulkQuery$', 'BulkIngestJob', 'replicate$', 'applyTo']));
    const differing = Object.keys(carried).filter(name => everything[name] !== carried[name]);
    expect(differing).withContext('exported by rxforce/browser but not by rxforce, or as another object').toEqual([]);
    expect(Object.keys(carried)).toEqual(jasmine.arrayContaining(['SalesforceClient', 'passwordLogin', 'authorizationCodeLogin',
      'defineSObject', 'sf', 'select', 'find', 'query$', 'fetch', 'saveUpdate$', 'insertRecords', 'fetchList$', 'composite$',
      'compositeGraph$', 'search$', 'apex$', 'SalesforceApiError', 'to18', 'redact']));
  });

  it('carries nothing of Bulk API 2.0 or replication', () => {
    const carried = exportsOf(browser);
    const fromBulkOrSync = Object.keys(carried).filter(name => holds(bulk, name, carried[name]) || holds(sync, name, carried[name]));
    expect(fromBulkOrSync).toEqual([]);
  });
});
