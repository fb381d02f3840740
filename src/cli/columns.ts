/** The output columns of a SOQL query, in SELECT order, as Salesforce names them in results. */
import { parseQuery, type FieldType } from '@jetstreamapp/soql-parser-js';

/** One output column: its header and where its value is in a REST record (a path of field names). */
export interface Column {
  header: string;
  path: string[];
}

/**
 * Parses the SOQL and lists its columns: `Name`, `Account.Name` for parent fields, the alias or `exprN` for
 * aggregates, the relationship name for a subquery (its records as JSON). Undefined when the query does not parse
 * here: the org then says what is wrong with it, in its own words.
 */
export function soqlColumns(soql: string): Column[] | undefined {
  let fields: FieldType[];
  try {
    fields = parseQuery(soql).fields ?? [];
  } catch {
    return undefined;
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

/** `SELECT COUNT() FROM …`: the answer is the record count (totalSize), with no records. */
export function isCountQuery(soql: string): boolean {
  try {
    const fields = parseQuery(soql).fields ?? [];
    return fields.length === 1 && fields[0]!.type === 'FieldFunctionExpression' && fields[0]!.functionName.toUpperCase() === 'COUNT'
      && (fields[0]!.parameters ?? []).length === 0;
  } catch {
    return false;
  }
}

/** Columns when the query could not be parsed here: the first record's fields, parents dotted. */
export function columnsOfRecord(record: Record<string, unknown>, prefix: string[] = []): Column[] {
  const out: Column[] = [];
  for (const [k, v] of Object.entries(record)) {
    if (k === 'attributes') continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !('records' in v)) out.push(...columnsOfRecord(v as Record<string, unknown>, [...prefix, k]));
    else out.push({ header: [...prefix, k].join('.'), path: [...prefix, k] });
  }
  return out;
}

/**
 * A row keyed as JSON and NDJSON show it: relationship fields nested as Salesforce nests them
 * (`{ "Account": { "Name": … } }`, `"Account": null` when there is no parent), without `attributes`.
 */
export function nestedRow(record: Record<string, unknown>, columns: readonly Column[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of columns) {
    let into = row;
    let from: unknown = record;
    for (let i = 0; i < c.path.length - 1; i++) {
      const key = c.path[i]!;
      from = valueAt(from as Record<string, unknown>, [key]);
      if (from === null || typeof from !== 'object') {
        if (!(key in into)) into[key] = null;
        into = undefined as never;
        break;
      }
      const next = into[key];
      into = (next !== null && typeof next === 'object' ? next : (into[key] = {})) as Record<string, unknown>;
    }
    if (into) into[c.path.at(-1)!] = valueAt(record, c.path);
  }
  return row;
}

/** A bulk CSV row (dotted headers) nested as `nestedRow` nests a REST record; a parent with no value is null. */
export function nestDotted(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const parts = k.split('.');
    let into = out;
    for (const p of parts.slice(0, -1)) into = (into[p] ??= {}) as Record<string, unknown>;
    into[parts.at(-1)!] = v;
  }
  const nullEmpty = (o: Record<string, unknown>): unknown => {
    for (const [k, v] of Object.entries(o)) if (v !== null && typeof v === 'object' && !Array.isArray(v)) o[k] = nullEmpty(v as Record<string, unknown>);
    return Object.values(o).every(v => v === null) && Object.keys(o).length > 0 ? null : o;
  };
  for (const [k, v] of Object.entries(out)) if (v !== null && typeof v === 'object') out[k] = nullEmpty(v as Record<string, unknown>);
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
