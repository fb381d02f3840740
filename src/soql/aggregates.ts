/** Aggregate functions for `.aggregate({ alias: sum('Amount') })`, `.having()` and `.orderBy()`. */
import { ValidationError } from '../util/errors.js';

/** An aggregate expression; `T` is the value type in the result row. */
export class Aggregate<T = unknown> {
  declare readonly _type: T;
  private constructor(readonly fn: string, readonly field: string | undefined) {}
  /** @internal */
  static of<T>(fn: string, field?: string): Aggregate<T> {
    return new Aggregate<T>(fn, field);
  }
  /** `SUM(Amount)`; the field is checked by the builder that renders it. */
  toSoql(): string {
    return `${this.fn}(${this.field ?? ''})`;
  }
}

/** COUNT(field), or COUNT(Id) without one. */
export const count = (field = 'Id') => Aggregate.of<number>('COUNT', field);
export const countDistinct = (field: string) => Aggregate.of<number>('COUNT_DISTINCT', field);
/** SUM: null when no row has a value. */
export const sum = (field: string) => Aggregate.of<number | null>('SUM', field);
export const avg = (field: string) => Aggregate.of<number | null>('AVG', field);
/** MIN / MAX of numbers, dates (strings on the wire) or text. */
export const min = (field: string) => Aggregate.of<number | string | null>('MIN', field);
export const max = (field: string) => Aggregate.of<number | string | null>('MAX', field);

/** Date functions usable in GROUP BY and SELECT: `groupBy(calendar('CALENDAR_YEAR', 'CloseDate'))`. */
export type DateFunction =
  | 'CALENDAR_MONTH' | 'CALENDAR_QUARTER' | 'CALENDAR_YEAR' | 'DAY_IN_MONTH' | 'DAY_IN_WEEK' | 'DAY_IN_YEAR'
  | 'DAY_ONLY' | 'FISCAL_MONTH' | 'FISCAL_QUARTER' | 'FISCAL_YEAR' | 'HOUR_IN_DAY' | 'WEEK_IN_MONTH' | 'WEEK_IN_YEAR';

const DATE_FUNCTIONS = new Set(['CALENDAR_MONTH', 'CALENDAR_QUARTER', 'CALENDAR_YEAR', 'DAY_IN_MONTH', 'DAY_IN_WEEK',
  'DAY_IN_YEAR', 'DAY_ONLY', 'FISCAL_MONTH', 'FISCAL_QUARTER', 'FISCAL_YEAR', 'HOUR_IN_DAY', 'WEEK_IN_MONTH', 'WEEK_IN_YEAR']);

export function dateFunction(fn: DateFunction, field: string): Aggregate<number | string> {
  if (!DATE_FUNCTIONS.has(fn)) throw new ValidationError({ reason: `not a SOQL date function: ${JSON.stringify(fn)}` });
  return Aggregate.of<number | string>(fn, field);
}
