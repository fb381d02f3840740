/**
 * SOQL date functions (CALENDAR_YEAR(CreatedDate), DAY_ONLY(…) …) usable in WHERE, GROUP BY and SELECT, evaluated
 * in UTC; fiscal variants follow the default fiscal year (January start).
 */
import type { Kind } from './values.js';

export interface DateFunction {
  kind: Kind;
  /** From epoch ms to the function's value (a number, or a `yyyy-MM-dd` string for DAY_ONLY). */
  apply(t: number): number | string;
}

const pad = (n: number): string => String(n).padStart(2, '0');

const FUNCTIONS: Record<string, DateFunction> = {
  CALENDAR_YEAR: { kind: 'number', apply: t => new Date(t).getUTCFullYear() },
  FISCAL_YEAR: { kind: 'number', apply: t => new Date(t).getUTCFullYear() },
  CALENDAR_MONTH: { kind: 'number', apply: t => new Date(t).getUTCMonth() + 1 },
  FISCAL_MONTH: { kind: 'number', apply: t => new Date(t).getUTCMonth() + 1 },
  CALENDAR_QUARTER: { kind: 'number', apply: t => Math.floor(new Date(t).getUTCMonth() / 3) + 1 },
  FISCAL_QUARTER: { kind: 'number', apply: t => Math.floor(new Date(t).getUTCMonth() / 3) + 1 },
  DAY_IN_MONTH: { kind: 'number', apply: t => new Date(t).getUTCDate() },
  DAY_IN_WEEK: { kind: 'number', apply: t => new Date(t).getUTCDay() + 1 },
  DAY_IN_YEAR: {
    kind: 'number',
    apply: t => Math.floor((t - Date.UTC(new Date(t).getUTCFullYear(), 0, 1)) / 86_400_000) + 1,
  },
  HOUR_IN_DAY: { kind: 'number', apply: t => new Date(t).getUTCHours() },
  WEEK_IN_MONTH: { kind: 'number', apply: t => Math.floor((new Date(t).getUTCDate() - 1) / 7) + 1 },
  WEEK_IN_YEAR: {
    kind: 'number',
    apply: t => Math.floor((t - Date.UTC(new Date(t).getUTCFullYear(), 0, 1)) / (7 * 86_400_000)) + 1,
  },
  DAY_ONLY: {
    kind: 'date',
    apply: t => { const d = new Date(t); return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`; },
  },
};

export function dateFunction(name: string): DateFunction | undefined {
  return FUNCTIONS[name.toUpperCase()];
}
