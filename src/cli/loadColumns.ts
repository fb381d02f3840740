/** Checks a load file's columns against describe before any record is sent, naming the column at fault. */
import type { DescribeSObjectResult } from '../sources/describe/describeTypes.js';
import { CliError } from './errors.js';

export type LoadOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';
type DescribeField = DescribeSObjectResult['fields'][number];

/** Describes another object (for relationship columns such as `Account.External_Id__c`). */
export type DescribeOf = (sobject: string) => Promise<DescribeSObjectResult>;

/**
 * Maps each column to its API name (matched case-insensitively) and rejects unknown fields, fields the operation
 * cannot write, and missing key columns.
 */
export async function checkColumns(d: DescribeSObjectResult, columns: readonly string[], op: LoadOperation,
  externalId: string | undefined, describeOf: DescribeOf, file: string): Promise<void> {
  const fields = new Map(d.fields.map(f => [f.name.toLowerCase(), f]));
  const has = (name: string) => columns.some(c => c.toLowerCase() === name.toLowerCase());
  if (columns.length === 0) throw new CliError(`${file}: no columns`);
  if ((op === 'update' || op === 'delete') && !has('Id')) throw new CliError(`${file}: ${op} needs an Id column`);
  if (op === 'delete') return;
  if (op === 'upsert') {
    const ext = fields.get(externalId!.toLowerCase());
    if (!ext) throw new CliError(`--external-id ${externalId} is not a field of ${d.name}`);
    if (!ext.externalId && !ext.idLookup && ext.name !== 'Id') throw new CliError(`--external-id ${externalId} is not an external id field of ${d.name}`);
    if (!has(externalId!)) throw new CliError(`${file}: upsert by ${externalId} needs a ${externalId} column`);
  }
  for (const column of columns) {
    if (column.includes('.')) {
      await checkRelationship(d, column, describeOf, file);
      continue;
    }
    const f = fields.get(column.toLowerCase());
    if (!f) throw new CliError(`${file}: unknown column "${column}": ${d.name} has no such field`);
    if (f.name === 'Id' || (op === 'upsert' && f.name.toLowerCase() === externalId!.toLowerCase())) continue;
    if (!writable(f, op)) throw new CliError(`${file}: column "${column}": ${d.name}.${f.name} is not ${op === 'insert' ? 'createable' : 'updateable'}`);
  }
}

function writable(f: DescribeField, op: LoadOperation): boolean {
  if (op === 'insert') return f.createable;
  if (op === 'update') return f.updateable;
  return f.createable || f.updateable;
}

async function checkRelationship(d: DescribeSObjectResult, column: string, describeOf: DescribeOf, file: string): Promise<void> {
  const [rel, lookup, ...rest] = column.split('.');
  const ref = d.fields.find(f => f.type === 'reference' && f.relationshipName?.toLowerCase() === rel!.toLowerCase());
  if (!ref || rest.length > 0 || !lookup) throw new CliError(`${file}: unknown column "${column}": ${d.name} has no relationship ${rel}`);
  const target = await describeOf(ref.referenceTo[0]!);
  const f = target.fields.find(x => x.name.toLowerCase() === lookup.toLowerCase());
  if (!f) throw new CliError(`${file}: unknown column "${column}": ${target.name} has no field ${lookup}`);
  if (!f.externalId && !f.idLookup && f.name !== 'Id') throw new CliError(`${file}: column "${column}": ${target.name}.${f.name} is not an external id`);
}
