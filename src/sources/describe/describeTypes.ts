/** Shapes of the describe resources (`/sobjects`, `/sobjects/{T}/describe`), as Salesforce returns them. */

export interface PicklistEntry {
  value: string;
  label: string | null;
  active: boolean;
  defaultValue: boolean;
}

export interface DescribeField {
  name: string;
  label: string;
  type: string;
  soapType?: string;
  length: number;
  byteLength?: number;
  precision: number;
  scale: number;
  digits?: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  unique: boolean;
  externalId: boolean;
  idLookup: boolean;
  calculated: boolean;
  autoNumber: boolean;
  picklistValues: PicklistEntry[];
  restrictedPicklist: boolean;
  referenceTo: string[];
  relationshipName: string | null;
  cascadeDelete: boolean;
  sortable?: boolean;
  filterable?: boolean;
  groupable?: boolean;
  custom?: boolean;
  [more: string]: unknown;
}

export interface ChildRelationshipInfo {
  childSObject: string;
  field: string;
  relationshipName: string | null;
  cascadeDelete: boolean;
  [more: string]: unknown;
}

/** One object of `GET /sobjects`. */
export interface DescribeGlobalSObject {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string | null;
  custom: boolean;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  queryable: boolean;
  retrieveable?: boolean;
  searchable?: boolean;
  urls: Record<string, string>;
  [more: string]: unknown;
}

export interface DescribeGlobalResult {
  encoding: string;
  maxBatchSize: number;
  sobjects: DescribeGlobalSObject[];
}

export interface DescribeSObjectResult extends DescribeGlobalSObject {
  fields: DescribeField[];
  childRelationships: ChildRelationshipInfo[];
  recordTypeInfos?: Record<string, unknown>[];
}
