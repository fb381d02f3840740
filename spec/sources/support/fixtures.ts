import nock from 'nock';
import { SalesforceClient } from '../../../src/client/client.js';
import { defineSObject, sf } from '../../../src/model/index.js';

/** The org the nock specs talk to. */
export const INSTANCE = 'https://rxforce-test.my.salesforce.com';
export const API = '/services/data/v62.0';

/** A client with a ready session and a pinned version: no login or version request ever goes out. */
export function nockClient(): SalesforceClient {
  return new SalesforceClient({
    login: { accessToken: '00Dx0000000TEST!token', instanceUrl: INSTANCE },
    apiVersion: '62.0',
    retry: false,
  });
}

/** A scope on the instance for one spec. */
export function org(): nock.Scope {
  return nock(INSTANCE);
}

export const Account = defineSObject('Account', {
  Id: sf.id(),
  Name: sf.string({ length: 255 }),
  Industry: sf.picklist(['Technology', 'Energy', 'Banking']).optional(),
  AnnualRevenue: sf.currency().nullish(),
  External_Id__c: sf.string({ externalId: true }).optional(),
  CreatedDate: sf.datetime({ readonly: true }).optional(),
});

export const ContentVersion = defineSObject('ContentVersion', {
  Id: sf.id(),
  Title: sf.string(),
  PathOnClient: sf.string(),
  VersionData: sf.blob(),
  ContentDocumentId: sf.reference('ContentDocument', { readonly: true }).optional(),
});

export const ApexClass = defineSObject('ApexClass', { Id: sf.id(), Name: sf.string(), Body: sf.textarea() }, { tooling: true });

/** Valid ids for the specs. */
export const ACCOUNT_ID = '001D000000IqhSLIAZ';
export const ACCOUNT_ID_15 = '001D000000IqhSL';

/** A REST record as Salesforce returns it. */
export function wireAccount(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    attributes: { type: 'Account', url: `${API}/sobjects/Account/${ACCOUNT_ID}` },
    Id: ACCOUNT_ID,
    Name: 'Acme',
    Industry: 'Energy',
    AnnualRevenue: 1000,
    External_Id__c: 'A-1',
    CreatedDate: '2024-05-20T20:49:32.000+0000',
    ...fields,
  };
}
