/** The SOQL query builder: `select(Model).where({…}).orderBy(…).toSoql()`; every value escaped in one place. */
export { select, QueryBuilder } from './query.js';
export type { FieldPathOf, NullsOrder, RecordFor, Selected, SortDirection, SubqueryResult } from './query.js';
export { and, or, not, raw, renderCondition, SoqlCondition } from './conditions.js';
export type { Condition, FieldCondition, FieldOps, RenderContext, Scalar, Where, WhereObject } from './conditions.js';
export {
  soqlLiteral, escapeSoqlString, escapeLikeString, likeLiteral, likePattern, LikePattern, dateLiteral, dateOnly,
  datetimeLiteral, SoqlToken,
} from './literal.js';
export type { FixedDateLiteral, NDateLiteral, SoqlScalar } from './literal.js';
export { Aggregate, count, countDistinct, sum, avg, min, max, dateFunction } from './aggregates.js';
export type { DateFunction } from './aggregates.js';
export { FIELD_PATH_RE, checkFieldPath } from './fieldPath.js';
export { find, phrase, anyOf, exactTerm, escapeSoslTerm, SearchBuilder, SoslTerm, MAX_SOSL_LIMIT } from './sosl.js';
export type { ReturningOptions, SearchScope } from './sosl.js';
