/**
 * rxforce/browser: what a page calls the org with, and what the prebuilt browser bundles carry
 * (dist/browser/rxforce.umd.js, the global `rxforce`, and dist/browser/rxforce.esm.js): the client and its logins,
 * models, the SOQL and SOSL builders, single records, queries, describe, the list operators, Composite, search and
 * Apex REST. Bulk API 2.0 and replication are left to `rxforce` (which re-exports all of this): they are the largest
 * parts and are built for loading and mirroring whole tables; a page that needs them bundles `rxforce`
 * (examples/browser runs a bulk insert) and keeps only what it imports.
 *
 * Browser-safe: nothing here imports `node:` modules (checked by `npm run layers`).
 *
 * This file and src/index.ts are the public surface, listed name by name: what the README documents and the types
 * its signatures need. Helpers the layers share (retry policy, limiter, wire codecs, escaping) stay internal. A
 * change here shows in `etc/rxforce-browser.api.md` and `etc/rxforce.api.md` (`npm run api-report`).
 */

// Record ids
export { isValidId, keyPrefixOf, normalizeId, sameId, to15, to18 } from './util/ids.js';

// The client: connection, login flows, typed errors, secret scrubbing
export { SalesforceClient } from './client/client.js';
export type {
  ApiUsage, ApiUsageShare, ConcurrencyLimiter, HttpMethod, LoginContext, LoginFlow, ResponseType, RetryConfig, RetryEvent,
  SalesforceClientOptions, Session, SessionCache,
  SfRequest, SfResponse, Transport, TransportRequest,
} from './client/types.js';
export type { AxiosTransportOptions } from './client/transport.js';
export type { ResolvedRetryConfig } from './client/retry.js';
export {
  ApiBudgetExceededError, AuthenticationError, BadGatewayError, ConflictError, EdgeRoutingUnavailableError,
  ExpiredSessionError, GatewayTimeoutError, HeadersTooLargeError, isSalesforceError, MalformedRequestError,
  MethodNotAllowedError, MultipleChoicesError, NetworkError, PreconditionFailedError, PreconditionRequiredError,
  RefusedRequestError, RequestLimitExceededError, ResourceNotFoundError, ResourceRemovedError, SalesforceApiError,
  ServerError, ServerUnavailableError, TooManyRequestsError, UnsupportedFormatError, UriTooLongError,
  type ErrorResponseLike, type SalesforceErrorDetail,
} from './client/errors.js';
export { ValidationError } from './util/errors.js';
export { redact } from './util/redact.js';
export {
  authorizationCodeLogin, authorizeUrl, clientCredentialsLogin, createPkcePair, jwtBearerLogin, lazyLogin, passwordLogin,
  refreshTokenLogin, soapLogin, tokenLogin,
} from './client/auth/index.js';
export type {
  AuthorizationCodeLoginParams, AuthorizeUrlParams, ClientCredentialsLoginParams, JwtBearerLoginParams, LazyLoginParams,
  PasswordLoginParams, PkcePair, PrivateKeyInput, RefreshTokenLoginParams, SoapLoginParams, TokenLoginParams,
} from './client/auth/index.js';

// Models
export { defineSObject } from './model/defineSObject.js';
export { sf, type AnyField, type FieldDef, type FieldKind, type Flags, type SfField } from './model/fields.js';
export type {
  FieldShape, FieldValue, InsertOf, ModelOptions, RecordOf, ShapeInsert, ShapeRecord, Simplify, SObjectModel,
  ToWireOptions, WriteOp,
} from './model/types.js';
export { changedFields, markSynced } from './model/tracking.js';
export { formatDatetime, parseDatetime } from './model/wire.js';
export { schemaFromDescribe, type DescribeFieldLike, type DescribeSObjectLike, type FieldSpec } from './model/describe.js';

// SOQL builder. `count` at the top level is the Promise twin of `count$`; the SOQL aggregate is `countOf`.
export {
  select, type FieldPathOf, type NullsOrder, type QueryBuilder, type RecordFor, type Selected, type SortDirection,
  type SubqueryResult,
} from './soql/query.js';
export {
  and, not, or, raw, type Condition, type FieldCondition, type FieldOps, type RenderContext, type Scalar,
  type SoqlCondition, type Where, type WhereObject,
} from './soql/conditions.js';
export {
  dateLiteral, datetimeLiteral, type FixedDateLiteral, type LikePattern, type NDateLiteral, type SoqlScalar,
  type SoqlToken,
} from './soql/literal.js';
export {
  avg, count as countOf, countDistinct, dateFunction, max, min, sum, type Aggregate, type DateFunction,
} from './soql/aggregates.js';
// SOSL builder: every term escaped by escapeSoslTerm
export {
  anyOf, escapeSoslTerm, exactTerm, find, MAX_SOSL_LIMIT, phrase, type ReturningOptions, type SearchBuilder, type SearchScope,
  type SoslTerm,
} from './soql/sosl.js';

// Sources: single records, describe, query
export * from './sources/index.js';

// List operators and their array forms
export * from './operators/index.js';

// Composite API
export * from './sources/composite/index.js';
export * from './sources/search/index.js';
export * from './sources/apex/index.js';
