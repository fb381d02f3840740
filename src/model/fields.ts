/**
 * Field kinds (`sf.*`): each builds an immutable field description plus a zod schema of the record value.
 *
 * zod is imported from `zod/mini`: its functional API tree-shakes, so the browser bundle carries only the checks the
 * kinds use (a few kB) instead of the whole chainable `zod` class hierarchy.
 */
import * as z from 'zod/mini';
import { isValidId } from '../util/ids.js';

/** Salesforce field kinds a model can declare. */
export type FieldKind =
  | 'id' | 'string' | 'textarea' | 'email' | 'url' | 'phone' | 'picklist' | 'multipicklist' | 'boolean' | 'int'
  | 'double' | 'currency' | 'percent' | 'date' | 'datetime' | 'time' | 'reference' | 'blob';

/** Options every kind takes. */
export interface Flags<T> {
  /** Never sent to Salesforce (formula, audit and system fields). Same as `createable: false, updateable: false`. */
  readonly?: boolean;
  /** Sent on insert (and upsert). Default true unless readonly. */
  createable?: boolean;
  /** Sent on update (and upsert). Default true unless readonly. */
  updateable?: boolean;
  /** Marked as an External ID in the org: usable as the upsert key. */
  externalId?: boolean;
  unique?: boolean;
  /** Applied on insert when the record leaves the field undefined; a function is called once per record. */
  default?: T | (() => T);
}

/** The runtime description of one field of a model. */
export interface FieldDef {
  /** API name; empty until the field is placed in a model by `defineSObject`. */
  readonly name: string;
  readonly kind: FieldKind;
  /** Neither createable nor updateable: never sent. */
  readonly readonly: boolean;
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly externalId: boolean;
  readonly unique: boolean;
  /** Maximum length in characters (text kinds). */
  readonly length?: number;
  /** Picklist values (picklist, multipicklist). */
  readonly values?: readonly string[];
  /** Only the listed values are accepted (restricted picklist). */
  readonly restricted?: boolean;
  /** Target objects of a reference (several for polymorphic lookups such as WhatId). */
  readonly referenceTo?: readonly string[];
  /** Name of the parent relationship of a reference (`AccountId` → `Account`, `Foo__c` → `Foo__r`). */
  readonly relationshipName?: string;
  /** May be left undefined (not required on insert, may be absent on read). */
  readonly optional: boolean;
  /** Accepts null (clears the field in Salesforce). */
  readonly nullable: boolean;
  readonly default?: unknown;
  readonly hasDefault: boolean;
}

/**
 * A field as declared in a model. The type parameters carry what `RecordOf` and `InsertOf` need:
 * T the record value, O optional, N nullable, R readonly (never sent), D has a default on insert.
 */
export class SfField<T, O extends boolean = false, N extends boolean = false, R extends boolean = false,
  D extends boolean = false> {
  /** Phantom: the record value type. Never set at run time. */
  declare readonly _type: T;
  declare readonly _optional: O;
  declare readonly _nullable: N;
  declare readonly _readonly: R;
  declare readonly _default: D;

  constructor(
    /** The field description (name filled in by `defineSObject`). */
    readonly def: FieldDef,
    /** zod schema of a non-null record value; what `validate` checks. */
    readonly schema: z.ZodMiniType<T>,
    /**
     * A quick test that accepts only values `schema` accepts (never more), so validation of a common value skips
     * zod; a value it does not accept is checked by `schema`, which gives the reason. The `sf.*` kinds set it.
     */
    readonly accepts?: (value: unknown) => boolean,
  ) {}

  /** The field may be left undefined: not required on insert, and may be absent on read. */
  optional(): SfField<T, true, N, R, D> {
    return new SfField({ ...this.def, optional: true }, this.schema, this.accepts);
  }

  /** The field accepts null; null is sent as null and clears the field in Salesforce. */
  nullable(): SfField<T, O, true, R, D> {
    return new SfField({ ...this.def, nullable: true }, this.schema, this.accepts);
  }

  /** `.optional().nullable()`: the usual shape of a non-required Salesforce field. */
  nullish(): SfField<T, true, true, R, D> {
    return new SfField({ ...this.def, optional: true, nullable: true }, this.schema, this.accepts);
  }

  /** A copy with this field's API name (used by `defineSObject`). */
  named(name: string): SfField<T, O, N, R, D> {
    const def: FieldDef = { ...this.def, name };
    if (def.kind === 'reference' && def.relationshipName === undefined) {
      return new SfField({ ...def, relationshipName: relationshipNameOf(name) }, this.schema, this.accepts);
    }
    return new SfField(def, this.schema, this.accepts);
  }
}

/** Any field, whatever its types. */
export type AnyField = SfField<any, boolean, boolean, boolean, boolean>;

/** The parent relationship name Salesforce derives from a lookup field's name. */
export function relationshipNameOf(field: string): string | undefined {
  if (/__c$/i.test(field)) return field.slice(0, -3) + '__r';
  if (/.Id$/.test(field)) return field.slice(0, -2);
  return undefined;
}

type IsTrue<X> = X extends true ? true : false;
type RoOf<O> = O extends { readonly: true } ? true : O extends { createable: false; updateable: false } ? true : false;
type DefOf<O> = O extends { default: unknown } ? true : false;

type NoOpts = Record<never, never>;
type TextOpts<T> = Flags<T> & { length?: number };
type PicklistOpts<T> = Flags<T> & { restricted?: boolean };
type PickValue<V extends readonly string[], O> = IsTrue<O extends { restricted: true } ? true : false> extends true
  ? V[number]
  : V[number] | (string & {});

function makeDef(kind: FieldKind, opts: Flags<unknown> & { length?: number; restricted?: boolean } = {},
  extra: Partial<FieldDef> = {}): FieldDef {
  const ro = opts.readonly === true || (opts.createable === false && opts.updateable === false);
  const createable = ro ? false : opts.createable ?? true;
  const updateable = ro ? false : opts.updateable ?? true;
  const def: FieldDef = {
    name: '', kind, readonly: ro, createable, updateable, externalId: opts.externalId ?? false,
    unique: opts.unique ?? false, optional: false, nullable: false, hasDefault: 'default' in opts && opts.default !== undefined,
    ...extra,
  };
  return def.hasDefault ? { ...def, default: opts.default } : def;
}

const kindOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : v instanceof Date ? 'Date' : typeof v;

const expected = (what: string) => (iss: { input?: unknown }) => `expected ${what}, got ${kindOf(iss.input)}`;

function text(length: number | undefined): z.ZodMiniType<string> {
  const s = z.string({ error: expected('a string') });
  if (length === undefined) return s;
  return s.check(z.refine((v: string) => v.length <= length, {
    error: (iss: { input?: unknown }) => `string too long (${String(iss.input).length} > ${length} characters)`,
  }));
}

function idSchema(what: string): z.ZodMiniType<string> {
  return z.string({ error: expected(`${what} (a string)`) }).check(z.refine(isValidId, {
    error: (iss: { input?: unknown }) => `malformed ${what} '${String(iss.input)}' (expected 15 or 18 characters with a valid checksum)`,
  }));
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** 'YYYY-MM-DD' naming a real calendar day. */
export function isDateString(v: string): boolean {
  const m = DATE_RE.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}
/** 'HH:mm', 'HH:mm:ss' or 'HH:mm:ss.SSS', with an optional trailing Z. */
export const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,3}))?)?Z?$/;

function picklistSchema(values: readonly string[], restricted: boolean): z.ZodMiniType<string> {
  const s = z.string({ error: expected('a string') });
  if (!restricted) return s;
  const allowed = new Set(values);
  return s.check(z.refine((v: string) => allowed.has(v), {
    error: (iss: { input?: unknown }) =>
      `value '${String(iss.input)}' is not allowed in restricted picklist (allowed: ${values.join(', ')})`,
  }));
}

function multiSchema(values: readonly string[], restricted: boolean): z.ZodMiniType<string[]> {
  const allowed = new Set(values);
  const item = z.string({ error: expected('an array of strings') }).check(
    z.refine((v: string) => !v.includes(';'), { error: (iss: { input?: unknown }) => `value '${String(iss.input)}' contains ';', the multipicklist separator` }),
    z.refine((v: string) => !restricted || allowed.has(v), {
      error: (iss: { input?: unknown }) =>
        `value '${String(iss.input)}' is not allowed in restricted picklist (allowed: ${values.join(', ')})`,
    }),
  );
  return z.array(item, { error: expected('an array of strings') });
}

const numberSchema = (what: string) => z.number({ error: expected(`a finite ${what}`) });

/** A field of an `sf.*` kind: its schema, and the quick test of the values that schema surely accepts. */
function built<T, O extends boolean, N extends boolean, R extends boolean, D extends boolean>(def: FieldDef, schema: z.ZodMiniType<T>): SfField<T, O, N, R, D> {
  return new SfField<T, O, N, R, D>(def, schema, quickAccept(def));
}

/**
 * For each kind, a test that accepts a subset of what its zod schema accepts (the common, valid values), without
 * zod's result objects: this runs for every field of every record a list or bulk write validates.
 */
function quickAccept(def: FieldDef): ((value: unknown) => boolean) | undefined {
  const { length } = def;
  switch (def.kind) {
    case 'string': case 'textarea': case 'email': case 'url': case 'phone':
      return length === undefined
        ? (v) => typeof v === 'string'
        : (v) => typeof v === 'string' && v.length <= length;
    case 'picklist': {
      if (!def.restricted) return (v) => typeof v === 'string';
      const allowed = new Set(def.values);
      return (v) => typeof v === 'string' && allowed.has(v);
    }
    case 'id': case 'reference': return isValidId;
    case 'boolean': return (v) => typeof v === 'boolean';
    case 'int': return (v) => Number.isSafeInteger(v);
    case 'double': case 'currency': case 'percent': return (v) => Number.isFinite(v);
    case 'date': return (v) => typeof v === 'string' && isDateString(v);
    case 'datetime': return (v) => v instanceof Date && !Number.isNaN(v.getTime());
    case 'time': return (v) => typeof v === 'string' && TIME_RE.test(v);
    default: return undefined; // multipicklist, blob: zod checks them
  }
}

/** Field kinds. Each returns a field with `.optional()`, `.nullable()` and `.nullish()`. */
export const sf = {
  /** The record Id: read-only, sent only on update (as the record to change). */
  id: () => built<string, false, false, true, false>(makeDef('id', { readonly: true }), idSchema('Id')),

  string: <const O extends TextOpts<string>>(opts?: O) =>
    built<string, false, false, RoOf<O>, DefOf<O>>(
      makeDef('string', opts, lengthOf(opts)), text(opts?.length)),
  textarea: <const O extends TextOpts<string>>(opts?: O) =>
    built<string, false, false, RoOf<O>, DefOf<O>>(
      makeDef('textarea', opts, lengthOf(opts)), text(opts?.length)),
  email: <const O extends TextOpts<string>>(opts?: O) =>
    built<string, false, false, RoOf<O>, DefOf<O>>(
      makeDef('email', opts, { length: opts?.length ?? 80 }), text(opts?.length ?? 80)),
  url: <const O extends TextOpts<string>>(opts?: O) =>
    built<string, false, false, RoOf<O>, DefOf<O>>(
      makeDef('url', opts, { length: opts?.length ?? 255 }), text(opts?.length ?? 255)),
  phone: <const O extends TextOpts<string>>(opts?: O) =>
    built<string, false, false, RoOf<O>, DefOf<O>>(
      makeDef('phone', opts, { length: opts?.length ?? 40 }), text(opts?.length ?? 40)),

  /** A picklist. Unrestricted picklists accept any string (typed with the listed values for completion). */
  picklist: <const V extends readonly string[], const O extends PicklistOpts<string> = NoOpts>(values: V, opts?: O) =>
    built<PickValue<V, O>, false, false, RoOf<O>, DefOf<O>>(
      makeDef('picklist', opts, { values, restricted: opts?.restricted ?? false }),
      picklistSchema(values, opts?.restricted ?? false) as z.ZodMiniType<PickValue<V, O>>),
  /** A multi-select picklist: `string[]` in records, `;`-joined on the wire. */
  multipicklist: <const V extends readonly string[], const O extends PicklistOpts<string[]> = NoOpts>(values: V, opts?: O) =>
    built<PickValue<V, O>[], false, false, RoOf<O>, DefOf<O>>(
      makeDef('multipicklist', opts, { values, restricted: opts?.restricted ?? false }),
      multiSchema(values, opts?.restricted ?? false) as z.ZodMiniType<PickValue<V, O>[]>),

  boolean: <const O extends Flags<boolean>>(opts?: O) =>
    built<boolean, false, false, RoOf<O>, DefOf<O>>(makeDef('boolean', opts), z.boolean({ error: expected('a boolean') })),
  int: <const O extends Flags<number>>(opts?: O) =>
    built<number, false, false, RoOf<O>, DefOf<O>>(makeDef('int', opts), z.int({ error: expected('an integer') })),
  double: <const O extends Flags<number>>(opts?: O) =>
    built<number, false, false, RoOf<O>, DefOf<O>>(makeDef('double', opts), numberSchema('number')),
  currency: <const O extends Flags<number>>(opts?: O) =>
    built<number, false, false, RoOf<O>, DefOf<O>>(makeDef('currency', opts), numberSchema('number')),
  percent: <const O extends Flags<number>>(opts?: O) =>
    built<number, false, false, RoOf<O>, DefOf<O>>(makeDef('percent', opts), numberSchema('number')),

  /** A date: the string 'YYYY-MM-DD' in records and on the wire, so no time zone can shift it. */
  date: <const O extends Flags<string>>(opts?: O) =>
    built<string, false, false, RoOf<O>, DefOf<O>>(makeDef('date', opts),
      z.string({ error: expected("a 'YYYY-MM-DD' string") }).check(z.refine(isDateString, {
        error: (iss: { input?: unknown }) => `malformed date '${String(iss.input)}' (expected YYYY-MM-DD)`,
      }))),
  /** A date-time: a `Date` in records, `2013-05-20T20:49:32.000+0000` on the wire. */
  datetime: <const O extends Flags<Date>>(opts?: O) =>
    built<Date, false, false, RoOf<O>, DefOf<O>>(makeDef('datetime', opts), z.date({ error: expected('a valid Date') })),
  /** A time of day: 'HH:mm:ss.SSSZ' (shorter 'HH:mm' / 'HH:mm:ss' forms are accepted and completed). */
  time: <const O extends Flags<string>>(opts?: O) =>
    built<string, false, false, RoOf<O>, DefOf<O>>(makeDef('time', opts),
      z.string({ error: expected("an 'HH:mm:ss.SSSZ' string") }).check(z.regex(TIME_RE, {
        error: (iss: { input?: unknown }) => `malformed time '${String(iss.input)}' (expected HH:mm:ss.SSSZ)`,
      }))),

  /** A lookup or master-detail: an Id of one of `referenceTo`. */
  reference: <const O extends Flags<string> & { relationshipName?: string }>(referenceTo: string | readonly string[], opts?: O) =>
    built<string, false, false, RoOf<O>, DefOf<O>>(
      makeDef('reference', opts, {
        referenceTo: typeof referenceTo === 'string' ? [referenceTo] : [...referenceTo],
        ...(opts?.relationshipName !== undefined ? { relationshipName: opts.relationshipName } : {}),
      }),
      idSchema('reference id')),

  /**
   * A base64 field (ContentVersion.VersionData, Attachment.Body). Read: the blob's REST path (a string, fetch it
   * separately). Write: bytes (a Uint8Array, or a browser `Blob`/`File`, read only when the save is subscribed), or a
   * string already base64-encoded.
   */
  blob: <const O extends Flags<string | Uint8Array | Blob>>(opts?: O) =>
    built<string | Uint8Array | Blob, false, false, RoOf<O>, DefOf<O>>(makeDef('blob', opts),
      z.custom<string | Uint8Array | Blob>(isBlobContent, { error: expected('a base64 string, a Uint8Array or a Blob') })),
};

/** A value a blob field may hold for a write (`Blob` exists in browsers and in Node 18+). */
function isBlobContent(v: unknown): boolean {
  return typeof v === 'string' || v instanceof Uint8Array || (typeof Blob !== 'undefined' && v instanceof Blob);
}

function lengthOf(opts: { length?: number } | undefined): Partial<FieldDef> {
  return opts?.length !== undefined ? { length: opts.length } : {};
}
