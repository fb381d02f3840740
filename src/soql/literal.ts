/**
 * SOQL literals. Every value that reaches a query goes through `soqlLiteral` (or `likeText` for LIKE patterns),
 * so no value can change the structure of a query: strings are quoted with every SOQL escape sequence applied
 * (`\\ \' \" \n \r \t \b \f`), numbers must be finite, and the only unquoted text is built by this module's own
 * token class, which callers cannot forge.
 */
import { ValidationError } from '../util/errors.js';
import { formatNumber, isDateString } from '../model/index.js';

const ESCAPES: Record<string, string> = {
  '\\': '\\\\', "'": "\\'", '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f',
};

/**
 * The body of a quoted SOQL string: backslash, quotes and control characters escaped. Other control characters and
 * the Unicode line/paragraph separators (U+2028, U+2029), which some SOQL lexers treat as line ends, are written as
 * `\uXXXX`, which Salesforce's "Quoted String Escape Sequences" page lists beside the short forms.
 */
export function escapeSoqlString(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\\'"\n\r\t\b\f]|[\u0000-\u001f\u007f\u0085\u2028\u2029]/g,
    c => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Like `escapeSoqlString`, and `%` / `_` escaped so they match themselves inside LIKE. */
export function escapeLikeString(s: string): string {
  return escapeSoqlString(s).replace(/[%_]/g, c => `\\${c}`);
}

/**
 * The wildcard text of a LIKE pattern, written in LIKE's own syntax: `%` and `_` are wildcards, and `\%`, `\_` and
 * `\\` stay the escapes LIKE gives them (a literal percent sign, underscore, backslash). Any other character is
 * escaped as `escapeSoqlString` does (a lone backslash becomes a literal one), so the text cannot leave its quotes.
 */
export function escapeLikePatternText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    const next = s[i + 1];
    if (c === '\\' && (next === '%' || next === '_' || next === '\\')) {
      out += `\\${next}`;
      i++;
    } else {
      out += escapeSoqlString(c);
    }
  }
  return out;
}

/** Unquoted SOQL text made by this module only (date literals, datetimes, date-only values). */
export class SoqlToken {
  readonly #text: string;
  /** @internal */
  constructor(text: string, key: symbol) {
    if (key !== TOKEN_KEY) throw new TypeError('SoqlToken is built by dateLiteral(), dateOnly() or datetimeLiteral()');
    this.#text = text;
  }
  static is(v: unknown): v is SoqlToken {
    return typeof v === 'object' && v !== null && #text in v;
  }
  toSoql(): string {
    return this.#text;
  }
  toString(): string {
    return this.#text;
  }
}
const TOKEN_KEY = Symbol('SoqlToken');
const token = (text: string) => new SoqlToken(text, TOKEN_KEY);

/** Relative date literals without a number. */
export type FixedDateLiteral =
  | 'YESTERDAY' | 'TODAY' | 'TOMORROW' | 'LAST_WEEK' | 'THIS_WEEK' | 'NEXT_WEEK' | 'LAST_MONTH' | 'THIS_MONTH'
  | 'NEXT_MONTH' | 'LAST_90_DAYS' | 'NEXT_90_DAYS' | 'THIS_QUARTER' | 'LAST_QUARTER' | 'NEXT_QUARTER' | 'THIS_YEAR'
  | 'LAST_YEAR' | 'NEXT_YEAR' | 'THIS_FISCAL_QUARTER' | 'LAST_FISCAL_QUARTER' | 'NEXT_FISCAL_QUARTER'
  | 'THIS_FISCAL_YEAR' | 'LAST_FISCAL_YEAR' | 'NEXT_FISCAL_YEAR';
/** Relative date literals taking `:n`. */
export type NDateLiteral =
  | 'LAST_N_DAYS' | 'NEXT_N_DAYS' | 'N_DAYS_AGO' | 'LAST_N_WEEKS' | 'NEXT_N_WEEKS' | 'N_WEEKS_AGO' | 'LAST_N_MONTHS'
  | 'NEXT_N_MONTHS' | 'N_MONTHS_AGO' | 'LAST_N_QUARTERS' | 'NEXT_N_QUARTERS' | 'N_QUARTERS_AGO' | 'LAST_N_YEARS'
  | 'NEXT_N_YEARS' | 'N_YEARS_AGO' | 'LAST_N_FISCAL_QUARTERS' | 'NEXT_N_FISCAL_QUARTERS' | 'N_FISCAL_QUARTERS_AGO'
  | 'LAST_N_FISCAL_YEARS' | 'NEXT_N_FISCAL_YEARS' | 'N_FISCAL_YEARS_AGO';

const FIXED = new Set<string>(['YESTERDAY', 'TODAY', 'TOMORROW', 'LAST_WEEK', 'THIS_WEEK', 'NEXT_WEEK', 'LAST_MONTH',
  'THIS_MONTH', 'NEXT_MONTH', 'LAST_90_DAYS', 'NEXT_90_DAYS', 'THIS_QUARTER', 'LAST_QUARTER', 'NEXT_QUARTER',
  'THIS_YEAR', 'LAST_YEAR', 'NEXT_YEAR', 'THIS_FISCAL_QUARTER', 'LAST_FISCAL_QUARTER', 'NEXT_FISCAL_QUARTER',
  'THIS_FISCAL_YEAR', 'LAST_FISCAL_YEAR', 'NEXT_FISCAL_YEAR']);
const WITH_N = /^(LAST|NEXT)_N_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS|FISCAL_QUARTERS|FISCAL_YEARS)$|^N_(DAYS|WEEKS|MONTHS|QUARTERS|YEARS|FISCAL_QUARTERS|FISCAL_YEARS)_AGO$/;

/**
 * A relative date literal.
 * @example
 * select(Opportunity).where({ CloseDate: { gte: dateLiteral('LAST_N_DAYS', 30) } })
 */
export function dateLiteral(name: FixedDateLiteral): SoqlToken;
export function dateLiteral(name: NDateLiteral, n: number): SoqlToken;
export function dateLiteral(name: string, n?: number): SoqlToken {
  if (FIXED.has(name) && n === undefined) return token(name);
  if (WITH_N.test(name) && n !== undefined && Number.isSafeInteger(n) && n >= 0) return token(`${name}:${n}`);
  throw new ValidationError({ reason: `not a SOQL date literal: ${JSON.stringify(name)}${n !== undefined ? ` with ${n}` : ''}` });
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A date field value: `2024-01-02` unquoted. A Date gives its UTC calendar day. */
export function dateOnly(value: string | Date): SoqlToken {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ValidationError({ reason: 'invalid Date' });
    return token(`${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`);
  }
  if (typeof value !== 'string' || !isDateString(value)) {
    throw new ValidationError({ reason: `malformed date ${JSON.stringify(value)} (expected YYYY-MM-DD)` });
  }
  return token(value);
}

/** A datetime literal in UTC: `2024-01-02T03:04:05Z`, with `.SSS` only when there are milliseconds. */
export function datetimeLiteral(d: Date): SoqlToken {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new ValidationError({ reason: 'invalid Date' });
  const ms = d.getUTCMilliseconds();
  return token(`${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:` +
    `${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}Z`);
}

/**
 * A LIKE pattern whose parts are either wildcard text (`%`, `_` active) or literal text (`%`, `_` matched as such).
 * Build one with `likeLiteral(s)` or the `likePattern` template tag.
 */
export class LikePattern {
  private constructor(private readonly parts: readonly { text: string; literal: boolean }[]) {}
  /** @internal */
  static of(parts: readonly { text: string; literal: boolean }[]): LikePattern {
    return new LikePattern(parts);
  }
  /** The pattern as a quoted SOQL string. */
  toSoql(): string {
    return `'${this.parts.map(p => (p.literal ? escapeLikeString(p.text) : escapeLikePatternText(p.text))).join('')}'`;
  }
}

/** A LIKE pattern matching `s` exactly (case-insensitively, as LIKE does): `%` and `_` lose their wildcard meaning. */
export function likeLiteral(s: string): LikePattern {
  return LikePattern.of([{ text: String(s), literal: true }]);
}

/**
 * A LIKE pattern from a template: the template's text keeps its wildcards, interpolated values are literal.
 * @example
 * select(Account).where({ Name: { like: likePattern`${userInput}%` } })   // starts with userInput, even "50%_off"
 */
export function likePattern(strings: TemplateStringsArray, ...values: unknown[]): LikePattern {
  const parts: { text: string; literal: boolean }[] = [];
  strings.forEach((s, i) => {
    parts.push({ text: s, literal: false });
    if (i < values.length) parts.push({ text: String(values[i]), literal: true });
  });
  return LikePattern.of(parts);
}

/** The values a literal can be made from. */
export type SoqlScalar = string | number | boolean | bigint | null | Date | SoqlToken;

/**
 * One value as a SOQL literal: strings quoted and escaped, numbers as plain digits, booleans, null, Dates as
 * datetime literals, arrays as `(a, b)` lists, tokens from `dateLiteral` / `dateOnly` as they are.
 * @throws ValidationError for NaN, infinities, empty lists and other objects
 */
export function soqlLiteral(value: SoqlScalar | readonly SoqlScalar[]): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) throw new ValidationError({ reason: 'an empty list is not valid SOQL' });
    return `(${value.map(v => soqlLiteral(v as SoqlScalar)).join(', ')})`;
  }
  switch (typeof value) {
    case 'string': return `'${escapeSoqlString(value)}'`;
    case 'boolean': return value ? 'true' : 'false';
    case 'bigint': return value.toString();
    case 'number':
      if (!Number.isFinite(value)) throw new ValidationError({ reason: `${value} is not a SOQL number` });
      return formatNumber(value);
  }
  if (value instanceof Date) return datetimeLiteral(value).toSoql();
  if (SoqlToken.is(value)) return value.toSoql();
  throw new ValidationError({ reason: `cannot be used as a SOQL value: ${Object.prototype.toString.call(value)}` });
}
