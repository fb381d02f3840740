/** Models of Salesforce objects: field kinds, wire conventions, validation, change tracking, describe → model. */
export { sf, SfField, relationshipNameOf, isDateString } from './fields.js';
export type { AnyField, FieldDef, FieldKind, Flags } from './fields.js';
export { defineSObject } from './defineSObject.js';
export type {
  FieldShape, FieldValue, InsertOf, ModelOptions, RecordOf, SObjectModel, ShapeInsert, ShapeRecord, Simplify,
  ToWireOptions, WriteOp,
} from './types.js';
export { markSynced, changedFields, snapshotOf } from './tracking.js';
export {
  formatDatetime, parseDatetime, normalizeTime, formatNumber, toBase64, isBlobPath, fromWireValue, toWireValue,
  toCsvValue,
} from './wire.js';
export { schemaFromDescribe, fieldSpecOf } from './describe.js';
export type { DescribeFieldLike, DescribeSObjectLike, FieldSpec } from './describe.js';
export { generateModelSource } from './generate.js';
export type { GenerateOptions } from './generate.js';
