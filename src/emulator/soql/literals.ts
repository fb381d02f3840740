/**
 * SOQL literals: quoted strings with their escapes (\' \" \\ \n \r \t \b \f in either case, \uXXXX, and \% \_ inside
 * LIKE), LIKE patterns, numbers, booleans, dates, datetimes and date literals, turned into the comparable form of the
 * field.
 */
import { dateLiteralRange, type DateRange } from './dateLiterals.js';
import { invalidId, malformed, locate, wrongLiteral } from './errors.js';
import { type Comparable, type Kind, parseDateTime, to18 } from './values.js';

export type Literal =
  | { type: 'null' }
  | { type: 'value'; value: Comparable; text?: string }
  | { type: 'range'; range: DateRange };

/** Salesforce accepts the letter escapes in either case (`\n` or `\N`). */
const SIMPLE_ESCAPES: Record<string, string> = {
  "'": "'", '"': '"', '\\': '\\', n: '\n', r: '\r', t: '\t', b: '\b', f: '\f',
  N: '\n', R: '\r', T: '\t', B: '\b', F: '\f',
};

/**
 * The characters of a quoted literal. With `like`, `\%` and `\_` stay escaped (as `\u0000%`) so the pattern compiler
 * can tell them from wildcards.
 */
export function unquote(raw: string, soql: string, like = false): string {
  const body = raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2 ? raw.slice(1, -1) : raw;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== '\\') { out += ch; continue; }
    const next = body[i + 1] ?? '';
    i++;
    if (next in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[next];
    else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (like && (next === '%' || next === '_')) out += `\u0000${next}`;
    else {
      // Unconfirmed wording; Salesforce rejects unknown escapes as a malformed query.
      throw malformed(soql, locate(soql, raw), `Invalid string literal '${body}'. Illegal character sequence ` +
        `'\\${next}' in quoted string.`);
    }
  }
  return out;
}

/** A parsed condition value, in the comparable form of a field of kind `kind`. */
export function toLiteral(raw: string, literalType: string | undefined, kind: Kind, ctx: {
  soql: string; field: string; now: number;
}): Literal {
  const { soql, field } = ctx;
  const lt = literalType ?? 'STRING';
  if (lt === 'NULL' || raw.toUpperCase() === 'NULL') return { type: 'null' };
  const typeName = kind === 'datetime' ? 'dateTime' : kind === 'number' ? 'double' : kind === 'multi' ? 'string' :
    kind === 'id' ? 'reference' : kind;
  const wrong = (): never => { throw wrongLiteral(soql, field, typeName, kindWantsQuotes(kind)); };
  switch (lt) {
    case 'STRING': {
      if (!kindWantsQuotes(kind)) wrong();
      const text = unquote(raw, soql);
      if (kind === 'id') {
        if (!/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(text)) {
          throw invalidId(soql, field, text);
        }
        return { type: 'value', value: to18(text), text };
      }
      return { type: 'value', value: kind === 'time' ? text : text.toLowerCase(), text };
    }
    case 'INTEGER': case 'DECIMAL':
      if (kind !== 'number') wrong();
      return { type: 'value', value: Number(raw) };
    case 'INTEGER_WITH_CURRENCY_PREFIX': case 'DECIMAL_WITH_CURRENCY_PREFIX':
      if (kind !== 'number') wrong();
      return { type: 'value', value: Number(raw.replace(/^[A-Za-z]{3}/, '')) };
    case 'BOOLEAN':
      if (kind !== 'boolean') wrong();
      return { type: 'value', value: raw.toUpperCase() === 'TRUE' };
    case 'DATE':
      if (kind !== 'date') wrong();
      return { type: 'value', value: parseDateTime(raw) };
    case 'DATETIME':
      if (kind !== 'datetime') wrong();
      return { type: 'value', value: parseDateTime(raw) };
    case 'DATE_LITERAL': case 'DATE_N_LITERAL': {
      if (kind !== 'date' && kind !== 'datetime') wrong();
      const range = dateLiteralRange(raw, ctx.now);
      if (!range) throw malformed(soql, locate(soql, raw.split(':')[0] ?? raw), `unexpected token: '${raw}'`);
      return { type: 'range', range };
    }
    default:
      throw malformed(soql, locate(soql, raw), `unexpected token: '${raw}'`);
  }
}

function kindWantsQuotes(kind: Kind): boolean {
  return kind === 'string' || kind === 'id' || kind === 'multi' || kind === 'time';
}
