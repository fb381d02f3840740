/** The model's types: a model object and the plain record types inferred from its fields. */
import type { AnyField, FieldDef, SfField } from './fields.js';

/** The fields of a model, by API name. */
export type FieldShape = Record<string, AnyField>;

/** Flattens an intersection so editors show one object type. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The record value of one field: `T`, or `T | null` when nullable. */
export type FieldValue<F> = F extends SfField<infer T, boolean, infer N, boolean, boolean> ? (N extends true ? T | null : T) : never;

type OptionalKeys<S> = { [K in keyof S]: S[K] extends SfField<any, true, boolean, boolean, boolean> ? K : never }[keyof S];
type ReadonlyKeys<S> = { [K in keyof S]: S[K] extends SfField<any, boolean, boolean, true, boolean> ? K : never }[keyof S];
type DefaultKeys<S> = { [K in keyof S]: S[K] extends SfField<any, boolean, boolean, boolean, true> ? K : never }[keyof S];

/** The record of a field shape: required fields present, optional ones `?:`, nullable ones `| null`. */
export type ShapeRecord<S> = Simplify<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: FieldValue<S[K]> } &
  { [K in OptionalKeys<S>]?: FieldValue<S[K]> }
>;

/** What an insert needs: read-only fields (Id, audit, formulas) left out; fields with a default become optional. */
export type ShapeInsert<S> = Simplify<
  { [K in Exclude<keyof S, OptionalKeys<S> | ReadonlyKeys<S> | DefaultKeys<S>>]: FieldValue<S[K]> } &
  { [K in Exclude<OptionalKeys<S> | DefaultKeys<S>, ReadonlyKeys<S>>]?: FieldValue<S[K]> }
>;

/**
 * The plain, typed record of a model.
 * @example
 * const Account = defineSObject('Account', { Id: sf.id(), Name: sf.string() });
 * type Account = RecordOf<typeof Account>; // { Id: string; Name: string }
 */
export type RecordOf<M> = M extends SObjectModel<infer S> ? ShapeRecord<S> : never;

/** The record a caller writes for an insert (no read-only fields; defaulted fields optional). */
export type InsertOf<M> = M extends SObjectModel<infer S> ? ShapeInsert<S> : never;

/** The operations a record can be serialized for. */
export type WriteOp = 'insert' | 'update' | 'upsert';

export interface ModelOptions {
  /** A Tooling API object (served under `/tooling/`). */
  tooling?: boolean;
  /** Send fields the model does not name (refused with a ValidationError otherwise). */
  passthrough?: boolean;
}

export interface ToWireOptions {
  /** Position of the record in the caller's input, for errors. */
  index?: number;
  /** Send only the fields changed since the server last saw the record; an unchanged record gives `{}`. */
  onlyChanges?: boolean;
  /**
   * Leave a `Blob` in the blob field as it is, for a caller that sends it as a multipart part (the single-record
   * saves do). Without it a Blob is refused: `toWire` is synchronous, and a Blob's bytes can only be read async.
   */
  keepBlob?: boolean;
}

/** A Salesforce object's model: field descriptions plus wire (de)serialization and validation. */
export interface SObjectModel<S extends FieldShape = FieldShape> {
  readonly apiName: string;
  readonly tooling: boolean;
  readonly passthrough: boolean;
  /** The field builders as declared (for type inference and tooling). */
  readonly shape: S;
  readonly fields: Readonly<Record<string, FieldDef>>;
  /** Every field, in declaration order, for SELECT and retrieve. */
  readonly fieldNames: string[];
  /** The base64 field, if the object has one. */
  readonly blobField?: string;
  /** A field by API name, case-insensitively as Salesforce matches names. */
  field(name: string): FieldDef | undefined;
  /** The reference field whose parent relationship has this name (`Account` → `AccountId`), case-insensitively. */
  relationship(name: string): FieldDef | undefined;
  /**
   * Wire record (JSON from REST, or CSV strings from bulk with `{ csv: true }`) → typed plain record. Fields the
   * model does not name are kept as the server sent them. Remembers the snapshot for change tracking.
   */
  fromWire(raw: Record<string, unknown>, opts?: { csv?: boolean }): ShapeRecord<S>;
  /**
   * Typed record → wire JSON for `op`. Validates first and throws a ValidationError naming sobject, record index,
   * field and reason. Read-only fields are never sent; Id only on update.
   */
  toWire(record: Partial<ShapeRecord<S>>, op: WriteOp, opts?: ToWireOptions): Record<string, unknown>;
  /** Throws the first ValidationError `toWire` would throw. */
  validate(record: unknown, op: WriteOp, index?: number): void;
  /** A new record with defaults applied (values not given and with a default). */
  create(input: ShapeInsert<S>): ShapeRecord<S>;
}
