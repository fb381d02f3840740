/** The output columns of a SOQL query, in SELECT order, as Salesforce names them in results. */
import { parseQuery, type FieldType } from '@jetstreamapp/soql-parser-js';
import { CliError } from './errors.js';

/** One output column: its header and where its value is in a REST record (a path of field names). */
export interface Column {
  header: string;
  path: string[];
}

/**
 * Parses the SOQL and lists its columns: `Name`, `Account.Name` for parent fields, the alias or `exprN` for
 * aggregates, the relationship name for a subquery (its records as JSON). A parse error is a usage error.
 */
export function soqlColumns(soql: string): Column[] {
  let fields: FieldType[];
  try {
    fields = parseQuery(soql).fields ?? [];
  } catch (e) {
    throw new CliError(`not a valid SOQL query: ${(e as Error).message.split('\n')[0]}`);
  }
  const out: Column[] = [];
  let expr = 0;
  for (const f of fields) {
    switch (f.type) {
      case 'Field':
        out.push({ header: f.alias ?? f.field, path: [f.alias ?? f.field] });
        break;
      case 'FieldRelationship': {
        const alias = 'alias' in f ? f.alias : undefined;
        const header = alias ?? [...f.relationships, f.field].join('.');
        out.push({ header, path: alias ? [alias] : [...f.relationships, f.field] });
        break;
      }
      case 'FieldFunctionExpression': {
        const name = f.alias ?? (f.isAggregateFn ? `expr${expr++}` : String(f.parameters?.[0] ?? f.functionName));
        out.push({ header: name, path: name.split('.') });
        break;
      }
      case 'FieldSubquery':
        out.push({ header: f.subquery.relationshipName, path: [f.subquery.relationshipName] });
        break;
      case 'FieldTypeof':
        out.push({ header: f.field, path: [f.field] });
        break;
    }
  }
  return out;
}

/** A column's value in a REST record, matching names case-insensitively (the query may spell them otherwise). */
export function valueAt(record: Record<string, unknown>, path: readonly string[]): unknown {
  let cur: unknown = record;
  for (const key of path) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return null;
    const obj = cur as Record<string, unknown>;
    if (key in obj) { cur = obj[key]; continue; }
    const lower = key.toLowerCase();
    const found = Object.keys(obj).find(k => k.toLowerCase() === lower);
    cur = found === undefined ? null : obj[found];
  }
  if (cur !== null && typeof cur === 'object' && 'records' in (cur as object)) return (cur as { records: unknown[] }).records;
  return cur ?? null;
}

/** A REST record as a flat row keyed by the column headers, in column order. */
export function flatRow(record: Record<string, unknown>, columns: readonly Column[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of columns) row[c.header] = valueAt(record, c.path);
  return row;
}
