/** The typed models the demo works with, written as a user would (`rxforce generate` writes the same shape). */
import { defineSObject, sf } from '../model/index.js';

export const Account = defineSObject('Account', {
  Id: sf.id(),
  Name: sf.string({ length: 255 }),
  Industry: sf.string().optional().nullable(),
  Rating: sf.picklist(['Hot', 'Warm', 'Cold']).optional().nullable(),
  External_Id__c: sf.string({ length: 255, externalId: true }).optional().nullable(),
});

export const Contact = defineSObject('Contact', {
  Id: sf.id(),
  FirstName: sf.string({ length: 40 }).optional().nullable(),
  LastName: sf.string({ length: 80 }),
  Email: sf.email().optional().nullable(),
  Title: sf.string({ length: 128 }).optional().nullable(),
  AccountId: sf.reference('Account').optional().nullable(),
});

export const Opportunity = defineSObject('Opportunity', {
  Id: sf.id(),
  Name: sf.string({ length: 120 }),
  StageName: sf.string(),
  Amount: sf.currency().optional().nullable(),
  CloseDate: sf.date(),
  AccountId: sf.reference('Account').optional().nullable(),
});
