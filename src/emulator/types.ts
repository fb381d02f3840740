/**
 * Internal contracts between the emulator's parts: the HTTP core (server.ts, auth, REST, collections), the SOQL
 * engine (soql/) and the Bulk API 2.0 engine (bulk/). The emulator never imports client, sources or operators.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { SchedulerLike } from 'rxjs';

/** Salesforce field types as describe reports them. */
export type FieldType =
  | 'id' | 'string' | 'textarea' | 'email' | 'url' | 'phone' | 'picklist' | 'multipicklist' | 'combobox'
  | 'boolean' | 'int' | 'double' | 'currency' | 'percent' | 'date' | 'datetime' | 'time' | 'reference'
  | 'base64' | 'long' | 'address' | 'location' | 'anyType' | 'encryptedstring';

export interface FieldSchema {
  name: string;
  label: string;
  type: FieldType;
  length: number;
  precision: number;
  scale: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  /** Required on create: !nillable && createable && !defaultedOnCreate. */
  defaultedOnCreate: boolean;
  unique: boolean;
  externalId: boolean;
  idLookup: boolean;
  calculated: boolean;
  autoNumber: boolean;
  picklistValues: { value: string; label: string; active: boolean; defaultValue: boolean }[];
  restrictedPicklist: boolean;
  referenceTo: string[];
  relationshipName: string | null;
  cascadeDelete: boolean;
  custom: boolean;
}

export interface ChildRelationship {
  childSObject: string;
  field: string;
  relationshipName: string | null;
  cascadeDelete: boolean;
}

export interface ObjectSchema {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  /** Tooling API object (served under /tooling/). */
  tooling?: boolean;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  queryable: boolean;
  fields: FieldSchema[];
  /** Lower-cased field name → field, for case-insensitive lookups as Salesforce does. */
  fieldMap: Map<string, FieldSchema>;
  childRelationships: ChildRelationship[];
  /** Blob field name (ContentVersion.VersionData, Attachment.Body, Document.Body), if any. */
  blobField?: string;
}

export interface SchemaRegistry {
  get(name: string): ObjectSchema | undefined;           // case-insensitive
  byKeyPrefix(prefix: string): ObjectSchema | undefined;
  all(): ObjectSchema[];
}

/** A stored row: field API names (canonical case) → wire values (strings for dates, numbers, booleans, null). */
export type StoredRecord = Record<string, unknown> & { Id: string; IsDeleted: boolean };

/** A per-record error as the collections and bulk APIs report it. */
export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

export type DmlResult =
  | { success: true; id: string; created?: boolean }
  | { success: false; id: string | null; errors: RecordError[] };

/**
 * The org's data. All DML goes through here so REST, collections and bulk share validation and error bodies.
 * `fields` are wire-format values keyed by API name (any case; the store canonicalises).
 */
export interface OrgStore {
  readonly schema: SchemaRegistry;
  /** The org's one store behind a per-request view (itself for the store): the key for per-org state. */
  readonly org: OrgStore;
  /** The user writes are stamped with right now (CreatedById, LastModifiedById, default OwnerId). */
  readonly actingUserId: string;
  /**
   * The store as `userId` acts on it: every write through the view is stamped with that user, however many other
   * requests run between its awaits. The server gives each request one (`ctx.store`).
   */
  actingAs(userId: string): OrgStore;
  /** Runs the synchronous `fn` with writes stamped as `userId`, then restores the previous user. */
  runAs<T>(userId: string, fn: () => T): T;
  get(id: string, opts?: { includeDeleted?: boolean }): StoredRecord | undefined;
  /** Rows of one object, in insertion order. */
  scan(sobject: string, opts?: { includeDeleted?: boolean }): Iterable<StoredRecord>;
  /** Index lookup on Id, unique or external id fields. */
  findBy(sobject: string, field: string, value: unknown): StoredRecord[];
  count(sobject: string, opts?: { includeDeleted?: boolean }): number;
  insert(sobject: string, fields: Record<string, unknown>): DmlResult;
  update(sobject: string | undefined, id: string, fields: Record<string, unknown>): DmlResult;
  upsert(sobject: string, externalIdField: string, value: string, fields: Record<string, unknown>): DmlResult;
  delete(id: string, opts?: { hard?: boolean }): DmlResult;
  /** Runs fn atomically: if it throws or returns false, every change made inside is rolled back (allOrNone). */
  transaction<T>(fn: () => T): T;
  /** A transaction spanning awaits (see store/changes.ts, `begin`): call the result with true to commit, false to roll back. */
  begin(): (commit: boolean) => void;
  blob(id: string): Buffer | undefined;
  /** Attach binary content to a record's blob field. */
  setBlob(id: string, data: Buffer): void;
}

/** The user the session belongs to. */
export interface SessionInfo {
  userId: string;
  orgId: string;
  username: string;
  accessToken: string;
}

/** Errors thrown by route handlers become Salesforce error bodies. */
export class SfHttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly errorCode: string,
    message: string,
    public readonly fields?: string[],
  ) {
    super(message);
  }
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Path after `/services/data/vXX.X` (e.g. `/sobjects/Account`), without the query string. */
  path: string;
  version: string;
  query: URLSearchParams;
  session: SessionInfo;
  store: OrgStore;
  /** Reads the whole body (already limited in size by the server). */
  body(): Promise<Buffer>;
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  text(status: number, body: string | Buffer, contentType: string, headers?: Record<string, string>): void;
  /**
   * Sends a streamed body (piped with backpressure, destroyed if the answer is dropped), so a big file is never held
   * in memory. Optional: contexts built by hand may leave it out; routes then write to `res` themselves.
   */
  stream?(status: number, body: Readable, contentType: string, headers?: Record<string, string>): void;
  /** The running emulator (always set by the server; optional so unit specs can build contexts by hand). */
  host?: EmulatorHost;
  /** `http://host:port` as the client reached the emulator (always set by the server). */
  baseUrl?: string;
  /**
   * Runs one subrequest through the emulator's own REST routes, as the same user, and returns its answer instead of
   * sending it (Composite, Composite Batch, Graph). Set by the server on top-level requests only.
   */
  dispatch?(sub: SubRequest): Promise<SubResponse>;
}

/** A subrequest of a Composite-family request, its URL already split off `/services/data/vXX.X`. */
export interface SubRequest {
  method: string;
  version: string;
  /** Path after the version (`/sobjects/Account`), still percent-encoded. */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The JSON body, if any. */
  body?: unknown;
}

/** What a subrequest answered: the status, headers (without Content-Length) and the parsed JSON body (or null). */
export interface SubResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** A route module (query, bulk) tells the server which requests it takes. Returns false when it does not match. */
export type RouteHandler = (ctx: RouteContext) => Promise<boolean> | boolean;

/**
 * What a running emulator offers its route modules (`ctx.host`, and the argument of a route factory registered with
 * `registerRouteFactory`). Bulk uses it for its background processing: `every()` runs a callback on an interval
 * while the server runs (cleared on stop), `options.bulkRecordsPerSecond` paces job processing, `faults.rollLock()`
 * injects UNABLE_TO_LOCK_ROW per record.
 */
export interface EmulatorHost {
  readonly store: OrgStore;
  readonly options: { readonly bulkRecordsPerSecond: number; readonly seed?: number };
  /** Seeded [0,1) source (deterministic runs with the `seed` option). */
  random(): number;
  /** Epoch ms (the emulator's clock). */
  now(): number;
  /** The emulator's `scheduler` option, when given: background work (bulk pacing) runs on it, in virtual time. */
  readonly scheduler?: SchedulerLike;
  readonly faults: { rollLock(): boolean };
  /** Runs fn every ms milliseconds until the emulator stops or the returned function is called. */
  every(ms: number, fn: () => void): () => void;
  /** Runs fn when the emulator stops (after the server has closed). */
  onStop(fn: () => void | Promise<void>): void;
}

/** Builds a per-emulator route handler (a module keeping per-org state, such as bulk jobs). */
export type RouteFactory = (host: EmulatorHost) => RouteHandler;
