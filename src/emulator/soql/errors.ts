/**
 * SOQL error bodies shaped as Salesforce writes them: the offending line, a caret under the column, the row/column
 * and the reason (`\nSELECT Id, FullName FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column …`).
 */
import { SfHttpError } from '../types.js';

/** Longest query line echoed whole; longer lines are cut to a window around the error (unconfirmed width). */
const MAX_ECHO = 100;

/** Builds the `\n<line>\n<caret>\nERROR at Row:r:Column:c\n<reason>` message for a 0-based offset in the query. */
export function positioned(soql: string, offset: number, reason: string): string {
  const at = Math.max(0, Math.min(offset, soql.length));
  const before = soql.slice(0, at);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = soql.indexOf('\n', at) === -1 ? soql.length : soql.indexOf('\n', at);
  const col = at - lineStart + 1;
  let line = soql.slice(lineStart, lineEnd);
  let caret = col - 1;
  if (line.length > MAX_ECHO) {
    // Salesforce echoes a window of the statement around the error, the caret aligned inside it.
    let from = Math.max(0, caret - 40);
    while (from > 0 && !/[\s,(]/.test(line[from - 1] ?? '')) from--;
    const to = Math.min(line.length, caret + 60);
    line = line.slice(from, to);
    caret -= from;
  }
  return `\n${line}\n${' '.repeat(caret)}^\nERROR at Row:${row}:Column:${col}\n${reason}`;
}

/** Offset of the first case-insensitive whole-word occurrence of `word` outside string literals (0 when absent). */
export function locate(soql: string, word: string, from = 0): number {
  const lower = soql.toLowerCase();
  const target = word.toLowerCase();
  let inString = false;
  for (let i = from; i < soql.length; i++) {
    const ch = soql[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === "'") inString = false;
      continue;
    }
    if (ch === "'") { inString = true; continue; }
    if (lower.startsWith(target, i) && !isWordChar(soql[i - 1]) && !isWordChar(soql[i + target.length])) return i;
  }
  return from > 0 ? locate(soql, word, 0) : 0;
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_]/.test(ch);
}

export function malformed(soql: string, offset: number, reason: string): SfHttpError {
  return new SfHttpError(400, 'MALFORMED_QUERY', positioned(soql, offset, reason));
}

export function noSuchColumn(soql: string, column: string, entity: string): SfHttpError {
  return new SfHttpError(400, 'INVALID_FIELD', positioned(soql, locate(soql, column),
    `No such column '${column.split('.').pop()}' on entity '${entity}'. If you are attempting to use a custom field, ` +
    `be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for ` +
    `the appropriate names.`));
}

export function unknownRelationship(soql: string, path: string, relationship: string): SfHttpError {
  return new SfHttpError(400, 'INVALID_FIELD', positioned(soql, locate(soql, path),
    `Didn't understand relationship '${relationship}' in field path. If you are attempting to use a custom ` +
    `relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or ` +
    `the describe call for the appropriate names.`));
}

export function unknownChildRelationship(soql: string, relationship: string): SfHttpError {
  return new SfHttpError(400, 'INVALID_TYPE', positioned(soql, locate(soql, relationship),
    `Didn't understand relationship '${relationship}' in FROM part of query call. If you are attempting to use a ` +
    `custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your ` +
    `WSDL or the describe call for the appropriate names.`));
}

export function unsupportedObject(soql: string, sobject: string): SfHttpError {
  return new SfHttpError(400, 'INVALID_TYPE', positioned(soql, locate(soql, sobject, locate(soql, 'FROM')),
    `sObject type '${sobject}' is not supported. If you are attempting to use a custom object, be sure to append ` +
    `the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`));
}

/** A literal of the wrong kind for its field (`Name = 5`, `Amount = '5'`). */
export function wrongLiteral(soql: string, field: string, type: string, quoted: boolean): SfHttpError {
  return new SfHttpError(400, 'INVALID_FIELD', positioned(soql, locate(soql, field, locate(soql, 'WHERE')),
    `value of filter criterion for field '${field.split('.').pop()}' must be of type ${type} and should ` +
    `${quoted ? '' : 'not '}be enclosed in quotes`));
}

/** `Id = 'abc'`: Salesforce answers INVALID_QUERY_FILTER_OPERATOR "invalid ID field: abc". */
export function invalidId(soql: string, field: string, value: string): SfHttpError {
  return new SfHttpError(400, 'INVALID_QUERY_FILTER_OPERATOR', positioned(soql,
    locate(soql, field, locate(soql, 'WHERE')), `invalid ID field: ${value}`));
}
