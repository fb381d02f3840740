/**
 * The standard objects of the default org, with the required fields, lengths, picklists and relationships a
 * Developer Edition org reports. System fields (Id, audit fields, OwnerId, IsDeleted) are added by the registry.
 */
import type { FieldSchema } from '../types.js';
import { bool, date, datetime, email, field, int, num, phone, picklist, readonly, ref, str, text, url } from './fields.js';

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  /** Has OwnerId → User. */
  owned: boolean;
  fields: FieldSchema[];
  blobField?: string;
  tooling?: boolean;
  createable?: boolean;
  updateable?: boolean;
  deletable?: boolean;
  custom?: boolean;
}

const INDUSTRIES = ['Agriculture', 'Apparel', 'Banking', 'Biotechnology', 'Chemicals', 'Communications', 'Construction',
  'Consulting', 'Education', 'Electronics', 'Energy', 'Engineering', 'Entertainment', 'Environmental', 'Finance',
  'Food & Beverage', 'Government', 'Healthcare', 'Hospitality', 'Insurance', 'Machinery', 'Manufacturing', 'Media',
  'Not For Profit', 'Recreation', 'Retail', 'Shipping', 'Technology', 'Telecommunications', 'Transportation',
  'Utilities', 'Other'];
const RATINGS = ['Hot', 'Warm', 'Cold'];
const SALUTATIONS = ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'];
const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
const STAGES = ['Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Id. Decision Makers',
  'Perception Analysis', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'];

function address(prefix: string): FieldSchema[] {
  return [text(`${prefix}Street`, 255), str(`${prefix}City`, 40), str(`${prefix}State`, 80),
    str(`${prefix}PostalCode`, 20), str(`${prefix}Country`, 80), num(`${prefix}Latitude`, 'double', 18, 15),
    num(`${prefix}Longitude`, 'double', 18, 15)];
}

const nameField = (length: number, opts = {}) => str('Name', length, { required: true, idLookup: true, ...opts });

export const STANDARD_OBJECTS: ObjectDef[] = [
  {
    name: 'Account', label: 'Account', labelPlural: 'Accounts', keyPrefix: '001', owned: true, fields: [
      nameField(255, { label: 'Account Name' }),
      picklist('Type', ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Channel Partner / Reseller',
        'Installation Partner', 'Technology Partner', 'Other'], { label: 'Account Type' }),
      ref('ParentId', ['Account'], 'Parent', { label: 'Parent Account ID' }),
      ...address('Billing'), ...address('Shipping'),
      phone('Phone', { label: 'Account Phone' }), phone('Fax', { label: 'Account Fax' }),
      str('AccountNumber', 40), url('Website'), str('Sic', 20, { label: 'SIC Code' }),
      picklist('Industry', INDUSTRIES), num('AnnualRevenue', 'currency', 18, 0),
      int('NumberOfEmployees', 8, { label: 'Employees' }),
      picklist('Ownership', ['Public', 'Private', 'Subsidiary', 'Other']), str('TickerSymbol', 20),
      text('Description', 32000, { label: 'Account Description' }), picklist('Rating', RATINGS, { label: 'Account Rating' }),
      str('Site', 80, { label: 'Account Site' }), picklist('AccountSource', LEAD_SOURCES),
      readonly(date('LastActivityDate')),
    ],
  },
  {
    name: 'Contact', label: 'Contact', labelPlural: 'Contacts', keyPrefix: '003', owned: true, fields: [
      ref('AccountId', ['Account'], 'Account', { label: 'Account ID' }),
      str('LastName', 80, { required: true }), str('FirstName', 40), picklist('Salutation', SALUTATIONS),
      readonly(str('Name', 121, { label: 'Full Name', nillable: false, idLookup: false })),
      ...address('Mailing'), ...address('Other'),
      phone('Phone', { label: 'Business Phone' }), phone('MobilePhone'), phone('HomePhone'), phone('Fax'),
      email('Email', { idLookup: true }), str('Title', 128), str('Department', 80),
      ref('ReportsToId', ['Contact'], 'ReportsTo'), date('Birthdate'), picklist('LeadSource', LEAD_SOURCES),
      text('Description', 32000), bool('HasOptedOutOfEmail', { label: 'Email Opt Out' }), bool('DoNotCall'),
    ],
  },
  {
    name: 'Lead', label: 'Lead', labelPlural: 'Leads', keyPrefix: '00Q', owned: true, fields: [
      str('LastName', 80, { required: true }), str('FirstName', 40), picklist('Salutation', SALUTATIONS),
      readonly(str('Name', 121, { label: 'Full Name', nillable: false })),
      str('Company', 255, { required: true }), str('Title', 128), email('Email', { idLookup: true }),
      phone('Phone'), phone('MobilePhone'), url('Website'), text('Street', 255), str('City', 40), str('State', 80),
      str('PostalCode', 20), str('Country', 80), picklist('LeadSource', LEAD_SOURCES),
      picklist('Status', ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted',
        'Closed - Not Converted'], { required: true, restrictedPicklist: true, defaultedOnCreate: true, nillable: false,
        label: 'Lead Status' }),
      picklist('Industry', INDUSTRIES), picklist('Rating', RATINGS), num('AnnualRevenue', 'currency', 18, 0),
      int('NumberOfEmployees', 8), text('Description', 32000), readonly(bool('IsConverted', { label: 'Converted' })),
      readonly(ref('ConvertedAccountId', ['Account'], 'ConvertedAccount')),
      readonly(ref('ConvertedContactId', ['Contact'], 'ConvertedContact')),
      readonly(ref('ConvertedOpportunityId', ['Opportunity'], 'ConvertedOpportunity')),
    ],
  },
  {
    name: 'Opportunity', label: 'Opportunity', labelPlural: 'Opportunities', keyPrefix: '006', owned: true, fields: [
      ref('AccountId', ['Account'], 'Account', { label: 'Account ID' }), nameField(120),
      text('Description', 32000),
      picklist('StageName', STAGES, { required: true, restrictedPicklist: true, label: 'Stage' }),
      num('Amount', 'currency', 18, 2), num('Probability', 'percent', 3, 0, { label: 'Probability (%)' }),
      date('CloseDate', { required: true }), picklist('Type', ['Existing Customer - Upgrade',
        'Existing Customer - Replacement', 'Existing Customer - Downgrade', 'New Customer'], { label: 'Opportunity Type' }),
      str('NextStep', 255), picklist('LeadSource', LEAD_SOURCES),
      readonly(bool('IsClosed', { label: 'Closed' })), readonly(bool('IsWon', { label: 'Won' })),
      picklist('ForecastCategoryName', ['Omitted', 'Pipeline', 'Best Case', 'Commit', 'Closed'],
        { restrictedPicklist: true, label: 'Forecast Category' }),
      ref('ContactId', ['Contact'], 'Contact', { label: 'Contact ID' }),
    ],
  },
  {
    name: 'Case', label: 'Case', labelPlural: 'Cases', keyPrefix: '500', owned: true, fields: [
      readonly(field('CaseNumber', 'string', { length: 30, autoNumber: true, nillable: false, idLookup: true,
        defaultedOnCreate: true })),
      ref('ContactId', ['Contact'], 'Contact', { label: 'Contact ID' }),
      ref('AccountId', ['Account'], 'Account', { label: 'Account ID' }),
      ref('ParentId', ['Case'], 'Parent', { label: 'Parent Case ID' }),
      str('SuppliedName', 80, { label: 'Web Name' }), email('SuppliedEmail', { label: 'Web Email' }),
      picklist('Type', ['Mechanical', 'Electrical', 'Electronic', 'Structural', 'Other'], { label: 'Case Type' }),
      picklist('Status', ['New', 'Working', 'Escalated', 'Closed'], { restrictedPicklist: true, defaultedOnCreate: true }),
      picklist('Reason', ['Installation', 'Equipment Complexity', 'Performance', 'Breakdown', 'Equipment Design',
        'Feedback', 'Other'], { label: 'Case Reason' }),
      picklist('Origin', ['Phone', 'Email', 'Web'], { label: 'Case Origin' }),
      str('Subject', 255), picklist('Priority', ['High', 'Medium', 'Low'], { defaultedOnCreate: true }),
      text('Description', 32000), readonly(bool('IsClosed', { label: 'Closed' })),
      readonly(datetime('ClosedDate', { label: 'Closed Date' })), bool('IsEscalated', { label: 'Escalated' }),
    ],
  },
  {
    name: 'User', label: 'User', labelPlural: 'Users', keyPrefix: '005', owned: false, fields: [
      str('Username', 80, { required: true, unique: true, idLookup: true }),
      str('LastName', 80, { required: true }), str('FirstName', 40),
      readonly(str('Name', 121, { label: 'Full Name', nillable: false })),
      email('Email', { required: true }), str('Alias', 8, { required: true }),
      str('CommunityNickname', 40, { unique: true, idLookup: true, label: 'Nickname' }),
      bool('IsActive', { label: 'Active' }), str('Title', 80), str('Department', 80), phone('Phone'),
      picklist('TimeZoneSidKey', ['America/Los_Angeles', 'America/New_York', 'Europe/London', 'Europe/Paris', 'GMT'],
        { required: true, restrictedPicklist: true, label: 'Time Zone' }),
      picklist('LocaleSidKey', ['en_US', 'en_GB', 'fr_FR', 'de_DE'], { required: true, restrictedPicklist: true, label: 'Locale' }),
      picklist('EmailEncodingKey', ['UTF-8', 'ISO-8859-1'], { required: true, restrictedPicklist: true, label: 'Email Encoding' }),
      picklist('LanguageLocaleKey', ['en_US', 'fr', 'de'], { required: true, restrictedPicklist: true, label: 'Language' }),
      str('ProfileId', 18, { required: true, label: 'Profile ID' }),
      ref('ManagerId', ['User'], 'Manager', { label: 'Manager ID' }),
      readonly(datetime('LastLoginDate')),
    ],
  },
  {
    name: 'Task', label: 'Task', labelPlural: 'Tasks', keyPrefix: '00T', owned: true, fields: [
      ref('WhoId', ['Contact', 'Lead'], 'Who', { label: 'Name ID' }),
      ref('WhatId', ['Account', 'Opportunity', 'Case'], 'What', { label: 'Related To ID' }),
      field('Subject', 'combobox', { length: 255 }), date('ActivityDate', { label: 'Due Date Only' }),
      picklist('Status', ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'],
        { required: true, restrictedPicklist: true, defaultedOnCreate: true, nillable: false }),
      picklist('Priority', ['High', 'Normal', 'Low'], { required: true, restrictedPicklist: true,
        defaultedOnCreate: true, nillable: false }),
      text('Description', 32000, { label: 'Comments' }), readonly(bool('IsClosed', { label: 'Closed' })),
      picklist('TaskSubtype', ['Task', 'Email', 'Call'], { restrictedPicklist: true }),
    ],
  },
  {
    name: 'ContentDocument', label: 'Content Document', labelPlural: 'Content Documents', keyPrefix: '069', owned: true,
    createable: false, fields: [
      str('Title', 255, { required: true }), readonly(ref('LatestPublishedVersionId', ['ContentVersion'],
        'LatestPublishedVersion')), readonly(str('FileType', 20)), readonly(str('FileExtension', 40)),
      readonly(int('ContentSize', 10)), text('Description', 1000),
    ],
  },
  {
    name: 'ContentVersion', label: 'Content Version', labelPlural: 'Content Versions', keyPrefix: '068', owned: true,
    blobField: 'VersionData', fields: [
      str('Title', 255, { required: true }), str('PathOnClient', 500, { label: 'Path On Client' }),
      field('VersionData', 'base64', { length: 0, updateable: false }),
      field('ContentDocumentId', 'reference', { length: 18, referenceTo: ['ContentDocument'],
        relationshipName: 'ContentDocument', updateable: false, label: 'ContentDocument ID' }),
      readonly(int('ContentSize', 10, { label: 'Size' })), readonly(str('FileType', 20)),
      readonly(str('FileExtension', 40)), text('Description', 1000), str('ReasonForChange', 1000),
      readonly(bool('IsLatest')), readonly(str('VersionNumber', 20)),
      ref('FirstPublishLocationId', ['Account', 'Contact', 'Opportunity', 'Case', 'User'], 'FirstPublishLocation',
        { updateable: false }),
    ],
  },
  {
    name: 'Attachment', label: 'Attachment', labelPlural: 'Attachments', keyPrefix: '00P', owned: true,
    blobField: 'Body', fields: [
      ref('ParentId', ['Account', 'Contact', 'Opportunity', 'Case', 'Lead', 'Task'], 'Parent',
        { required: true, updateable: false, label: 'Parent ID' }),
      str('Name', 255, { required: true, label: 'File Name' }), bool('IsPrivate', { label: 'Private' }),
      str('ContentType', 120), readonly(int('BodyLength', 8)), field('Body', 'base64', { required: true }),
      text('Description', 500),
    ],
  },
  {
    name: 'Document', label: 'Document', labelPlural: 'Documents', keyPrefix: '015', owned: false,
    blobField: 'Body', fields: [
      ref('FolderId', ['Folder', 'User'], 'Folder', { required: true, label: 'Folder ID' }),
      str('Name', 255, { required: true, label: 'Document Name' }), str('DeveloperName', 80, { label: 'Document Unique Name' }),
      str('ContentType', 120, { label: 'MIME Type' }), str('Type', 40, { label: 'File Extension' }),
      bool('IsPublic', { label: 'Externally Available' }), readonly(int('BodyLength', 8)),
      field('Body', 'base64', {}), text('Description', 255), str('Keywords', 255),
      ref('AuthorId', ['User'], 'Author', { label: 'Author ID' }),
    ],
  },
  {
    name: 'Organization', label: 'Organization', labelPlural: 'Organizations', keyPrefix: '00D', owned: false,
    createable: false, deletable: false, updateable: false, fields: [
      readonly(str('Name', 80, { nillable: false })), readonly(str('OrganizationType', 40, { label: 'Edition' })),
      readonly(bool('IsSandbox')), readonly(str('InstanceName', 5)), readonly(str('DefaultLocaleSidKey', 40)),
      readonly(str('TimeZoneSidKey', 40)), readonly(str('LanguageLocaleKey', 40)),
    ],
  },
  {
    name: 'RecordType', label: 'Record Type', labelPlural: 'Record Types', keyPrefix: '012', owned: false,
    createable: false, deletable: false, updateable: false, fields: [
      readonly(str('Name', 80, { nillable: false })), readonly(str('DeveloperName', 80)),
      readonly(str('SobjectType', 40)), readonly(bool('IsActive')), readonly(text('Description', 255)),
    ],
  },
  {
    name: 'ApexClass', label: 'Apex Class', labelPlural: 'Apex Classes', keyPrefix: '01p', owned: false, tooling: true,
    fields: [
      str('Name', 255, { required: true }), text('Body', 1000000, { required: true }),
      num('ApiVersion', 'double', 18, 1, { defaultedOnCreate: true }),
      picklist('Status', ['Inactive', 'Active', 'Deleted'], { restrictedPicklist: true, defaultedOnCreate: true }),
      readonly(bool('IsValid')), readonly(int('LengthWithoutComments', 9)), str('NamespacePrefix', 15),
    ],
  },
];

/** Fields the default org adds to standard objects (its "customisations"). */
export const DEFAULT_ORG_CUSTOM_FIELDS: Record<string, FieldSchema[]> = {
  Account: [str('External_Id__c', 255, { externalId: true, unique: true, idLookup: true, label: 'External Id' })],
};
