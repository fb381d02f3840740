/** describeGlobal and describe bodies, shaped as the REST API returns them (jsforce passes them through). */
import type { FieldSchema, FieldType, ObjectSchema } from '../types.js';
import { isRestrictedDelete } from './registry.js';

const SOAP_TYPES: Record<FieldType, string> = {
  id: 'tns:ID', reference: 'tns:ID', string: 'xsd:string', textarea: 'xsd:string', email: 'xsd:string',
  url: 'xsd:string', phone: 'xsd:string', picklist: 'xsd:string', multipicklist: 'xsd:string', combobox: 'xsd:string',
  encryptedstring: 'xsd:string', boolean: 'xsd:boolean', int: 'xsd:int', long: 'xsd:long', double: 'xsd:double',
  currency: 'xsd:double', percent: 'xsd:double', date: 'xsd:date', datetime: 'xsd:dateTime', time: 'xsd:time',
  base64: 'xsd:base64Binary', address: 'urn:address', location: 'urn:location', anyType: 'xsd:anyType',
};

const TEXTUAL = new Set<FieldType>(['string', 'textarea', 'email', 'url', 'phone', 'picklist', 'multipicklist',
  'combobox', 'encryptedstring', 'id', 'reference']);

export function sobjectUrls(s: ObjectSchema, version: string, tooling = false): Record<string, string> {
  const base = `/services/data/v${version}${tooling ? '/tooling' : ''}/sobjects/${s.name}`;
  return { rowTemplate: `${base}/{ID}`, defaultValues: `${base}/defaultValues?recordTypeId&fields`,
    describe: `${base}/describe`, sobject: base };
}

/** One entry of `GET /sobjects`. */
export function globalEntry(s: ObjectSchema, version: string): Record<string, unknown> {
  return {
    activateable: false, associateEntityType: null, associateParentEntity: null, createable: s.createable,
    custom: s.custom, customSetting: false, deepCloneable: false, deletable: s.deletable, deprecatedAndHidden: false,
    feedEnabled: false, hasSubtypes: false, isInterface: false, isSubtype: false, keyPrefix: s.keyPrefix,
    label: s.label, labelPlural: s.labelPlural, layoutable: true, mergeable: false, mruEnabled: true, name: s.name,
    queryable: s.queryable, replicateable: true, retrieveable: true, searchable: true, triggerable: true,
    undeletable: s.deletable, updateable: s.updateable, urls: sobjectUrls(s, version, s.tooling),
  };
}

function describeField(f: FieldSchema): Record<string, unknown> {
  const textual = TEXTUAL.has(f.type);
  const sortable = !['textarea', 'multipicklist', 'base64', 'address', 'location'].includes(f.type) ||
    (f.type === 'textarea' && f.length <= 255);
  const digits = f.type === 'int' ? f.precision : 0;
  return {
    aggregatable: sortable, aiPredictionField: false, autoNumber: f.autoNumber, byteLength: textual ? f.length * 3 : 0,
    calculated: f.calculated, calculatedFormula: null, cascadeDelete: f.cascadeDelete, caseSensitive: false,
    compoundFieldName: null, controllerName: null, createable: f.createable, custom: f.custom,
    defaultValue: f.type === 'boolean' ? false : null, defaultValueFormula: null,
    defaultedOnCreate: f.defaultedOnCreate, dependentPicklist: false, deprecatedAndHidden: false,
    digits, displayLocationInDecimal: false, encrypted: false, externalId: f.externalId, extraTypeInfo: null,
    filterable: f.type !== 'base64' && !(f.type === 'textarea' && f.length > 255), filteredLookupInfo: null,
    formulaTreatNullNumberAsZero: false, groupable: sortable && !['double', 'currency', 'percent', 'datetime'].includes(f.type),
    highScaleNumber: false, htmlFormatted: false, idLookup: f.idLookup, inlineHelpText: null, label: f.label,
    length: textual ? f.length : 0, mask: null, maskType: null, name: f.name, nameField: f.name === 'Name',
    namePointing: f.referenceTo.length > 1, nillable: f.nillable, permissionable: f.nillable && !f.custom ? true : f.nillable,
    picklistValues: f.picklistValues.map(p => ({ ...p, validFor: null })), polymorphicForeignKey: f.referenceTo.length > 1,
    precision: ['double', 'currency', 'percent'].includes(f.type) ? f.precision : 0, queryByDistance: false,
    referenceTargetField: null, referenceTo: f.referenceTo, relationshipName: f.relationshipName,
    relationshipOrder: null, restrictedDelete: false, restrictedPicklist: f.restrictedPicklist,
    scale: ['double', 'currency', 'percent'].includes(f.type) ? f.scale : 0, searchPrefilterable: false,
    soapType: SOAP_TYPES[f.type], sortable, type: f.type, unique: f.unique, updateable: f.updateable,
    writeRequiresMasterRead: false,
  };
}

/** `GET /sobjects/{T}/describe`. */
export function describeObject(s: ObjectSchema, version: string): Record<string, unknown> {
  const urls = sobjectUrls(s, version, s.tooling);
  return {
    ...globalEntry(s, version),
    actionOverrides: [], childRelationships: s.childRelationships.map(c => ({
      cascadeDelete: c.cascadeDelete, childSObject: c.childSObject, deprecatedAndHidden: false, field: c.field,
      junctionIdListNames: [], junctionReferenceTo: [], relationshipName: c.relationshipName,
      restrictedDelete: isRestrictedDelete(c.childSObject, c.field) })),
    compactLayoutable: true, defaultImplementation: null, extendedBy: null, extendsInterfaces: null,
    fields: s.fields.map(describeField), implementedBy: null, implementsInterfaces: null, listviewable: null,
    lookupLayoutable: null, namedLayoutInfos: [], networkScopeFieldName: null,
    recordTypeInfos: [{ active: true, available: true, defaultRecordTypeMapping: true, developerName: 'Master',
      master: true, name: 'Master', recordTypeId: `012000000000000AAA`,
      urls: { layout: `${urls.sobject}/describe/layouts/012000000000000AAA` } }],
    searchLayoutable: true, sobjectDescribeOption: 'FULL', supportedScopes: [{ label: 'All', name: 'everything' }],
    urls: { ...urls, compactLayouts: `${urls.sobject}/describe/compactLayouts`,
      approvalLayouts: `${urls.sobject}/describe/approvalLayouts`, listviews: `${urls.sobject}/listviews`,
      quickActions: `${urls.sobject}/quickActions`, layouts: `${urls.sobject}/describe/layouts` },
  };
}
