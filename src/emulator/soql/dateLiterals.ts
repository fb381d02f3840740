/**
 * Date literals (TODAY, LAST_N_DAYS:n, THIS_QUARTER …) as half-open UTC ranges [start, end) in epoch ms, so `=`
 * means "inside", `<` "before start", `>` "at or after end". Weeks start on Sunday and the fiscal year on January 1st,
 * the defaults of a new org; every range is computed in UTC (an org in another time zone shifts them — unconfirmed).
 */

export interface DateRange {
  start: number;
  end: number;
}

const DAY = 86_400_000;

type Unit = 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR';

/** Start of the unit containing `t`, shifted by `n` whole units. */
function unitStart(t: number, unit: Unit, n: number): number {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = Date.UTC(y, m, d.getUTCDate());
  switch (unit) {
    case 'DAY': return day + n * DAY;
    case 'WEEK': return day - d.getUTCDay() * DAY + n * 7 * DAY;
    case 'MONTH': return Date.UTC(y, m + n, 1);
    case 'QUARTER': return Date.UTC(y, m - (m % 3) + 3 * n, 1);
    case 'YEAR': return Date.UTC(y + n, 0, 1);
  }
}

function range(now: number, unit: Unit, from: number, to: number): DateRange {
  return { start: unitStart(now, unit, from), end: unitStart(now, unit, to) };
}

const FIXED: Record<string, [Unit, number]> = {
  YESTERDAY: ['DAY', -1], TODAY: ['DAY', 0], TOMORROW: ['DAY', 1],
  LAST_WEEK: ['WEEK', -1], THIS_WEEK: ['WEEK', 0], NEXT_WEEK: ['WEEK', 1],
  LAST_MONTH: ['MONTH', -1], THIS_MONTH: ['MONTH', 0], NEXT_MONTH: ['MONTH', 1],
  LAST_QUARTER: ['QUARTER', -1], THIS_QUARTER: ['QUARTER', 0], NEXT_QUARTER: ['QUARTER', 1],
  LAST_YEAR: ['YEAR', -1], THIS_YEAR: ['YEAR', 0], NEXT_YEAR: ['YEAR', 1],
  LAST_FISCAL_QUARTER: ['QUARTER', -1], THIS_FISCAL_QUARTER: ['QUARTER', 0], NEXT_FISCAL_QUARTER: ['QUARTER', 1],
  LAST_FISCAL_YEAR: ['YEAR', -1], THIS_FISCAL_YEAR: ['YEAR', 0], NEXT_FISCAL_YEAR: ['YEAR', 1],
};

const UNITS: Record<string, Unit> = {
  DAYS: 'DAY', WEEKS: 'WEEK', MONTHS: 'MONTH', QUARTERS: 'QUARTER', YEARS: 'YEAR',
  FISCAL_QUARTERS: 'QUARTER', FISCAL_YEARS: 'YEAR',
};

/**
 * The range of a date literal, or undefined when the name is unknown. `LAST_N_DAYS:n` includes today (as Salesforce
 * does); `LAST_N_<unit>S:n` for larger units covers the n whole units before the current one; `NEXT_N_DAYS:n`
 * starts tomorrow.
 */
export function dateLiteralRange(literal: string, now: number): DateRange | undefined {
  const upper = literal.toUpperCase();
  const fixed = FIXED[upper];
  if (fixed) return range(now, fixed[0], fixed[1], fixed[1] + 1);
  if (upper === 'LAST_90_DAYS') return range(now, 'DAY', -90, 1);
  if (upper === 'NEXT_90_DAYS') return range(now, 'DAY', 1, 91);
  const m = /^(LAST_N|NEXT_N|N)_([A-Z_]+?)(_AGO)?:(\d+)$/.exec(upper);
  if (!m) return undefined;
  const unit = UNITS[m[2] ?? ''];
  const n = Number(m[4]);
  if (!unit) return undefined;
  if (m[1] === 'N' && m[3]) return range(now, unit, -n, -n + 1);
  if (m[3]) return undefined;
  if (m[1] === 'LAST_N') return unit === 'DAY' ? range(now, unit, -n, 1) : range(now, unit, -n, 0);
  return range(now, unit, 1, n + 1);
}
